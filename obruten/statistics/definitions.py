"""Report definitions: what is counted, over which population and period, broken down how.

Each definition turns ``Params`` into a ``CountTable`` with aggregation in the database
where it can (``values().annotate(Count(...))``). A count table is never rendered: it goes
through ``protection.protect_report`` first.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone

from obruten import municipal
from obruten.accounts import policy
from obruten.followup.models import (
    FinalGrades,
    FollowUp,
    FollowUpKind,
    Intervention,
    SchoolForm,
    SubjectResult,
)
from obruten.lib import grades, upper_secondary
from obruten.lib import school_start as school_start_rule
from obruten.lib.calendar import add_months, period_bounds, period_label, school_year_start
from obruten.obligations.models import Kind as ObligationKind
from obruten.obligations.models import Obligation
from obruten.obligations.models import State as ObligationState
from obruten.register.models import (
    Child,
    District,
    ExitDestination,
    LateSchoolStartReason,
    Placement,
    PlacementForm,
)
from obruten.teaching import selectors as teaching

from .models import ImportedPlacement

PASSING = ["A", "B", "C", "D", "E"]
GOAL_SHARE = 75.0  # the city's goal: 75 % of placed children reach the requirements


@dataclass(frozen=True)
class Params:
    year: int
    period: str = ""  # "", T1, T2, T3 or YYYY-MM
    district: str = ""  # a district's code
    form: str = ""  # a placement form's code
    sex: str = ""  # F or M
    layout: str = ""  # "" the detailed placement forms, "stad" the city's columns (CITY_LAYOUT)
    history: bool = False  # map every district onto today's (the history view)

    def bounds(self) -> tuple[date, date]:
        return period_bounds(self.year, self.period or None)

    def label(self) -> str:
        return period_label(self.year, self.period)


@dataclass
class Stat:
    """A derived column: a share, a mean or a median per row. It is published only where
    its denominator (``denominator_col``'s count, or ``observations``) is large enough."""

    label: str
    kind: str  # share, mean, median
    denominator_col: int
    numerator_col: int | None = None
    also: tuple[int, ...] = ()  # a share of several groups: their columns added to numerator_col's
    values: list[float | None] = field(default_factory=list)  # per row, the total row last
    observations: list[int] = field(default_factory=list)


@dataclass
class CountTable:
    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[int]]
    row_totals: bool = True
    stats: list[Stat] = field(default_factory=list)
    # Columns that count a part of another column's children: {part: whole}. Where the
    # whole is hidden, the part is hidden too, or "0 of a small group" would tell about
    # every child in it.
    parts_of: dict[int, int] = field(default_factory=dict)
    # Totals that are not the sums of the cells (distinct children); None: the sums.
    totals: Totals | None = None
    # What the counting rule tells anyone, row by row, besides ``parts_of``: (whole,
    # parts) where the parts count separate groups of the whole's children, so their sum
    # is at most the whole. The protection's attacker knows these too.
    within: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    # The same with weights, row by row: (bound, parts, weights) where the parts times the
    # weights add up to at most the bound's column.
    weighted: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    # How many of the counted children (or placements) come from districts' monthly files.
    imported: int = 0


@dataclass(frozen=True)
class Totals:
    """Distinct children: a child in two forms counts in both cells and once in the totals,
    so each total lies between the largest cell it covers and their sum. ``covers`` are the
    columns the row totals (the total column) are about; the others (medföljande) stand
    beside them."""

    rows: list[int]  # the total column, per body row
    cols: list[int]  # the total row, per body column
    grand: int
    covers: list[int]


@dataclass(frozen=True)
class Definition:
    name: str
    title: str
    counting_rule: str
    compute: Callable[[Params], CountTable]
    chart_col: int = -1  # the column the chart shows (-1: the total)
    goal: float | None = None  # a goal share in per cent, drawn on the chart
    chart_stat: int | None = None  # chart this derived column (a share) instead of a count
    row_heading: str = "Stadsdelsnämnd"
    # Cells that cannot hold a count (row, column), shown as –: see voice_blank_cells.
    blank_cells: Callable[[Params], frozenset[tuple[int, int]]] | None = None


def _districts(params: Params, used: Iterable[int | None] = ()) -> list[District]:
    """The rows: the districts valid during the period in the district file's order (in the
    history view, today's), and any other district the counts name."""
    start, end = params.bounds()
    valid = District.valid_between(*((timezone.localdate(),) * 2 if params.history else (start, end)))
    districts = District.objects.filter(valid | Q(pk__in=[pk for pk in used if pk is not None]))
    if params.district:
        districts = districts.filter(code=params.district)
    return list(districts.order_by("sort_order"))


def _district_pk(params: Params) -> int | None:
    return District.objects.filter(code=params.district).values_list("pk", flat=True).first()


def _responsible(params: Params, district: str = "district_id", end: str | None = "end_date") -> Any:
    """The district responsible for a record: after a transfer or a merger, the district
    that took the case is responsible from its date. A placement counts under the district
    responsible on its last day in the period (``end`` is its end date; None for a child's
    district, counted at the period's end). In the history view, every district maps onto
    today's."""
    _start, period_end = params.bounds()
    held = _held_by(district, end, period_end)
    whens = []
    for merged in District.objects.filter(successor__isnull=False, valid_to__isnull=False):
        chain = _successions(merged)
        if params.history:
            whens.append(When(Exact(held, merged.pk), then=Value(chain[-1][1].pk)))
            continue
        for last_day, successor in reversed(chain):  # the latest successor first
            if last_day >= period_end:
                continue
            condition = Q(Exact(held, merged.pk))
            if end is not None:
                condition &= Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": last_day})
            whens.append(When(condition, then=Value(successor.pk)))
    return Case(*whens, default=held, output_field=IntegerField()) if whens else held


def _held_by(district: str, end: str | None, period_end: date) -> Any:
    """The district that held the record at the period's end. A transfer (or a merger)
    accepted later moved the child's district and its placements running on its date, so
    the first such transfer after the period names the district that held them then
    (docs/casework.md)."""
    from obruten.casework.models import Transfer

    if not Transfer.objects.filter(status=Transfer.Status.ACCEPTED).exists():
        return F(district)
    prefix = district.removesuffix("district_id")
    later = Transfer.objects.filter(status=Transfer.Status.ACCEPTED, effective_date__gt=period_end)
    if end is None:
        later = later.filter(child=OuterRef(f"{prefix}pk"))
    else:  # only a placement running on the transfer's date was moved by it
        later = later.filter(
            child=OuterRef(f"{prefix}child_id"),
            effective_date__lte=Coalesce(OuterRef(end), Value(date.max)),
        )
    first = later.order_by("effective_date", "pk").values("from_district_id")[:1]
    return Coalesce(Subquery(first), F(district), output_field=IntegerField())


def _successions(district: District) -> list[tuple[date, District]]:
    """(last day of the one before, successor) for each merger after ``district``'s own."""
    chain: list[tuple[date, District]] = []
    while district.successor is not None and district.valid_to is not None:
        chain.append((district.valid_to, district.successor))
        district = district.successor
    return chain


def _forms(params: Params) -> list[PlacementForm]:
    forms = PlacementForm.objects.order_by("sort_order")
    return list(forms.filter(code=params.form) if params.form else forms)


# The city's layout (seed 001, the 2020 table of "Stöd till placerade barn och unga"): which
# placement forms fold into which column. Behandlingsfamilj is a family home with treatment
# (SoF 3 kap. 2 §), so it folds into Familjehem with närståendehem.
CITY_LAYOUT = {
    "§12-hem": ["sis"],
    "HVB": ["hvb"],
    "Jourhem": ["jourhem"],
    "Familjehem": ["familjehem", "narstaendehem", "behandlingsfamilj"],
    "Skyddat boende": ["skyddat_boende"],
    "Stödboende": ["stodboende"],
}


def _column_groups(params: Params) -> dict[str, list[int]]:
    """The form columns of the placements table: each label with the placement forms in it."""
    forms = _forms(params)
    if params.layout != "stad":
        return {f.name: [f.pk] for f in forms}
    codes = {f.code: f.pk for f in forms}
    groups = {label: [codes[c] for c in group if c in codes] for label, group in CITY_LAYOUT.items()}
    return {label: pks for label, pks in groups.items() if pks}


