"""The one way from a count table to something a renderer may show: disclosure control
first, then the derived shares and means where their denominators allow.

Linked suppression (docs/statistics.md, "One protection for every output of a period"):
a report is protected once per year as a cube of every view a user can ask for — each
period of the year, all children, girls and boys — with the relations between them, and
every table shown is a slice of that protected cube.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache

from obruten.audit import log as audit
from obruten.audit.models import AuditEvent
from obruten.lib.calendar import MONTHS_OF, period_bounds
from obruten.lib.disclosure import (
    LinkedProtection,
    ProtectedTable,
    Relation,
    Rules,
    hide_more,
    protect_linked,
    share,
    with_totals,
)
from obruten.register.models import Placement

from .definitions import REPORTS, CountTable, Definition, Params
from .models import ImportedPlacement

TOTAL = "Totalt"


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


@dataclass(frozen=True)
class Linking:
    """How a report's views relate. ``periods``: "overlap" (children with a placement any
    day: a period counts at most the sum of the periods that tile it, at least each of
    them), "additive" (records that begin in a period: the sum), "fixed" (the report
    ignores the period) or "single" (no period relation is linked yet). ``district_rows``:
    a district filter picks that district's row. ``form_columns``: a form filter picks
    that form's column."""

    periods: str = "single"
    district_rows: bool = True
    form_columns: bool = False


LINKING = {
    "placements": Linking("overlap", form_columns=True),
    "school-start": Linking("additive"),
    "year9": Linking("fixed", district_rows=False),
    "health": Linking(district_rows=False),
    "child-voice": Linking(district_rows=False),
}

ViewKey = tuple[str, str]  # (period, sex)
CellKey = tuple[str, str, str, str]  # (period, sex, row label, column label)


def _periods(linking: Linking, params: Params) -> list[str]:
    if linking.periods == "fixed":
        return [""]
    # Months are not linked yet: at city scale their many small cells cost minutes of linear
    # programming (docs/statistics.md); a month is protected with its girls and boys alone.
    year_periods = ["", *MONTHS_OF]
    if linking.periods == "single" or params.period not in year_periods:
        return [params.period]
    return year_periods


def _cube_params(linking: Linking, params: Params) -> Params:
    """The filters the cube is computed with: those that pick no row or column."""
    return replace(
        params,
        period="",
        sex="",
        district="" if linking.district_rows else params.district,
        form="" if linking.form_columns else params.form,
    )


def _grid(counts: CountTable) -> list[list[int]]:
    """The body with its totals: the sums, or the distinct children the definition counted."""
    grid = with_totals(counts.cells, row_totals=counts.row_totals)
    if counts.totals is not None and counts.row_totals:
        for row, total in enumerate(counts.totals.rows):
            grid[row][-1] = total
        grid[-1] = [*counts.totals.cols, counts.totals.grand]
    return grid


def _view_cells(view: ViewKey, counts: CountTable) -> dict[CellKey, int]:
    grid = _grid(counts)
    rows = [*counts.row_labels, TOTAL]
    cols = [*counts.col_labels, TOTAL] if counts.row_totals else list(counts.col_labels)
    return {(*view, rows[r], cols[c]): value for r, row in enumerate(grid) for c, value in enumerate(row)}


def _view_relations(view: ViewKey, counts: CountTable) -> Iterator[Relation]:
    rows, cols = counts.row_labels, counts.col_labels
    distinct = counts.totals is not None
    covered = [cols[c] for c in counts.totals.covers] if counts.totals is not None else cols
    if counts.row_totals:
        for row in [*rows, TOTAL]:
            yield Relation(
                (*view, row, TOTAL), tuple((*view, row, col) for col in covered), exact=not distinct
            )
    for col in [*cols, TOTAL] if counts.row_totals else cols:
        yield Relation((*view, TOTAL, col), tuple((*view, row, col) for row in rows), exact=not distinct)


def _months(params: Params, period: str) -> frozenset[date]:
    start, end = period_bounds(params.year, period or None)
    return frozenset(
        date(y, m, 1)
        for y in range(start.year, end.year + 1)
        for m in range(1, 13)
        if start <= date(y, m, 1) <= end
    )


def _tilings(whole: frozenset[date], pieces: dict[str, frozenset[date]]) -> Iterator[tuple[str, ...]]:
    """Every way to cover ``whole`` with disjoint published periods smaller than it."""
    if not whole:
        yield ()
        return
    first = min(whole)
    for name, months in pieces.items():
        if min(months) == first and months <= whole:
            for rest in _tilings(whole - months, pieces):
                yield (name, *rest)


def _period_relations(
    linking: Linking, params: Params, periods: list[str], cells: set[tuple[str, str, str]]
) -> Iterator[Relation]:
    if linking.periods not in {"overlap", "additive"} or len(periods) == 1:
        return
    months = {period: _months(params, period) for period in periods}
    for period in periods:
        smaller = {name: m for name, m in months.items() if m < months[period]}
        for tiling in _tilings(months[period], smaller):
            for sex, row, col in cells:
                yield Relation(
                    (period, sex, row, col),
                    tuple((part, sex, row, col) for part in tiling),
                    exact=linking.periods == "additive",
                )


