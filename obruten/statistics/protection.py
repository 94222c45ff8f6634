"""The one way from a count table to something a renderer may show: disclosure control
first, then the derived shares and means where their denominators allow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from obruten.audit import log as audit
from obruten.lib.disclosure import ProtectedTable, Rules, hide_more, protect, share

from .definitions import REPORTS, CountTable, Definition, Params


def rules() -> Rules:
    return Rules(
        threshold=settings.DISCLOSURE_THRESHOLD,
        min_denominator=settings.DISCLOSURE_MIN_DENOMINATOR,
        symbol=settings.DISCLOSURE_SYMBOL,
    )


@dataclass(frozen=True)
class StatColumn:
    label: str
    values: tuple[float | None, ...]  # per row, the total row last; None is hidden


@dataclass(frozen=True)
class ProtectedReport:
    definition: Definition
    params: Params
    table: ProtectedTable
    stats: tuple[StatColumn, ...]

    @property
    def note(self) -> str:
        symbol = self.table.rules.symbol
        return (
            f"{symbol} = uppgiften visas inte för att inget barn ska kunna pekas ut: antal 1–"
            f"{self.table.rules.threshold - 1} och så många andra celler att de inte kan räknas fram. "
            "Andelar och medelvärden visas bara för grupper med minst "
            f"{self.table.rules.min_denominator} barn."
        )

    def stat_display(self, value: float | None) -> str:
        return self.table.rules.symbol if value is None else f"{value:.1f}".replace(".", ",")


def _protect(counts: CountTable, disclosure: Rules) -> tuple[ProtectedTable, tuple[StatColumn, ...]]:
    table = protect(
        counts.row_labels, counts.col_labels, counts.cells, disclosure, row_totals=counts.row_totals
    )
    parts_of_hidden = {
        (row, part)
        for row in range(len(table.grid))
        for part, whole in counts.parts_of.items()
        if (row, whole) in table.hidden
    }
    table = hide_more(table, parts_of_hidden)
    columns = []
    for stat in counts.stats:
        values: list[float | None] = []
        for row in range(len(table.grid)):
            denominator = table.value(row, stat.denominator_col)
            if stat.kind == "share":
                numerator = table.value(row, stat.numerator_col) if stat.numerator_col is not None else None
                values.append(share(numerator, denominator, disclosure))
            else:
                enough = denominator is not None and stat.observations[row] >= disclosure.min_denominator
                values.append(stat.values[row] if enough else None)
        columns.append(StatColumn(stat.label, tuple(values)))
    return table, tuple(columns)


def run_report(name: str, params: Params, *, actor: Any, via: str) -> ProtectedReport:
    """Compute, protect and audit a report. The audit row records who ran which report
    with which parameters; it names no child."""
    definition = REPORTS[name]
    table, stats = _protect(definition.compute(params), rules())
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        via=via,
        changes={"report": [None, name], "params": [None, params.__dict__]},
    )
    return ProtectedReport(definition, params, table, stats)
