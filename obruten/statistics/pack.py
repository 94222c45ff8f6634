"""The tertial and annual pack: every figure of the city's tertial reports and annual
report (seeds 001 and 002) for a year to date, each beside the same period of the
previous year and the change, as one workbook or one PDF ready to paste into the report.

The pack is built only from protected reports (``protection.protect_report``: slices of
each year's protected cube), so it can show no figure a report hides; a change is computed
only between two published figures. One download is one audited export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.db.models import Q

from obruten.audit import log as audit
from obruten.register.models import Placement

from .definitions import Params
from .models import ImportedPlacement
from .protection import ProtectedReport, protect_report

# --through: the tertial a pack runs to, as the report period of the year to date.
THROUGH = {"T1": "T1", "T2": "T2-ACK", "T3": ""}
FORMATS = ("xlsx", "pdf")
NOT_APPLICABLE = "–"  # a row the other year does not have (a district formed or merged since)
NO_DATA = "uppgift saknas"  # a period before the register held any placement (pack.holds_records)

Value = int | float | str | None  # None: hidden; NOT_APPLICABLE: no such row that year
Reader = Callable[[ProtectedReport, int], int | float | None]


def _col(report: ProtectedReport, col: int) -> int:
    """A column counted from the end (-1: the total) as the table's own index."""
    return col % len(report.table.col_labels)


def cell(col: int) -> Reader:
    return lambda report, row: report.table.value(row, _col(report, col))


def stat(index: int) -> Reader:
    return lambda report, row: report.stats[index].values[row]


def cells_sum(*cols: int) -> Reader:
    """The sum of published cells; hidden if any of them is."""

    def read(report: ProtectedReport, row: int) -> int | None:
        values = [report.table.value(row, _col(report, col)) for col in cols]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    return read


@dataclass(frozen=True)
class Figure:
    label: str
    read: Reader
    kind: str = "count"  # count; share (per cent, its change in percentage points); days (a median)

    @property
    def decimal(self) -> bool:
        return self.kind != "count"


@dataclass(frozen=True)
class Section:
    report: str
    sheet: str  # the worksheet's name (at most 31 characters)
    figures: tuple[Figure, ...]
    sexes: tuple[str, ...] = ("",)  # "" all children; F and M side by side
    by_school_year: bool = False  # the report counts a school year (year 9), not the period
    by_year: bool = False  # the report counts a calendar year (an age reached in it), not the period


SEX_LABELS = {"": "", "F": "Flickor, ", "M": "Pojkar, "}