def _columns(params: Params) -> tuple[list[str], Case]:
    """The column labels and an expression for a placement's column (its index)."""
    groups = _column_groups(params)
    whens = [When(form_id__in=pks, then=Value(i)) for i, pks in enumerate(groups.values())]
    return list(groups), Case(*whens, default=Value(-1), output_field=IntegerField())


def _overlapping(params: Params) -> QuerySet[Placement]:
    """Placements any day of the period, with the district responsible for each
    (``responsible``), filtered on it and on sex and form. Medföljande are included: leave
    them out with ``accompanying=False`` where placed children are counted."""
    start, end = params.bounds()
    placements = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start), start_date__lte=end
    ).annotate(responsible=_responsible(params))
    if params.sex:
        placements = placements.filter(child__sex=params.sex)
    if params.form:
        placements = placements.filter(form__code=params.form)
    if params.district:
        placements = placements.filter(responsible=_district_pk(params))
    return placements


def _placed_children(params: Params) -> QuerySet[Child]:
    """Children placed some day of the period (not medföljande), each with the district it
    counts under in the reports of children (``responsible``): the district responsible
    for its latest placement in the period. So each child counts once, in a row where
    ``placements`` counts it too, and these reports are margins of its cube
    (docs/statistics.md). Filtered on district and sex."""
    unfiltered = replace(params, district="", form="")
    placed = _overlapping(unfiltered).filter(accompanying=False, child=OuterRef("pk"))
    latest = placed.order_by(F("end_date").desc(nulls_first=True), "-start_date", "-pk").values("responsible")  # type: ignore[misc]
    children = Child.objects.filter(Exists(placed)).annotate(
        responsible=Subquery(latest[:1], output_field=IntegerField())
    )
    if params.district:
        children = children.filter(responsible=_district_pk(params))
    return children


def _grid(rows: list[int], cols: list[int], counts: dict[tuple[int, int], int]) -> list[list[int]]:
    return [[counts.get((r, c), 0) for c in cols] for r in rows]


def _imported(params: Params) -> QuerySet[ImportedPlacement]:
    """Rows of districts' monthly files for a month within the period, filtered like
    placements. Each row is one placement without identity, counted as one child, and
    only in the month its file describes, whatever its end date."""
    start, end = params.bounds()
    rows = ImportedPlacement.objects.filter(source__month__range=(start, end))
    if params.sex:
        rows = rows.filter(sex=params.sex)
    if params.form:
        rows = rows.filter(form__code=params.form)
    if params.district:
        rows = rows.filter(district__code=params.district)
    return rows


def _count(rows: Iterable[dict], *keys: str) -> dict[tuple[int, ...], int]:
    return {tuple(row[k] for k in keys): row["n"] for row in rows}


ACCOMPANYING = "Medföljande"  # the placements table's column of children who came with a parent


def placements(params: Params) -> CountTable:
    """Distinct placed children per responsible district and form, with distinct totals,
    and medföljande children in a column of their own, outside the totals."""
    col_labels, column = _columns(params)
    overlapping = _overlapping(params)
    placed = overlapping.filter(accompanying=False).annotate(column=column)
    children = Count("child_id", distinct=True)
    cells = _count(placed.values("responsible", "column").annotate(n=children), "responsible", "column")
    by_row = _count(placed.values("responsible").annotate(n=children), "responsible")
    by_col = _count(placed.values("column").annotate(n=children), "column")
    grand = placed.aggregate(n=children)["n"]
    medfoljande = overlapping.filter(accompanying=True).annotate(column=Value(0))
    accompanying = _count(medfoljande.values("responsible").annotate(n=children), "responsible")
    grand_accompanying = overlapping.filter(accompanying=True).aggregate(n=children)["n"]
    # Monthly files: each row is one placement without identity, counted as one child.
    imported = _imported(params).values("district_id", "form_id").annotate(n=Count("pk"))
    imported_column = _imported_columns(params)
    from_files = 0
    for record in imported:
        district, col, n = record["district_id"], imported_column.get(record["form_id"], -1), record["n"]
        for table, key in ((cells, (district, col)), (by_row, (district,)), (by_col, (col,))):
            table[key] = table.get(key, 0) + n
        grand += n
        from_files += n
    districts = _districts(params, [d for d, _ in cells] + [d for (d,) in accompanying])
    cols = range(len(col_labels))
    grid = [[cells.get((d.pk, c), 0) for c in cols] for d in districts]
    col_totals = [by_col.get((c,), 0) for c in cols]
    if not params.form or any(f.is_protected_housing for f in _forms(params)):
        col_labels = [*col_labels, ACCOMPANYING]
        for row, d in zip(grid, districts, strict=True):
            row.append(accompanying.get((d.pk,), 0))
        col_totals.append(grand_accompanying)
    return CountTable(
        [d.name for d in districts],
        col_labels,
        grid,
        totals=Totals(
            rows=[by_row.get((d.pk,), 0) for d in districts], cols=col_totals, grand=grand, covers=list(cols)
        ),
        imported=from_files,
    )


def _imported_columns(params: Params) -> dict[int, int]:
    """The column of each placement form's imported rows."""
    return {pk: i for i, pks in enumerate(_column_groups(params).values()) for pk in pks}


NOT_YET = "Ingen skolstart ännu"


def _goal_labels(year: int) -> tuple[str, str, str]:
    """The goal as the headings say it: its days where one goal held for placements begun
    any day of the year, else "målet" (each placement is held to the goal of its start)."""
    held = municipal.school_start_goals().between(date(year, 1, 1), date(year, 12, 31))
    if len(held) == 1:
        goal = held.pop()
        return (
            f"Skolstart inom {goal} dagar",
            f"Skolstart efter mer än {goal} dagar",
            f"Andel inom {goal} dagar (%)",
        )
    return "Skolstart inom målet", "Skolstart efter målet", "Andel inom målet (%)"


@dataclass(frozen=True)
class _Start:
    district: int
    days: int | None  # None: no school start yet
    goal: int  # the goal in force when the placement began
    reason: str
    place: str | None  # the placement municipality's code
    form: int
    from_file: bool
    protected: bool = False  # the child's whereabouts are protected (policy.protected_q)

    @property
    def late(self) -> bool:
        return self.days is None or school_start_rule.is_late(self.days, self.goal)


def _school_starts(params: Params) -> list[_Start]:
    """The placements with a school change begun in the period, the register's and the
    monthly files'. One still inside its goal without a school start has no outcome yet
    and is left out until the goal passes."""
    start, _end = params.bounds()
    today = timezone.localdate()
    placements = (
        _overlapping(params)
        .filter(school_change=True, start_date__gte=start)
        .values_list(  # type: ignore[misc]  # "responsible" is _overlapping's annotation
            "responsible",
            "school_start__days_to_school_start",
            "start_date",
            "school_start__late_reason",
            "location_municipality__code",
            "form_id",
            "child_id",
        )
    )
    imported = (
        _imported(params)
        .filter(school_change=True, start_date__gte=start)
        .values_list(
            "district_id",
            "days_to_school_start",
            "start_date",
            Value("", output_field=CharField()),
            Value(None, output_field=CharField()),
            "form_id",
            Value(None, output_field=IntegerField()),
        )
    )
    protected = set(Child.objects.filter(policy.protected_q()).values_list("pk", flat=True))
    starts = []
    for rows, from_file in ((placements, False), (imported, True)):
        for district, days, began, reason, place, form, child in rows:
            goal = municipal.school_start_goal_on(began)
            if days is None and not school_start_rule.goal_passed(began, goal, today):
                continue
            hidden = child in protected
            starts.append(_Start(district, days, goal, reason or "", place, form, from_file, hidden))
    return starts