def _holds(relation: Relation, values: dict[CellKey, int]) -> bool:
    """A relation the counting rule gives in general, checked on the counts: around a
    district merger a placement moves to the successor, and a period's district cell can
    then count fewer children than a month of it. Such a relation is no knowledge an
    attacker has and is left out; where one holds by chance, assuming it is cautious."""
    total, parts = values[relation.total], [values[part] for part in relation.parts]
    if relation.exact:
        return total == sum(parts)
    return all(part <= total for part in parts) and total <= sum(parts)


def protect_cube(name: str, params: Params, disclosure: Rules) -> LinkedProtection:
    """Every view of the report for the period's year as one protected set of cells."""
    definition, linking = REPORTS[name], LINKING.get(name, Linking())
    base, periods = _cube_params(linking, params), _periods(linking, params)
    values: dict[CellKey, int] = {}
    relations: list[Relation] = []
    for period in periods:
        for sex in ("", "F", "M"):
            counts = definition.compute(replace(base, period=period, sex=sex))
            values.update(_view_cells((period, sex), counts))
            relations.extend(_view_relations((period, sex), counts))
    # A view leaves out a row it has nothing for (a former district): that is a 0 to anyone.
    labels = {(row, col) for (_period, _sex, row, col) in values}
    for period in periods:
        for sex in ("", "F", "M"):
            for row, col in labels:
                values.setdefault((period, sex, row, col), 0)
    for period in periods:
        for row, col in labels:
            relations.append(
                Relation((period, "", row, col), ((period, "F", row, col), (period, "M", row, col)))
            )
    sexed = {(sex, row, col) for sex in ("", "F", "M") for row, col in labels}
    relations.extend(_period_relations(linking, params, periods, sexed))
    relations = [relation for relation in relations if _holds(relation, values)]
    return protect_linked(values, relations, disclosure)


def _data_version() -> tuple[object, ...]:
    """What the cached cube depends on: the newest write in the audit log (every service
    and import writes one, chained, so the hash names the whole history) and the newest
    placement and imported row."""
    writes = AuditEvent.objects.exclude(
        action__in=[AuditEvent.Action.READ, AuditEvent.Action.LIST, AuditEvent.Action.EXPORT]
    )
    return (
        writes.order_by("-sequence").values_list("hash", flat=True).first(),
        Placement.objects.order_by("-pk").values_list("pk", flat=True).first(),
        ImportedPlacement.objects.order_by("-pk").values_list("pk", flat=True).first(),
    )


def cached_cube(name: str, params: Params, disclosure: Rules) -> LinkedProtection:
    linking = LINKING.get(name, Linking())
    base, periods = _cube_params(linking, params), _periods(linking, params)
    key = (
        "obruten-cube-"
        + hashlib.sha256(repr((name, base, tuple(periods), disclosure, _data_version())).encode()).hexdigest()
    )
    cube: LinkedProtection | None = cache.get(key)
    if cube is None:
        cube = protect_cube(name, params, disclosure)
        cache.set(key, cube, timeout=None)
    return cube


def _slice(
    name: str, counts: CountTable, params: Params, cube: LinkedProtection, disclosure: Rules
) -> ProtectedTable:
    """The requested view as a slice of the cube: a district or form filter's total is its
    one row or column. A cell the cube does not hold with the same value is hidden."""
    linking = LINKING.get(name, Linking())
    view = ("" if linking.periods == "fixed" else params.period, params.sex)
    grid = _grid(counts)
    one_row = params.district and linking.district_rows and len(counts.row_labels) == 1
    one_col = params.form and linking.form_columns and len(counts.col_labels) == 1
    rows = [*counts.row_labels, counts.row_labels[0] if one_row else TOTAL]
    cols = [*counts.col_labels, counts.col_labels[0] if one_col else TOTAL][: len(grid[0])]
    hidden = set()
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            key = (*view, rows[r], cols[c])
            if key in cube.hidden or cube.values.get(key) != value:
                hidden.add((r, c))
    return ProtectedTable(
        row_labels=(*counts.row_labels, TOTAL),
        col_labels=(*counts.col_labels, TOTAL) if counts.row_totals else tuple(counts.col_labels),
        grid=tuple(tuple(row) for row in grid),
        hidden=frozenset(hidden),
        primary=frozenset(
            (r, c)
            for r, row in enumerate(grid)
            for c, value in enumerate(row)
            if 0 < value < disclosure.threshold
        ),
        rules=disclosure,
        row_totals=counts.row_totals,
    )


def _protect(
    counts: CountTable, table: ProtectedTable, disclosure: Rules
) -> tuple[ProtectedTable, tuple[StatColumn, ...]]:
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


def protect_report(name: str, params: Params) -> ProtectedReport:
    """Compute and protect a report without auditing it: for a caller that audits the
    whole export it is part of (the pack)."""
    definition, disclosure = REPORTS[name], rules()
    counts = definition.compute(params)
    cube = cached_cube(name, params, disclosure)
    table, stats = _protect(counts, _slice(name, counts, params, cube, disclosure), disclosure)
    return ProtectedReport(definition, params, table, stats)


def run_report(name: str, params: Params, *, actor: Any, via: str) -> ProtectedReport:
    """Compute, protect and audit a report. The audit row records who ran which report
    with which parameters; it names no child."""
    report = protect_report(name, params)
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        via=via,
        changes={"report": [None, name], "params": [None, params.__dict__]},
    )
    return report