SECTIONS = (
    Section(
        "placements-stad",
        "Placerade barn",
        (Figure("Placerade barn (individer)", cell(-1)), Figure("Medföljande", cell(-2))),
    ),
    Section(
        "placements-ensamkommande",
        "Ensamkommande",
        (Figure("Placerade ensamkommande barn", cell(-1)),),
    ),
    Section(
        "school-start",
        "Skolstart",
        (
            Figure("Andel skolstart inom målet (%)", stat(0), kind="share"),
            Figure("Median dagar", stat(1), kind="days"),
            Figure("Brott mot målet", cells_sum(1, 2)),
        ),
    ),
    Section(
        "school-start-late",
        "Sena skolstarter",
        (
            Figure("Sena skolstarter", cell(-1)),
            Figure("Andel i en annan kommun (%)", stat(0), kind="share"),
            Figure("Andel fördröjda av skyddade uppgifter (%)", stat(1), kind="share"),
        ),
        by_year=True,
    ),
    Section(
        "larteamet",
        "Lärteamet",
        (
            Figure("Barn i skyddat boende", cell(-1)),
            Figure("Andel skolgång inom målet (%)", stat(0), kind="share"),
        ),
    ),
    Section(
        "results",
        "Resultat",
        (
            Figure("Andel som når kraven i alla tre (%)", stat(3), kind="share"),
            Figure("Andel med närvaro minst 90 % (%)", stat(5), kind="share"),
            Figure("Median närvaro (%)", stat(6), kind="share"),
        ),
        sexes=("F", "M", ""),
    ),
    Section(
        "upper-secondary",
        "Gymnasieskolan",
        (
            Figure("Andel högskoleförberedande program (%)", stat(0), kind="share"),
            Figure("Andel yrkesprogram (%)", stat(1), kind="share"),
            Figure("Andel introduktionsprogram (%)", stat(2), kind="share"),
        ),
        sexes=("F", "M", ""),
    ),
    Section(
        "upper-secondary-completion",
        "Gymnasieexamen",
        (
            Figure("Andel med examen vid 20 år (%)", stat(0), kind="share"),
            Figure("Andel med examen vid 21 år (%)", stat(1), kind="share"),
        ),
        sexes=("F", "M", ""),
        by_year=True,
    ),
    Section(
        "year9",
        "Årskurs 9",
        (
            Figure("Andel med slutbetyg (%)", stat(0), kind="share"),
            Figure("Andel behöriga yrkesprogram (%)", stat(1), kind="share"),
        ),
        by_school_year=True,
    ),
    Section(
        "year9-districts",
        "Årskurs 9 per stadsdelsnämnd",
        (
            Figure("Andel med slutbetyg (%)", stat(0), kind="share"),
            Figure("Andel behöriga yrkesprogram (%)", stat(1), kind="share"),
        ),
        by_school_year=True,
    ),
    Section(
        "after-care",
        "Efter vården",
        (
            Figure("Lämnade vården", cell(0)),
            Figure("Andel som flyttade hem (%)", stat(0), kind="share"),
            Figure("Andel i skolan efter 1 mån (%)", stat(1), kind="share"),
            Figure("Andel i skolan efter 6 mån (%)", stat(2), kind="share"),
        ),
        by_year=True,
    ),
    Section(
        "after-care-year9",
        "Lämnade vården i åk 9",
        (
            Figure("Andel med slutbetyg (%)", stat(0), kind="share"),
            Figure("Andel behöriga yrkesprogram (%)", stat(1), kind="share"),
        ),
        by_school_year=True,
    ),
    Section(
        "skolfam-year9",
        "Skolfam årskurs 9",
        (
            Figure("Andel med slutbetyg (%)", stat(0), kind="share"),
            Figure("Andel behöriga yrkesprogram (%)", stat(1), kind="share"),
        ),
        by_school_year=True,
    ),
    Section(
        "health",
        "Hälsa och tandvård",
        (
            Figure("Andel hälsoundersökning gjord (%)", stat(1), kind="share"),
            Figure("Andel tandundersökning senaste året (%)", stat(2), kind="share"),
        ),
    ),
    Section(
        "followup-compliance",
        "Uppföljningar i tid",
        (
            Figure("Andel övervägande i tid (%)", stat(0), kind="share"),
            Figure("Andel skolsamordnare i tid (%)", stat(1), kind="share"),
        ),
    ),
    Section("child-voice", "Barnets röst", (Figure("Antal svar", cell(-1)),)),
    Section(
        "skolfam",
        "Skolfam",
        (
            Figure("Barn i Skolfam", cell(0)),
            Figure("Förbättrat i svenska", cell(2)),
            Figure("Förbättrat i matematik", cell(3)),
        ),
    ),
)

CHANGE_RULE = (
    "Förändring: skillnaden mot samma period föregående år, för andelar i procentenheter; den räknas "
    "bara mellan två visade värden."
)


@dataclass(frozen=True)
class Chart:
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]  # name, a value per category (None: hidden)
    goal: float | None  # a goal share drawn as a line


@dataclass(frozen=True)
class PackSheet:
    section: Section
    report: ProtectedReport  # this period, all children: the whole table
    period: str
    header: list[str]  # the comparison: row heading, then per figure this year, last year, change
    rows: list[list[Value]]  # the row label first
    decimals: list[bool]  # per value column: one decimal (a share, a median) or a count
    chart: Chart

    @property
    def title(self) -> str:
        return self.report.definition.title

    @property
    def counting_rule(self) -> str:
        return f"{self.report.definition.counting_rule} {CHANGE_RULE}"

    @property
    def note(self) -> str:
        return self.report.note


@dataclass(frozen=True)
class Pack:
    year: int
    through: str
    sheets: list[PackSheet]