def school_start(params: Params) -> CountTable:
    """Placements with a school change that began in the period, each against the goal in
    force when it began. One still inside its goal days without a school start has no
    outcome yet and is left out until the goal passes."""
    starts = _school_starts(params)
    districts = _districts(params, {start.district for start in starts})
    index = {d.pk: i for i, d in enumerate(districts)}
    cells = [[0, 0, 0] for _ in districts]
    days: dict[int, list[int]] = defaultdict(list)
    counted = [start for start in starts if start.district in index]
    for start in counted:
        row = index[start.district]
        cells[row][2 if start.days is None else 1 if start.late else 0] += 1
        if start.days is not None:
            days[row].append(start.days)
    every = [d for values in days.values() for d in values]
    per_row = [days[r] for r in range(len(districts))] + [every]
    within, later, share_label = _goal_labels(params.year)
    return CountTable(
        [d.name for d in districts],
        [within, later, NOT_YET],
        cells,
        imported=sum(start.from_file for start in counted),
        stats=[
            Stat(share_label, "share", denominator_col=3, numerator_col=0),
            Stat(
                "Median dagar",
                "median",
                3,
                values=[_median(v) for v in per_row],
                observations=[len(v) for v in per_row],
            ),
            Stat(
                "Medel dagar",
                "mean",
                3,
                values=[_mean(v) for v in per_row],
                observations=[len(v) for v in per_row],
            ),
        ],
    )


LATE_REASON_COLUMNS = {
    LateSchoolStartReason.NO_SCHOOL: "Ingen skolplats hittad",
    LateSchoolStartReason.WAITING: "Väntade på skolans beslut",
    LateSchoolStartReason.CHILD: "Barnet kunde inte börja",
    LateSchoolStartReason.PROTECTED: "Skyddade uppgifter fördröjde",
    LateSchoolStartReason.OTHER: "Annat",
}
NO_REASON = "Orsak inte angiven"
# A protected child's placement municipality is its whereabouts: it is never counted by
# where it is, or the table read on two days would say where one child went (an attacker
# review of issue 21). Such children stand in a place column of their own.
PLACE_COLUMNS = ("I den egna kommunen", "I en annan kommun", "Placeringskommun okänd", "Skyddad vistelseort")
LATE_COLUMNS = [*LATE_REASON_COLUMNS.values(), NO_REASON, NOT_YET, *PLACE_COLUMNS]
LATE_TOTAL_COLUMN = len(LATE_COLUMNS)  # the grid's total column: the late starts of the row


def _form_rows(params: Params) -> dict[str, list[int]]:
    """The city's columns of placement forms (CITY_LAYOUT) as rows; a form the layout does
    not fold has a row of its own, so every placement counts."""
    groups = _column_groups(replace(params, layout="stad", form=""))
    folded = {pk for pks in groups.values() for pk in pks}
    return groups | {
        form.name: [form.pk] for form in _forms(replace(params, form="")) if form.pk not in folded
    }


def school_start_late(params: Params) -> CountTable:
    """The late school starts of ``school-start`` (its two late columns, the whole year)
    per placement form: why (the code list, lib/school_start.py), and whether the child
    was placed in the own municipality or another."""
    groups = _form_rows(params)
    row_of = {pk: row for row, pks in enumerate(groups.values()) for pk in pks}
    reason_col: dict[str, int] = {str(reason): col for col, reason in enumerate(LATE_REASON_COLUMNS)}
    cells = [[0] * len(LATE_COLUMNS) for _ in groups]
    for start in _school_starts(params):
        if not start.late:
            continue
        row = cells[row_of[start.form]]
        row[
            LATE_COLUMNS.index(NOT_YET)
            if start.days is None
            else reason_col.get(start.reason, len(reason_col))
        ] += 1
        inside = start.place == settings.OWN_MUNICIPALITY_CODE
        place = 3 if start.protected else 2 if start.place is None else 0 if inside else 1
        row[LATE_COLUMNS.index(PLACE_COLUMNS[place])] += 1
    reasons = list(range(len(LATE_REASON_COLUMNS) + 2))
    by_row = [sum(row[c] for c in reasons) for row in cells]
    by_col = [sum(row[c] for row in cells) for c in range(len(LATE_COLUMNS))]
    return CountTable(
        list(groups),
        LATE_COLUMNS,
        cells,
        totals=Totals(rows=by_row, cols=by_col, grand=sum(by_row), covers=reasons),
        stats=[
            Stat(
                "Andel i en annan kommun (%)",
                "share",
                LATE_TOTAL_COLUMN,
                LATE_COLUMNS.index(PLACE_COLUMNS[1]),
            ),
            Stat(
                "Andel fördröjda av skyddade uppgifter (%)",
                "share",
                LATE_TOTAL_COLUMN,
                LATE_COLUMNS.index(LATE_REASON_COLUMNS[LateSchoolStartReason.PROTECTED]),
            ),
        ],
    )


LARTEAMET_ROWS = ("Placerade i skyddat boende", "Medföljande")
LARTEAMET_COLUMNS = ["Skolgång inom målet", "Skolgång efter målet", "Ingen skolgång registrerad"]


def larteamet(params: Params) -> CountTable:
    """Lärteamet's figure: the children in protected housing some day of the period (the
    teaching page's rows, teaching/selectors.py), by whether their newest placement there
    is their own or they came with a parent: schooling within the goal days of arriving.
    A child still inside the goal days without schooling has no outcome yet and is left
    out, as in ``school-start``. Full teaching time is not counted here: the children with
    teaching weeks are those Lärteamet teaches in the housing, and a count of them read on
    two days would tell that of one child (its whereabouts); it stays on Lärteamet's own
    report, for those who may see it."""
    start, end = params.bounds()
    children = Child.objects.all()
    if params.sex:
        children = children.filter(sex=params.sex)
    cells = [[0] * len(LARTEAMET_COLUMNS) for _ in LARTEAMET_ROWS]
    for row in teaching.teaching_rows(children, start, end, timezone.localdate()):
        if row.within_goal is None:
            continue
        counts = cells[1 if row.placement.accompanying else 0]
        counts[0 if row.within_goal else 1 if row.days_to_school_start is not None else 2] += 1
    return CountTable(
        list(LARTEAMET_ROWS),
        LARTEAMET_COLUMNS,
        cells,
        stats=[Stat("Andel skolgång inom målet (%)", "share", len(LARTEAMET_COLUMNS), 0)],
    )


def _median(values: list[int] | list[float]) -> float | None:
    """To one decimal (a median of whole days is whole or a half)."""
    return round(float(statistics.median(values)), 1) if values else None


def _mean(values: list[int] | list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


SUBJECT_BITS = {"SWEDISH": 1, "MA": 2, "EN": 4}  # Swedish or Swedish as a second language, maths, English


def _reached(follow_up: OuterRef) -> Coalesce:
    """A bit mask of the core subjects in which a follow-up's child reaches the
    requirements: A–E, or "reaches" where no grade is set. One correlated subquery per
    follow-up, grouped on, instead of one per subject and count."""
    passing = SubjectResult.objects.filter(
        Q(grade__in=PASSING) | Q(grade="", assessment="reaches"), follow_up=follow_up
    )
    bits = Case(
        When(subject__in=["SV", "SVA"], then=Value(SUBJECT_BITS["SWEDISH"])),
        When(subject="MA", then=Value(SUBJECT_BITS["MA"])),
        When(subject="EN", then=Value(SUBJECT_BITS["EN"])),
        default=Value(0),
    )
    mask = passing.values("follow_up").annotate(mask=Sum(bits, distinct=True)).values("mask")[:1]
    return Coalesce(Subquery(mask), Value(0))


def _compulsory_school_births(params: Params) -> tuple[int, int]:
    """Birth years of children in grundskola years 1–9 some day of the period: a child
    starts year 1 in the autumn of the year it turns 7 (skollagen 7 kap. 10 §), so in the
    school year starting in autumn Y, birth years Y − 15 (year 9) to Y − 7 (year 1)."""
    start, end = params.bounds()
    return school_year_start(start).year - 15, school_year_start(end).year - 7


# What anyone knows of the results columns (children, Swedish, maths, English, all three, no
# known result), row by row: a child without a known result reaches no subject, and one
# reaching all three reaches each; a child reaching all three counts in each subject and
# every other child with a result in at most two, so Swedish + maths + English <= 2 x
# (children - no known result) + all three, stated as bounding the all-three column.
RESULTS_WITHIN: list[tuple[int, tuple[int, ...]]] = [
    (0, (5, 1)),
    (0, (5, 2)),
    (0, (5, 3)),
    (1, (4,)),
    (2, (4,)),
    (3, (4,)),
]
RESULTS_WEIGHTED: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = [
    (4, (1, 2, 3, 5, 0), (1, 1, 1, 2, -2))
]


def results(params: Params) -> CountTable:
    """Every child placed in the period (not medföljande) of compulsory-school age, by its
    latest follow-up in grundskola or anpassad grundskola in the ``RESULTS_WINDOW_MONTHS``
    (12) up to the period's end, so a tertial and the year measure the same children the
    same way (the law's cadence is six months, the coordinators' a term); a child without
    one counts under "no known result". Attendance by the latest follow-up in the window
    that recorded it: how many have one, how many were present at least 90 % of the time,
    and the median."""
    _start, end = params.bounds()
    first, last = _compulsory_school_births(params)
    births = (date(first, 1, 1), date(last, 12, 31))
    children = _placed_children(params).filter(birth_date__range=births).values_list("pk", "responsible")  # type: ignore[misc]
    follow_ups = FollowUp.objects.filter(
        kind__in=[FollowUpKind.REVIEW, FollowUpKind.COORDINATOR],
        date__gt=add_months(end, -settings.RESULTS_WINDOW_MONTHS),
        date__lte=end,
        school_form__in=[SchoolForm.COMPULSORY, SchoolForm.ADAPTED_COMPULSORY],
    )
    latest = follow_ups.values("child").annotate(last=Max("pk")).values("last")
    masks = dict(
        FollowUp.objects.filter(pk__in=latest)
        .annotate(mask=_reached(OuterRef("pk")))
        .values_list("child", "mask")
    )
    # Attendance: the latest follow-up in the same window that recorded it.
    with_attendance = follow_ups.filter(attendance_percent__isnull=False)
    attendance = dict(
        FollowUp.objects.filter(
            pk__in=with_attendance.values("child").annotate(last=Max("pk")).values("last")
        ).values_list("child", "attendance_percent")
    )
    groups: dict[tuple[int, int], int] = defaultdict(int)
    present: dict[Any, list[float]] = defaultdict(list)
    for child_id, responsible in children:
        groups[(responsible, masks.get(child_id, -1))] += 1
        share = attendance.get(child_id)
        if share is not None:
            present[responsible].append(float(share))
    # At most nine masks per district: add them up into the six counts.
    by_district: dict[Any, list[int]] = defaultdict(lambda: [0] * 8)
    every = sum(SUBJECT_BITS.values())
    for (responsible, mask), n in groups.items():
        counts = by_district[responsible]
        counts[0] += n
        if mask < 0:
            counts[5] += n
            continue
        for column, bit in enumerate(SUBJECT_BITS.values(), start=1):
            counts[column] += n if mask & bit else 0
        counts[4] += n if mask == every else 0
    for responsible, shares in present.items():
        by_district[responsible][6] = len(shares)
        by_district[responsible][7] = sum(share >= ATTENDANCE_GOOD for share in shares)
    districts = _districts(params, by_district)
    cells = [by_district.get(d.pk, [0] * 8) for d in districts]
    per_row = [present.get(d.pk, []) for d in districts]
    per_row.append([share for shares in per_row for share in shares])
    return CountTable(
        [d.name for d in districts],
        [
            "Placerade barn i grundskoleålder",
            "Når kraven i svenska/sva",
            "Når kraven i matematik",
            "Når kraven i engelska",
            "Når kraven i alla tre",
            "Inget känt resultat",
            "Med känd närvaro",
            "Närvaro minst 90 %",
        ],
        cells,
        row_totals=False,
        parts_of={1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 6},
        # A child without a known result reaches no requirement; one reaching all three
        # reaches each.
        within=RESULTS_WITHIN,
        weighted=RESULTS_WEIGHTED,
        stats=[
            Stat("Andel svenska/sva (%)", "share", 0, 1),
            Stat("Andel matematik (%)", "share", 0, 2),
            Stat("Andel engelska (%)", "share", 0, 3),
            Stat("Andel alla tre (%)", "share", 0, 4),
            Stat("Andel utan känt resultat (%)", "share", 0, 5),
            Stat("Andel närvaro minst 90 % (%)", "share", 6, 7),
            Stat(
                "Median närvaro (%)",
                "median",
                6,
                values=[_median(shares) for shares in per_row],
                observations=[len(shares) for shares in per_row],
            ),
        ],
    )


ATTENDANCE_GOOD = 90.0  # per cent of the school's time: "närvaro minst 90 %" (issue 21)


def unaccompanied(params: Params) -> CountTable:
    """The placed children registered as unaccompanied, each once under the district of its
    latest placement in the period: a part of ``health``'s placed children of the row."""
    counts = _count(
        _placed_children(params).filter(unaccompanied=True).values("responsible").annotate(n=Count("pk")),  # type: ignore[misc]
        "responsible",
    )
    districts = _districts(params, [d for (d,) in counts])
    return CountTable(
        [d.name for d in districts],
        ["Placerade ensamkommande barn"],
        [[counts.get((d.pk,), 0)] for d in districts],
        row_totals=False,
    )


UPPER_SECONDARY_COLUMNS = [
    "Högskoleförberedande program",
    "Yrkesprogram",
    "Introduktionsprogram",
    "Annan skolform, ingen skola eller inget känt",
]


def _upper_secondary_births(params: Params) -> tuple[int, int]:
    """Birth years of young people of upper-secondary age some day of the period: in the
    school year starting in autumn Y, those turning 16 (the first year after year 9) to
    those turning 19 (a fourth year, or an introduktionsprogram), Y − 19 to Y − 16."""
    start, end = params.bounds()
    return school_year_start(start).year - 19, school_year_start(end).year - 16


def _upper_secondary_column(school_form: str | None, programme: str) -> int:
    """Four groups, so the table stays publishable: the programme kinds and the rest (a
    national programme not given, still in grundskola, in no school, nothing known)."""
    if school_form == SchoolForm.INTRODUCTION:
        return 2
    if school_form == SchoolForm.UPPER_SECONDARY:
        kind = upper_secondary.programme_kind(programme)
        return {upper_secondary.PREPARATORY: 0, upper_secondary.VOCATIONAL: 1}.get(kind or "", 3)
    return 3


def upper_secondary_schooling(params: Params) -> CountTable:
    """Every young person placed in the period (not medföljande) of upper-secondary age, by
    the school form and programme of their latest follow-up that recorded a school form
    in the ``RESULTS_WINDOW_MONTHS`` up to the period's end (the same window as the
    results); without one, with the rest. Each once, under the district of their latest
    placement in the period, so in a row where ``health`` counts them."""
    _start, end = params.bounds()
    first, last = _upper_secondary_births(params)
    young = _placed_children(params).filter(birth_date__range=(date(first, 1, 1), date(last, 12, 31)))
    rows = list(young.values_list("pk", "responsible"))  # type: ignore[misc]
    recorded = FollowUp.objects.filter(
        child__in=[pk for pk, _ in rows],
        date__gt=add_months(end, -settings.RESULTS_WINDOW_MONTHS),
        date__lte=end,
    ).exclude(school_form="")
    latest = recorded.values("child").annotate(last=Max("pk")).values("last")
    schooling = {
        child: (school_form, programme)
        for child, school_form, programme in FollowUp.objects.filter(pk__in=latest).values_list(
            "child", "school_form", "programme"
        )
    }
    by_district: dict[Any, list[int]] = defaultdict(lambda: [0] * len(UPPER_SECONDARY_COLUMNS))
    for child, responsible in rows:
        school_form, programme = schooling.get(child, (None, ""))
        by_district[responsible][_upper_secondary_column(school_form, programme)] += 1
    districts = _districts(params, by_district)
    total = len(UPPER_SECONDARY_COLUMNS)
    return CountTable(
        [d.name for d in districts],
        list(UPPER_SECONDARY_COLUMNS),
        [by_district.get(d.pk, [0] * total) for d in districts],
        stats=[
            Stat("Andel högskoleförberedande program (%)", "share", total, 0),
            Stat("Andel yrkesprogram (%)", "share", total, 1),
            Stat("Andel introduktionsprogram (%)", "share", total, 2),
        ],
    )


def upper_secondary_completion(params: Params) -> CountTable:
    """Young people who turn 21 in the year and were ever placed (not medföljande) before it
    ended, under the district of their latest placement, in three separate groups: a
    gymnasieexamen by the end of the year they turned 20, one in the year they turn 21, none.
    Seed 002's measure ("vid 20 års ålder har en treårig gymnasieutbildning och någon gång i
    livet varit placerade") and the year after, for one cohort a year: two ages of different
    cohorts side by side would, year after year, each be the other's difference."""
    born = params.year - 21
    placed = Placement.objects.filter(
        child=OuterRef("pk"), accompanying=False, start_date__lte=date(params.year, 12, 31)
    ).annotate(responsible=_responsible(replace(params, period="", district="", form="")))
    latest = placed.order_by("-start_date", "-pk").values("responsible")
    young = Child.objects.filter(Exists(placed), birth_date__year=born).annotate(
        responsible=Subquery(latest[:1], output_field=IntegerField()),
        diploma=F("upper_secondary_qualification__date"),
    )
    if params.sex:
        young = young.filter(sex=params.sex)
    if params.district:
        young = young.filter(responsible=_district_pk(params))
    by_district: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    for responsible, diploma in young.values_list("responsible", "diploma"):
        group = 2 if diploma is None or diploma.year > params.year else 0 if diploma.year < params.year else 1
        by_district[responsible][group] += 1
    districts = _districts(replace(params, period=""), by_district)
    return CountTable(
        [d.name for d in districts],
        ["Examen senast året de fyllde 20", "Examen året de fyller 21", "Ingen examen"],
        [by_district.get(d.pk, [0, 0, 0]) for d in districts],
        stats=[
            Stat("Andel med examen vid 20 år (%)", "share", 3, 0),
            Stat("Andel med examen vid 21 år (%)", "share", 3, 0, also=(1,)),
        ],
    )


def health(params: Params) -> CountTable:
    """Every child placed in the period (not medföljande): health examination requested
    and done by the period's end, dental examination in the year before it."""
    _start, end = params.bounds()
    children = _placed_children(params)
    own = FollowUp.objects.filter(child=OuterRef("pk"), date__lte=end)
    rows = (
        children.annotate(
            requested=Exists(own.filter(health_exam_requested__isnull=False)),
            done=Exists(own.filter(health_exam_done__isnull=False)),
            dental=Exists(own.filter(dental_exam_latest__gt=end - timedelta(days=365))),
        )
        .values("responsible")
        .annotate(
            n=Count("pk"),
            n_requested=Count("pk", filter=Q(requested=True)),
            n_done=Count("pk", filter=Q(done=True)),
            n_dental=Count("pk", filter=Q(dental=True)),
        )
    )
    by_district = {row["responsible"]: row for row in rows}
    districts = _districts(params, by_district)
    keys = ["n", "n_requested", "n_done", "n_dental"]
    return CountTable(
        [d.name for d in districts],
        [
            "Placerade barn",
            "Hälsoundersökning begärd",
            "Hälsoundersökning gjord",
            "Tandundersökning senaste året",
        ],
        [[by_district.get(d.pk, {}).get(k, 0) for k in keys] for d in districts],
        row_totals=False,
        parts_of={1: 0, 2: 0, 3: 0},
        stats=[
            Stat("Andel begärd (%)", "share", 0, 1),
            Stat("Andel gjord (%)", "share", 0, 2),
            Stat("Andel tandvård (%)", "share", 0, 3),
        ],
    )


@dataclass(frozen=True)
class Year9Child:
    child_id: int
    whole: bool  # placed all of year 9
    responsible: int | None  # the district responsible for its latest placement in year 9
    flags: tuple[bool, ...]  # final grades, then each eligibility; empty without final grades
    meritvarde: float | None


YEAR9_COLUMNS = [
    "Placerade barn i årskurs 9",
    "Med slutbetyg",
    "Behöriga yrkesprogram",
    "Behöriga ekonomi, humaniora, samhälle",
    "Behöriga natur, teknik",
    "Behöriga estetiska",
    "Behöriga programinriktat val",
]


def _year9_children(params: Params) -> list[Year9Child]:
    """Öppna jämförelser's population: every child placed some day of year 9 (the school
    year ending in June of ``year``), whether or not the child got final grades. A child is
    in year 9 by its final grades' year, else by birth year (the year it turns 16)."""
    first, last = municipal.school_terms().year9(params.year)
    graded = {record.child_id: record for record in FinalGrades.objects.filter(year=params.year)}
    in_year9 = Q(pk__in=list(graded)) | (
        Q(birth_date__year=params.year - 16) & ~Q(final_grades__isnull=False)
    )
    placed = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first),
        start_date__lte=last,
        accompanying=False,
        child__in=Child.objects.filter(in_year9).values("pk"),
    ).annotate(responsible=_responsible(params))
    if params.sex:
        placed = placed.filter(child__sex=params.sex)
    if params.form:
        placed = placed.filter(form__code=params.form)
    if params.district:
        placed = placed.filter(responsible=_district_pk(params))
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    latest: dict[int, tuple[date, int | None]] = {}
    for child_id, start, end, responsible in placed.values_list(
        "child_id", "start_date", "end_date", "responsible"
    ):
        spans[child_id].append((start, end or last))
        if child_id not in latest or start >= latest[child_id][0]:
            latest[child_id] = (start, responsible)
    found = []
    for child_id, child_spans in spans.items():
        record = graded.get(child_id)
        flags: tuple[bool, ...] = ()
        merit = None
        if record is not None:
            result = grades.year9_result(record.grades)
            flags = (
                True,
                result.vocational.eligible,
                *(e.eligible for e in result.preparatory.values()),
                result.programme_oriented.eligible,
            )
            merit = result.meritvarde
        found.append(
            Year9Child(child_id, _covers(child_spans, first, last), latest[child_id][1], flags, merit)
        )
    return found