def change(now: Value, before: Value, *, decimal: bool) -> Value:
    if NOT_APPLICABLE in (now, before):
        return NOT_APPLICABLE
    if NO_DATA in (now, before):
        return NO_DATA
    if now is None or before is None:
        return None
    assert isinstance(now, int | float) and isinstance(before, int | float)
    return round(now - before, 1) if decimal else now - before


def holds_records(params: Params) -> bool:
    """Whether the register or a district's monthly file holds any placement in the period:
    before the records began a figure is not known, which is not 0 (nor a change from 0)."""
    start, end = params.bounds()
    ongoing = Q(end_date__isnull=True) | Q(end_date__gte=start)
    return (
        Placement.objects.filter(ongoing, start_date__lte=end).exists()
        or ImportedPlacement.objects.filter(source__month__range=(start, end)).exists()
    )


def _read(figure: Figure, report: ProtectedReport, label: str) -> Value:
    """The figure in the row of that label; a row the report does not have is not applicable."""
    labels = report.table.row_labels
    return figure.read(report, labels.index(label)) if label in labels else NOT_APPLICABLE


def _period(section: Section, params: Params, last: Params) -> str:
    if section.by_school_year:
        return f"Läsåret {params.year - 1}/{params.year} jämfört med läsåret {last.year - 1}/{last.year}"
    if section.by_year:
        return f"{params.year} jämfört med {last.year} (helår)"
    return f"{params.label()} jämfört med {last.label()}"


def build_sheet(section: Section, params: Params) -> PackSheet:
    """A section's protected reports for the period and the same period a year earlier."""
    last = replace(params, year=params.year - 1)
    if section.by_school_year or section.by_year:
        params, last = replace(params, period=""), replace(last, period="")
    now = {sex: protect_report(section.report, replace(params, sex=sex)) for sex in section.sexes}
    before = {sex: protect_report(section.report, replace(last, sex=sex)) for sex in section.sexes}
    main = now[""]
    header, decimals = [main.definition.row_heading], []
    for sex in section.sexes:
        for figure in section.figures:
            prefix = f"{SEX_LABELS[sex]}{figure.label}"
            header += [f"{prefix}, {params.year}", f"{prefix}, {last.year}", f"{prefix}, förändring"]
            decimals += [figure.decimal] * 3
    rows: list[list[Value]] = []
    known_now, known_before = holds_records(params), holds_records(last)
    for label in main.table.row_labels:
        values: list[Value] = [label]
        for sex in section.sexes:
            for figure in section.figures:
                this_year = _read(figure, now[sex], label) if known_now else NO_DATA
                last_year = _read(figure, before[sex], label) if known_before else NO_DATA
                values += [this_year, last_year, change(this_year, last_year, decimal=figure.decimal)]
        rows.append(values)
    return PackSheet(
        section,
        main,
        _period(section, params, last),
        header,
        rows,
        decimals,
        _chart(section, header, rows, main),
    )


def _chart(section: Section, header: list[str], rows: list[list[Value]], main: ProtectedReport) -> Chart:
    """The first figure for this year and last year; for girls and boys, this year's
    figure for each. The total row is left out."""
    step = 3 * len(section.figures)
    columns = [1 + k * step for k in range(len(section.sexes) - 1)] if len(section.sexes) > 1 else [1, 2]
    body = rows[:-1]
    series = [
        (header[col], [value if isinstance(value, int | float) else None for value in (r[col] for r in body)])
        for col in columns
    ]
    figure = section.figures[0]
    return Chart(
        figure.label,
        [str(r[0]) for r in body],
        series,
        main.definition.goal if figure.kind == "share" else None,
    )


def build(year: int, through: str) -> Pack:
    params = Params(year=year, period=THROUGH[through])
    return Pack(year, through, [build_sheet(section, params) for section in SECTIONS])


def export_pack(year: int, through: str, fmt: str, *, actor: object, via: str) -> bytes:
    """The pack as bytes, audited as one export: who, the year, the tertial and the format."""
    from . import pack_renderers

    content = pack_renderers.RENDERERS[fmt](build(year, through))
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        via=via,
        changes={"pack": [None, {"year": year, "through": through, "format": fmt}]},
    )
    return content


def filename(year: int, through: str, fmt: str) -> str:
    return f"obruten-tertialpaket-{year}-{through}.{fmt}"