def _year9_table(row_labels: list[str], rows: list[list[Year9Child]]) -> CountTable:
    cells = [[0] * len(YEAR9_COLUMNS) for _ in rows]
    merits: list[list[float]] = [[] for _ in rows]
    for row, children in enumerate(rows):
        for child in children:
            cells[row][0] += 1
            for column, flag in enumerate(child.flags, start=1):
                cells[row][column] += int(flag)
            if child.meritvarde is not None:
                merits[row].append(child.meritvarde)
    per_row = [*merits, [m for row in merits for m in row]]
    return CountTable(
        row_labels,
        list(YEAR9_COLUMNS),
        cells,
        row_totals=False,
        parts_of={1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0},
        # Eligibility needs final grades; and by gymnasieförordningen 7 kap. 4–5 §§ (lib/grades)
        # each higher-education preparatory group implies the estetiska programmes', which
        # imply a vocational programme's, which imply programinriktat val's.
        within=[*((1, (k,)) for k in range(2, 7)), (5, (3,)), (5, (4,)), (2, (5,)), (6, (2,))],
        stats=[
            Stat("Andel med slutbetyg (%)", "share", 0, 1),
            Stat("Andel behöriga yrkesprogram (%)", "share", 0, 2),
            Stat(
                "Medel meritvärde",
                "mean",
                1,
                values=[_mean(m) for m in per_row],
                observations=[len(m) for m in per_row],
            ),
        ],
    )


def year9(params: Params) -> CountTable:
    """Öppna jämförelser's split: placed all of year 9 (from the autumn term's first day to
    the spring term's last) or part of it."""
    children = _year9_children(params)
    return _year9_table(
        ["Placerad hela årskurs 9", "Placerad del av årskurs 9"],
        [[c for c in children if c.whole], [c for c in children if not c.whole]],
    )


def year9_districts(params: Params) -> CountTable:
    """The same children per district (the one responsible for each child's latest
    placement in year 9): which districts fall behind."""
    children = _year9_children(params)
    districts = _districts(params, {c.responsible for c in children})
    return _year9_table(
        [d.name for d in districts], [[c for c in children if c.responsible == d.pk] for d in districts]
    )


def _left_care(params: Params) -> QuerySet[Placement]:
    """The placements that ended a child's care in the period: the child's latest placement
    that began by the period's end (not medföljande) ended in it, so the child was no longer
    placed when the period ended. Each with its ``responsible`` district."""
    start, end = params.bounds()
    latest = (
        Placement.objects.filter(child=OuterRef("child"), start_date__lte=end, accompanying=False)
        .order_by("-start_date", "-pk")
        .values("pk")[:1]
    )
    return _overlapping(params).filter(accompanying=False, end_date__range=(start, end), pk=Subquery(latest))


def after_care(params: Params) -> CountTable:
    """Children whose care ended in the year, under the district responsible for their
    last placement: how many went home to their guardians, and of those how many were in
    school at the follow-ups after care (``AFTER_CARE_SCHOOL_FOLLOW_UP_MONTHS``; the first
    and the last), counted once that follow-up's time has come (the stored obligation is
    done, missed or closed): in school when the follow-up that did it records a school form
    other than "Går inte i skolan"."""
    params = replace(params, period="")  # the six months do not fit a tertial
    ended = list(_left_care(params).values_list("pk", "responsible", "exit_destination"))  # type: ignore[misc]
    months = settings.AFTER_CARE_SCHOOL_FOLLOW_UP_MONTHS
    marks = sorted({months[0], months[-1]}) if months else []
    home = [pk for pk, _responsible, destination in ended if destination == ExitDestination.HOME]
    followed: dict[tuple[int, int], bool] = {}  # (placement, months) -> in school
    for placement, occurrence, state, school_form in Obligation.objects.filter(
        kind=ObligationKind.AFTER_CARE, placement__in=home
    ).values_list("placement", "occurrence", "state", "follow_up__school_form"):
        m = int(occurrence.rsplit("/", 1)[-1].removesuffix("m"))
        if m in marks and state != ObligationState.OPEN:
            followed[placement, m] = state == ObligationState.DONE and school_form not in (
                "",
                None,
                SchoolForm.NONE,
            )
    width = 2 + 2 * len(marks)
    by_district: dict[Any, list[int]] = defaultdict(lambda: [0] * width)
    for pk, responsible, destination in ended:
        counts = by_district[responsible]
        counts[0] += 1
        counts[1] += destination == ExitDestination.HOME
        for k, m in enumerate(marks):
            if (pk, m) in followed:
                counts[2 + 2 * k] += 1
                counts[3 + 2 * k] += followed[pk, m]
    districts = _districts(params, by_district)
    labels = ["Lämnade vården", "Flyttade hem"]
    stats = [Stat("Andel som flyttade hem (%)", "share", 0, 1)]
    parts_of = {1: 0}
    for k, m in enumerate(marks):
        labels += [f"Hem, {m} mån har gått", f"I skolan efter {m} mån"]
        stats.append(Stat(f"Andel i skolan efter {m} mån (%)", "share", 2 + 2 * k, 3 + 2 * k))
        parts_of |= {2 + 2 * k: 1, 3 + 2 * k: 2 + 2 * k}
    return CountTable(
        [d.name for d in districts],
        labels,
        [by_district.get(d.pk, [0] * width) for d in districts],
        row_totals=False,
        parts_of=parts_of,
        stats=stats,
    )


def after_care_year9(params: Params) -> CountTable:
    """The year-9 children (as ``year9``) whose care ended during year 9: the child's latest
    placement that began by the spring term's last day ended between the autumn term's first
    day and it. The same columns as ``year9``; a part of its children placed part of year 9."""
    first, last = municipal.school_terms().year9(params.year)
    children = _year9_children(params)
    partly = [c.child_id for c in children if not c.whole]
    latest_ends = {}
    for child_id, end_date in (
        Placement.objects.filter(child__in=partly, start_date__lte=last, accompanying=False)
        .order_by("child_id", "start_date", "pk")
        .values_list("child_id", "end_date")
    ):
        latest_ends[child_id] = end_date
    left = {
        child for child, end_date in latest_ends.items() if end_date is not None and first <= end_date <= last
    }
    return _year9_table(["Lämnade vården under årskurs 9"], [[c for c in children if c.child_id in left]])


SKOLFAM_ROWS = ["I Skolfam", "Familjehem utan Skolfam"]


def skolfam_year9(params: Params) -> CountTable:
    """The year-9 children who were ever in Skolfam before year 9 ended, beside the others
    placed in Skolfam's placement forms (a family home) some day of year 9: the same columns
    as ``year9``. A comparison, not a measure of Skolfam's effect."""
    first, last = municipal.school_terms().year9(params.year)
    children = _year9_children(params)
    ids = [c.child_id for c in children]
    in_skolfam = set(
        Intervention.objects.filter(kind__code="skolfam", child__in=ids, start__lte=last).values_list(
            "child_id", flat=True
        )
    )
    in_family_home = set(
        Placement.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first),
            child__in=ids,
            start_date__lte=last,
            accompanying=False,
            form__code__in=settings.SKOLFAM_FORMS,
        ).values_list("child_id", flat=True)
    )
    return _year9_table(
        list(SKOLFAM_ROWS),
        [
            [c for c in children if c.child_id in in_skolfam],
            [c for c in children if c.child_id in in_family_home - in_skolfam],
        ],
    )


def _covers(spans: list[tuple[date, date]], first: date, last: date) -> bool:
    day = first
    for start, end in sorted(spans):
        if start > day:
            return False
        day = max(day, end + timedelta(days=1))
        if day > last:
            return True
    return day > last


def followup_compliance(params: Params) -> CountTable:
    """Reviews and school-coordinator follow-ups that fell due in the period (by today),
    and how many were done by their date: the stored obligations, as the to-do lists read
    them (obruten.obligations), each under the district responsible for the placement it
    belongs to."""
    start, end = params.bounds()
    obligations = Obligation.objects.filter(
        kind__in=[ObligationKind.REVIEW, ObligationKind.COORDINATOR],
        due__gte=start,
        due__lte=min(end, timezone.localdate()),
        placement__accompanying=False,
    ).annotate(responsible=_responsible(params, "placement__district_id", "placement__end_date"))
    if params.sex:
        obligations = obligations.filter(child__sex=params.sex)
    if params.form:
        obligations = obligations.filter(placement__form__code=params.form)
    if params.district:
        obligations = obligations.filter(responsible=_district_pk(params))
    rows = list(obligations.values_list("responsible", "kind", "due", "done_on"))
    districts = _districts(params, {row[0] for row in rows})
    index = {d.pk: i for i, d in enumerate(districts)}
    cells = [[0, 0, 0, 0] for _ in districts]
    for responsible, kind, due, done_on in rows:
        row = index.get(responsible)
        if row is None:
            continue
        column = 0 if kind == ObligationKind.REVIEW else 2
        cells[row][column] += 1
        cells[row][column + 1] += int(done_on is not None and done_on <= due)
    return CountTable(
        [d.name for d in districts],
        [
            "Övervägande att göra",
            "Övervägande i tid",
            "Skolsamordnarens uppföljningar att göra",
            "Skolsamordnarens uppföljningar i tid",
        ],
        cells,
        row_totals=False,
        parts_of={1: 0, 3: 2},
        stats=[
            Stat("Andel övervägande i tid (%)", "share", 0, 1),
            Stat("Andel skolsamordnare i tid (%)", "share", 2, 3),
        ],
    )


def skolfam(params: Params) -> CountTable:
    start, end = params.bounds()
    interventions = (
        Intervention.objects.filter(kind__code="skolfam", start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .select_related("child")
    )
    if params.sex:
        interventions = interventions.filter(child__sex=params.sex)
    interventions = interventions.annotate(responsible=_responsible(params, "child__district_id", end=None))
    if params.district:
        interventions = interventions.filter(responsible=_district_pk(params))
    chosen = list(interventions)
    districts = _districts(params, {item.responsible for item in chosen})
    index = {d.pk: i for i, d in enumerate(districts)}
    cells = [[0, 0, 0, 0] for _ in districts]
    scores: list[list[list[float]]] = [[[], [], [], []] for _ in range(len(districts) + 1)]
    for item in chosen:
        row = index.get(item.responsible)
        if row is None:
            continue
        cells[row][0] += 1
        if item.retest_date and item.retest_date <= end:
            cells[row][1] += 1
            cells[row][2] += int((item.retest_swedish or 0) > (item.baseline_swedish or 0))
            cells[row][3] += int((item.retest_maths or 0) > (item.baseline_maths or 0))
            for target in (scores[row], scores[-1]):
                for k, value in enumerate(
                    [item.baseline_swedish, item.retest_swedish, item.baseline_maths, item.retest_maths]
                ):
                    if value is not None:
                        target[k].append(float(value))
    stats = [
        Stat(label, "mean", 1, values=[_mean(s[k]) for s in scores], observations=[len(s[k]) for s in scores])
        for k, label in enumerate(
            ["Svenska vid start (stanine)", "Svenska senast", "Matematik vid start", "Matematik senast"]
        )
    ]
    return CountTable(
        [d.name for d in districts],
        ["Barn i Skolfam", "Med uppföljande test", "Förbättrat i svenska", "Förbättrat i matematik"],
        cells,
        row_totals=False,
        parts_of={1: 0, 2: 1, 3: 1},
        stats=stats,
    )


def child_voice(params: Params) -> CountTable:
    """Submitted answers to the scale and yes/no questions, per question: how many children
    gave each answer. Free text never leaves the child's record."""
    from obruten.participation.models import Answer, Question

    start, end = params.bounds()
    answers = Answer.objects.filter(
        invitation__submitted_at__date__range=(start, end),
        question__kind__in=[Question.Kind.SCALE, Question.Kind.YES_NO],
    ).exclude(value="")
    if params.sex:
        answers = answers.filter(invitation__child__sex=params.sex)
    if params.district:
        answers = answers.annotate(
            responsible=_responsible(params, "invitation__child__district_id", end=None)
        ).filter(responsible=_district_pk(params))
    if params.form:
        answers = answers.filter(Exists(_overlapping(params).filter(child=OuterRef("invitation__child"))))
    counts = answers.values("question__template__code", "question__order", "value").annotate(n=Count("pk"))
    questions = _voice_questions()
    index = {key: i for i, key in enumerate(questions)}
    cells = [[0] * len(VOICE_ANSWERS) for _ in questions]
    for row in counts:
        key = (row["question__template__code"], row["question__order"])
        if key in index and row["value"] in VOICE_ANSWERS:
            cells[index[key]][list(VOICE_ANSWERS).index(row["value"])] += row["n"]
    return CountTable(
        [f"{q.template.age_band}: {q.text('sv')}" for q in questions.values()],
        list(VOICE_ANSWERS.values()),
        cells,
    )


VOICE_ANSWERS = {
    "1": "1 Mycket dåligt",
    "2": "2 Dåligt",
    "3": "3 Sådär",
    "4": "4 Bra",
    "5": "5 Mycket bra",
    "yes": "Ja",
    "no": "Nej",
    "dont_know": "Vet inte",
}


def _voice_questions() -> dict[tuple[str, int], Any]:
    """The scale and yes/no questions by (form, place in it); the newest published version
    names each place."""
    from obruten.participation.models import Question

    questions = (
        Question.objects.filter(
            kind__in=[Question.Kind.SCALE, Question.Kind.YES_NO], template__published=True
        )
        .select_related("template")
        .order_by("template__code", "order")
    )
    seen: dict[tuple[str, int], Any] = {}
    for question in questions:
        seen.setdefault((question.template.code, question.order), question)
    return dict(sorted(seen.items()))


def voice_blank_cells(_params: Params) -> frozenset[tuple[int, int]]:
    """Answer alternatives a question does not have: a yes/no question has no 1–5 and a
    scale no yes/no. They are shown as –, never as a count."""
    from obruten.participation.models import Question

    scale = [i for i, key in enumerate(VOICE_ANSWERS) if key.isdigit()]
    yes_no = [i for i in range(len(VOICE_ANSWERS)) if i not in scale]
    return frozenset(
        (row, col)
        for row, question in enumerate(_voice_questions().values())
        for col in (yes_no if question.kind == Question.Kind.SCALE else scale)
    )


PLACEMENTS_RULE = (
    "Antal barn med minst en placering någon dag under perioden, per ansvarig stadsdelsnämnd och "
    "placeringsform. Efter en sammanslagning är den nya stadsdelsnämnden ansvarig för varje pågående "
    "placering från sammanslagningsdagen; en placering räknas under den nämnd som var ansvarig dess sista "
    "dag i perioden. Ett barn i flera placeringsformer räknas i var och en av dem men en gång i totalen. "
    "Medföljande barn till skyddat boende är inte placerade: de räknas i en egen kolumn utanför totalen. "
    "Från stadsdelsnämnders importerade månadsfiler räknas varje rad som ett barn."
)


REPORTS = {
    definition.name: definition
    for definition in [
        Definition(
            "placements",
            "Placerade barn per stadsdelsnämnd och placeringsform",
            PLACEMENTS_RULE,
            placements,
        ),
        Definition(
            "placements-stad",
            "Placerade barn per stadsdelsnämnd, stadens indelning",
            PLACEMENTS_RULE + " Kolumnerna som i stadens årsrapport: Familjehem omfattar närståendehem och "
            "behandlingsfamilj.",
            lambda params: placements(replace(params, layout="stad")),
        ),
        Definition(
            "placements-idag",
            "Placerade barn per dagens stadsdelsnämnder (historik)",
            PLACEMENTS_RULE + " Historikvy: varje tidigare stadsdelsnämnds placeringar räknas under den "
            "stadsdelsnämnd som har ansvaret i dag.",
            lambda params: placements(replace(params, history=True)),
        ),
        Definition(
            "placements-ensamkommande",
            "Placerade ensamkommande barn per stadsdelsnämnd",
            "Barn placerade någon dag under perioden (inte medföljande) som är registrerade som ensamkommande "
            "(kommit till Sverige utan vårdnadshavare), en gång var, under den stadsdelsnämnd som ansvarar för "
            "barnets senaste placering under perioden, som i Hälsoundersökning och tandvård. "
            "Stadsdelsnämndernas importerade månadsfiler säger inte vilka barn som är ensamkommande och "
            "räknas inte här.",
            unaccompanied,
        ),
        Definition(
            "school-start",
            "Dagar från placering till skolstart",
            "Placeringar som innebar skolbyte och började under perioden, per ansvarig stadsdelsnämnd. Dagar "
            "räknas från placeringens startdatum till första dag med faktisk skolgång; varje placering jämförs "
            "med stadens mål som gällde den dag den började (antal dagar i kolumnrubriken, \u201dmålet\u201d "
            "om målet ändrades under året). En placering utan registrerad skolstart som ännu är inom målet räknas inte "
            "förrän målet har passerat. Median och medel gäller placeringar med registrerad skolstart.",
            school_start,
            chart_stat=0,
        ),
        Definition(
            "school-start-late",
            "Sena skolstarter: orsak och placeringskommun",
            "De placeringar i Dagar från placering till skolstart som började skolan senare än målet eller "
            "ännu inte har börjat fast målet har passerat, under året, per placeringsform som i stadens "
            "årsrapport: orsaken som angavs när skolstarten registrerades (stadens kodlista; \u201dOrsak "
            "inte angiven\u201d för skolstarter registrerade utan orsak och för rader från månadsfiler), och "
            "om barnet placerades i den egna kommunen eller i en annan (placeringskommunen; okänd om den "
            "inte är registrerad). För ett barn med skyddad vistelseort (skyddade personuppgifter eller "
            "någon gång placerat i skyddat boende) räknas aldrig var det är placerat, bara att vistelseorten "
            "är skyddad. Räknas per kalenderår; tertialen visar årets tal.",
            school_start_late,
            chart_stat=0,
            row_heading="Placeringsform",
        ),
        Definition(
            "larteamet",
            "Lärteamet: skolgång i skyddat boende",
            "Barn i skyddat boende någon dag under perioden, placerade eller medföljande enligt den senaste "
            "placeringen där: om skolgången (hos Lärteamet eller på en skolenhet) började inom målet för "
            "skolstart från placeringens start, senare, eller inte är registrerad fast målet har passerat; "
            "ett barn som ännu är inom målet utan skolgång räknas inte förrän målet har passerat. Om barnen "
            "får full undervisningstid visas i Lärteamets egen rapport, inte här: vilka barn Lärteamet "
            "undervisar säger var de bor.",
            larteamet,
            chart_stat=0,
            row_heading="Barn i skyddat boende",
        ),
        Definition(
            "results",
            "Resultat i svenska, matematik och engelska",
            "Alla barn placerade någon dag under perioden (inte medföljande) i grundskoleålder: födda det år de "
            "fyller 7 till det år de fyller 16 räknat på läsåren perioden berör. Den senaste uppföljningen "
            "(övervägande eller skolsamordnare) under perioden i grundskolan eller anpassad grundskola räknas; "
            "barn utan en sådan räknas som \u201dinget känt resultat\u201d. Barnet når kraven med betyget A–E, "
            "eller med bedömningen \u201dnår kunskapskraven\u201d där betyg inte sätts. Andelarna räknas på alla "
            "barnen. Stadens mål: 75 %. Varje barn räknas en gång, under den stadsdelsnämnd som ansvarar för barnets senaste placering "
            "under perioden.",
            results,
            chart_stat=3,
            goal=GOAL_SHARE,
        ),
        Definition(
            "year9",
            "Årskurs 9: behörighet och meritvärde",
            "Alla barn i årskurs 9 läsåret som slutar i juni det valda året (efter slutbetygens år, annars "
            "födelseåret: det år barnet fyller 16) med en placering någon dag från höstterminens första dag "
            "till vårterminens sista, med eller utan slutbetyg; uppdelat på placerad hela årskurs 9 (hela "
            "tiden mellan de dagarna) eller del av den, som i Öppna jämförelser. Barn utan slutbetyg räknas "
            "som inte behöriga. Behörighet enligt gymnasieförordningen 7 kap.; meritvärde enligt Skolverket, "
            "medel över barnen med slutbetyg.",
            year9,
            chart_stat=1,
            row_heading="Placering",
        ),
        Definition(
            "year9-districts",
            "Årskurs 9 per stadsdelsnämnd",
            "Samma barn som i Årskurs 9: behörighet och meritvärde (alla barn i årskurs 9 med en placering "
            "någon dag av läsåret, med eller utan slutbetyg), per stadsdelsnämnd: den som ansvarar för barnets "
            "senaste placering under läsåret. Visar vilka stadsdelar som halkar efter.",
            year9_districts,
            chart_stat=1,
        ),
        Definition(
            "upper-secondary",
            "Gymnasieskolan: placerade unga per skolform och program",
            "Alla unga placerade någon dag under perioden (inte medföljande) i gymnasieåldern: födda det år de "
            "fyller 16 till det år de fyller 19 räknat på läsåren perioden berör (gymnasieskolan börjar efter "
            "årskurs 9, skollagen 15 kap.; introduktionsprogram och ett fjärde år räknas med). Skolform och "
            "program enligt den senaste uppföljningen med angiven skolform under de 12 månaderna fram till "
            "periodens slut. Gymnasieskola utan angivet program, grundskola, ingen skola och unga utan en sådan "
            "uppföljning räknas tillsammans i sista kolumnen. Programmen delas som i "
            "skollagen 16 kap. 2 § och bilaga 2 (högskoleförberedande program och yrkesprogram) och 17 kap. "
            "2 § (introduktionsprogram). Varje ung person räknas en gång, under den stadsdelsnämnd som ansvarar "
            "för den senaste placeringen under perioden.",
            upper_secondary_schooling,
            chart_stat=2,
        ),
        Definition(
            "upper-secondary-completion",
            "Gymnasieexamen vid 20 och 21 år",
            "Unga som fyller 21 år under året och som någon gång varit placerade (inte medföljande), under den "
            "stadsdelsnämnd som ansvarade för den senaste placeringen: om de fick gymnasieexamen "
            "(högskoleförberedande examen eller yrkesexamen, skollagen 16 kap. 26–27 §§) senast det år de "
            "fyllde 20, det år de fyller 21, eller inte. Måttet som i socialnämndens svar 2023 (andelen som vid "
            "20 års ålder har en treårig gymnasieutbildning och någon gång i livet varit placerade) och året "
            "efter, för samma årskull; åldern räknas som i registerstatistik, vid årets slut. Räknas per "
            "kalenderår; tertialen visar årets tal.",
            upper_secondary_completion,
            chart_stat=0,
        ),
        Definition(
            "health",
            "Hälsoundersökning och tandvård",
            "Barn placerade någon dag under perioden (inte medföljande), en gång var, under den stadsdelsnämnd som "
            "ansvarar för barnets senaste placering under perioden: om en hälsoundersökning har begärts och gjorts, och om barnet undersökts av tandvården det senaste året "
            "(räknat från periodens slut).",
            health,
            chart_col=2,
        ),
        Definition(
            "followup-compliance",
            "Uppföljningar i tid",
            "Övervägande/omprövning och skolsamordnarens uppföljningar som skulle göras under perioden, per "
            "ansvarig stadsdelsnämnd, och hur många som gjordes senast på sitt datum. Tidsgränserna är "
            "socialtjänstlagens och stadens regler för övervägande och skolsamordnarens uppföljning.",
            followup_compliance,
            chart_col=1,
        ),
        Definition(
            "skolfam",
            "Skolfam: resultat vid start och senast",
            "Barn med en Skolfam-insats under perioden, per ansvarig stadsdelsnämnd. Kartläggning vid start och "
            "uppföljande test efter två år i svenska och matematik (stanine 1–9).",
            skolfam,
            chart_col=0,
        ),
        Definition(
            "after-care",
            "Efter vården: skolgång efter hemflytt",
            "Barn vars vård upphörde under året (den senaste placeringen som börjat före årets slut "
            "avslutades under året; inte medföljande), under den stadsdelsnämnd som ansvarade för den: "
            "hur många som flyttade hem till vårdnadshavare, och av dem hur många som gick i skolan vid "
            "uppföljningarna av skolgången efter hemflytten (efter 1 och 6 månader enligt kommunens "
            "inställning). Ett barn räknas vid en uppföljning när dess tid har gått (gjord, missad eller "
            "stängd); i skolan om uppföljningen anger en annan skolform än \u201dGår inte i skolan\u201d. "
            "Räknas per kalenderår, eftersom uppföljningen efter sex månader inte ryms i en tertial; "
            "tertialen visar årets tal.",
            after_care,
            chart_stat=1,
        ),
        Definition(
            "after-care-year9",
            "Årskurs 9: barn som lämnade vården under läsåret",
            "Barnen i Årskurs 9: behörighet och meritvärde vars vård upphörde under årskurs 9 (den senaste "
            "placeringen som börjat före vårterminens sista dag avslutades från höstterminens första dag "
            "till den dagen): slutbetyg och behörighet som för alla barn i årskurs 9.",
            after_care_year9,
            chart_stat=1,
            row_heading="Grupp",
        ),
        Definition(
            "skolfam-year9",
            "Skolfam: årskurs 9 jämfört med andra barn i familjehem",
            "Barnen i Årskurs 9: behörighet och meritvärde (alla barn i årskurs 9 med en placering någon dag av "
            "läsåret) som någon gång före läsårets slut haft Skolfam, och de andra av dem som någon dag av "
            "läsåret var placerade i familjehem eller närståendehem (Skolfams placeringsformer i kommunens "
            "inställning). En jämförelse, inte ett mått på Skolfams effekt: barnen i Skolfam valdes till "
            "insatsen och skiljer sig från de andra på fler sätt än den.",
            skolfam_year9,
            chart_stat=1,
            row_heading="Grupp",
        ),
        Definition(
            "child-voice",
            "Barnets röst: svar per fråga",
            "Svar som barn skickat under perioden på frågor med skala eller ja/nej, per fråga i frågeformulären "
            "(7–12 och 13–20 år): antal svar per svarsalternativ. Ett barn räknas en gång per formulär det svarat "
            "på. Fritext visas aldrig utanför barnets akt. Urval på stadsdelsnämnd, placeringsform och kön.",
            child_voice,
            row_heading="Fråga",
            blank_cells=voice_blank_cells,
        ),
    ]
}
