"""The one way from a count table to something a renderer may show: disclosure control
first, then the derived shares and means where their denominators allow.

Linked suppression (docs/statistics.md, "One protection for every output of a period"):
a report is protected once per year as a cube of every view a user can ask for — each
period of the year, all children, girls and boys — with the relations between them, and
every table shown is a slice of that protected cube.
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import logging
import shutil
import subprocess
import sys
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from obruten import municipal
from obruten.audit import log as audit
from obruten.audit.models import AuditChainHead, AuditEvent
from obruten.lib.calendar import MONTHS_OF, period_bounds
from obruten.lib.disclosure import (
    LinkedProtection,
    ProtectedTable,
    Relation,
    Rules,
    as_they_hold,
    hide_more,
    protect_linked,
    share,
    whole_group_answers,
    with_totals,
)
from obruten.register.models import District, PlacementForm

from . import definitions, monthly
from .definitions import CITY_LAYOUT, REPORTS, CountTable, Definition, Params

logger = logging.getLogger(__name__)

TOTAL = "Totalt"
# The total row's label under the districts, as the city writes it: a label only, the
# cube's key of that row stays TOTAL.
CITY_TOTAL = "Staden totalt"


def rules(period_end: date | None = None) -> Rules:
    """The protection of a period that ends on ``period_end``: the threshold the
    administrator set for it (municipal.disclosure_threshold_on; a period that has ended
    keeps its own), the share rule's minimum and the symbol."""
    return Rules(
        threshold=municipal.disclosure_threshold_on(period_end or timezone.localdate()),
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
    from_monthly_files: str = ""  # how many children come from monthly files: a count, *, or "" (none)
    not_applied: tuple[str, ...] = ()  # filters asked for that this report does not take
    # When the figures were made, if data has changed since and newer ones are being made.
    older_than_data: datetime | None = None

    @property
    def note(self) -> str:
        """What every rendering says under the table: the disclosure note, and the time of
        the figures where the data has changed since."""
        return f"{self.disclosure_note} {self.freshness}".strip()

    @property
    def disclosure_note(self) -> str:
        symbol = self.table.rules.symbol
        return (
            f"{symbol} = uppgiften visas inte för att inget barn ska kunna pekas ut: antal 1–"
            f"{self.table.rules.threshold - 1} och så många andra celler att de inte kan räknas fram. "
            "Andelar och medelvärden visas bara för grupper med minst "
            f"{self.table.rules.min_denominator} barn."
        )

    @property
    def freshness(self) -> str:
        if self.older_than_data is None:
            return ""
        made = timezone.localtime(self.older_than_data)
        return (
            f"Siffrorna räknades fram {made:%Y-%m-%d} kl. {made:%H:%M}. Uppgifter har ändrats sedan dess "
            "och nya siffror tas fram nu."
        )

    def stat_display(self, value: float | None) -> str:
        return self.table.rules.symbol if value is None else f"{value:.1f}".replace(".", ",")


@dataclass(frozen=True)
class Linking:
    """How a report's views relate. ``periods``: "overlap" (children with a placement any
    day: a period counts at most the sum of the periods that tile it, at least each of
    them), "additive" (records that begin in a period: the sum), "fixed" (the report
    ignores the period). ``district_rows``:
    a district filter picks that district's row. ``form_columns``: a form filter picks
    that form's column. ``filters``: the filters the report takes; any other is not
    applied, since its table would be protected apart from the rest (a channel)."""

    periods: str = "overlap"
    district_rows: bool = True
    form_columns: bool = False
    filters: frozenset[str] = frozenset({"district"})


LINKING = {
    "placements": Linking("overlap", form_columns=True, filters=frozenset({"district", "form"})),
    "placements-stad": Linking("overlap"),
    "placements-idag": Linking("overlap", form_columns=True, filters=frozenset({"district", "form"})),
    "placements-ensamkommande": Linking("overlap"),
    "school-start": Linking("additive"),
    "followup-compliance": Linking("additive"),  # each review falls due in one period
    "year9": Linking("fixed", district_rows=False, filters=frozenset()),
    "upper-secondary-completion": Linking("fixed"),
    "skolfam-year9": Linking("fixed", district_rows=False, filters=frozenset()),
    "after-care-year9": Linking("fixed", district_rows=False, filters=frozenset()),
    "after-care": Linking("fixed"),  # a year: the six-month follow-ups do not fit a tertial
    "year9-districts": Linking("fixed", filters=frozenset()),
    "child-voice": Linking("additive", district_rows=False, filters=frozenset()),
    # Rows of placement forms, a year: the reasons are too few to split by tertial.
    "school-start-late": Linking("fixed", district_rows=False, filters=frozenset()),
    "larteamet": Linking("overlap", district_rows=False, filters=frozenset()),  # the whole city
}

# Reports that count the same children, in another layout or a part of them with more
# about each: one cube for all of them.
FAMILY = {
    "placements-stad": "placements",
    "placements-idag": "placements",
    "placements-ensamkommande": "placements",
    "health": "placements",
    "results": "placements",
    "upper-secondary": "placements",
    "school-start": "placements",
    "year9-districts": "year9",  # the same children per district
    "skolfam-year9": "year9",  # two separate groups of them
    "after-care-year9": "year9",  # some of those placed part of year 9
    "after-care": "placements",  # some of the children placed in the period
    "school-start-late": "placements",  # the late ones of school-start
    "larteamet": "placements",  # the children in protected housing
}
# Reports that count monthly files' rows, and the member of the cube that holds how many
# as a margin: the layouts count the same rows as ``placements``.
MONTHLY_MARGIN = {
    "placements": "placements",
    "placements-stad": "placements",
    "placements-idag": "placements",
    "school-start": "school-start",
}
MONTHLY = "Från månadsfiler"
# The column of the children a report of children is about, each counted once (its
# margin of the placements cube, report_relations).
CHILDREN_COLUMN = {"health": "Placerade barn", "results": "Placerade barn i grundskoleålder"}


def linking(name: str) -> Linking:
    return LINKING.get(name, Linking())


def applicable(name: str, params: Params) -> Params:
    """The parameters a report is run with: filters it does not take are left out, and a
    report that counts a whole year (or school year) is run for it, so it says so."""
    link = linking(name)
    taken = link.filters
    return replace(
        params,
        period="" if link.periods == "fixed" else params.period,
        district=params.district if "district" in taken else "",
        form=params.form if "form" in taken else "",
    )


def _members(name: str) -> list[str]:
    root = FAMILY.get(name, name)
    return [root, *(member for member, of in FAMILY.items() if of == root)]


def _periods(linking: Linking, params: Params) -> list[str]:
    if linking.periods == "fixed":
        return [""]
    # Months are not published (check_period): twelve more periods would make the cube
    # several times larger.
    return ["", *MONTHS_OF]


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
    grid = with_totals(counts.cells, row_totals=counts.row_totals, width=len(counts.col_labels))
    if counts.totals is not None and counts.row_totals:
        for row, total in enumerate(counts.totals.rows):
            grid[row][-1] = total
        grid[-1] = [*counts.totals.cols, counts.totals.grand]
    return grid


def _view_cells(view: tuple[str, ...], counts: CountTable) -> dict[Any, int]:
    grid = _grid(counts)
    rows = [*counts.row_labels, TOTAL]
    cols = [*counts.col_labels, TOTAL] if counts.row_totals else list(counts.col_labels)
    return {(*view, rows[r], cols[c]): value for r, row in enumerate(grid) for c, value in enumerate(row)}


def _view_relations(view: tuple[str, ...], counts: CountTable) -> Iterator[Relation]:
    rows, cols = counts.row_labels, counts.col_labels
    for row in [*rows, TOTAL]:
        for part, whole in counts.parts_of.items():
            yield Relation((*view, row, cols[whole]), ((*view, row, cols[part]),), subset=True)
        for bound, terms, weights in counts.weighted:
            yield Relation(
                (*view, row, cols[bound]),
                tuple((*view, row, cols[t]) for t in terms),
                subset=True,
                disjoint=True,
                weights=weights,
            )
        for whole, parts in counts.within:
            yield Relation(
                (*view, row, cols[whole]),
                tuple((*view, row, cols[p]) for p in parts),
                subset=True,
                disjoint=True,
            )
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


def period_relations(kind: str, year: int, periods: list[str], cells: set[tuple]) -> Iterator[Relation]:
    """A period against the published periods that tile it, for each cell (report, sex,
    row, column): the sum ("additive"), or at most the sum and at least each ("overlap")."""
    if kind not in {"overlap", "additive"} or len(periods) == 1:
        return
    months = {period: _months(Params(year=year), period) for period in periods}
    for period in periods:
        smaller = {name: m for name, m in months.items() if m < months[period]}
        for tiling in _tilings(months[period], smaller):
            for report, sex, row, col in cells:
                yield Relation(
                    (report, period, sex, row, col),
                    tuple((report, part, sex, row, col) for part in tiling),
                    exact=kind == "additive",
                )


def layout_relations(cells: set[tuple[str, str, str, str, str]]) -> Iterator[Relation]:
    """The city layout and the history view against the detailed table (same period and
    sex): a folded column or a today's district holds the children of its parts, each
    counted once; a column or row of one part is that part, and the totals are the same."""
    forms = dict(PlacementForm.objects.values_list("code", "name"))
    folds = {label: [forms[code] for code in codes if code in forms] for label, codes in CITY_LAYOUT.items()}
    today = {d.name: _today(d).name for d in District.objects.select_related("successor")}
    detailed = {(period, sex, row, col) for report, period, sex, row, col in cells if report == "placements"}
    rows_of: dict[str, list[str]] = defaultdict(list)
    for row in {row for _p, _s, row, _c in detailed}:
        rows_of[today.get(row, row) if row != TOTAL else TOTAL].append(row)
    for report, period, sex, row, col in sorted(cells):
        key = (report, period, sex, row, col)
        if report == "placements-stad":
            parts = [(row, form) for form in folds.get(col, [col])]
        elif report == "placements-idag":
            parts = [(part, col) for part in sorted(rows_of.get(row, []))]
        else:
            continue
        keys = tuple(("placements", period, sex, r, c) for r, c in parts if (period, sex, r, c) in detailed)
        if keys and len(keys) == len(parts):
            yield Relation(key, keys, exact=len(keys) == 1)


def report_relations(cells: set[tuple[str, str, str, str, str]]) -> Iterator[Relation]:
    """The reports of children against ``placements`` (same period, sex and district row):
    ``health`` counts each placed child once, under the district of its latest placement,
    so in a row where ``placements`` counts it; ``results`` counts a part of those
    children, and ``upper-secondary``, ``after-care`` and ``placements-ensamkommande`` other
    parts. Over the city, ``placements`` adds the
    monthly files' rows to the children; the rows ``school-start`` counts are some of them."""
    health, results = CHILDREN_COLUMN["health"], CHILDREN_COLUMN["results"]
    for report, period, sex, row, col in sorted(cells):
        if report == "upper-secondary" and col == TOTAL:  # some of the placed children of the row
            whole, young = ("health", period, sex, row, health), (report, period, sex, row, col)
            yield Relation(whole, (young,), subset=True)
            # Within a school year the ages of the results and of upper-secondary school do not
            # meet: the two are separate parts (dropped where a period's two school years overlap).
            yield Relation(whole, (young, ("results", period, sex, row, results)), subset=True, disjoint=True)
        if report == "placements-ensamkommande":  # some of the placed children of the row
            yield Relation(
                ("health", period, sex, row, health), ((report, period, sex, row, col),), subset=True
            )
        if report == "year9-districts" and row == TOTAL:  # the same children as year9's
            yield Relation((report, period, sex, row, col), (("year9", period, sex, row, col),))
        if report == "after-care-year9" and row != TOTAL:
            whole = ("year9", period, sex, "Placerad del av årskurs 9", col)
            yield Relation(whole, ((report, period, sex, row, col),), subset=True)
        if report == "after-care" and col == "Lämnade vården":  # no longer placed at the period's end
            yield Relation(
                ("health", period, sex, row, health), ((report, period, sex, row, col),), subset=True
            )
        if report == "skolfam-year9" and row == TOTAL:  # some of year9's children
            yield Relation(("year9", period, sex, row, col), ((report, period, sex, row, col),), subset=True)
        if report == "school-start" and row == MONTHLY:
            whole = ("placements", period, sex, MONTHLY, TOTAL)
            yield Relation(whole, (("school-start", period, sex, MONTHLY, TOTAL),), subset=True)
        if report == "health" and col == health:
            if row == TOTAL:
                parts = [("health", period, sex, TOTAL, health), ("placements", period, sex, MONTHLY, TOTAL)]
                yield Relation(("placements", period, sex, TOTAL, TOTAL), tuple(parts))
            yield Relation(
                ("placements", period, sex, row, TOTAL), (("health", period, sex, row, health),), subset=True
            )
        elif report == "results" and col == results:
            yield Relation(
                ("health", period, sex, row, health), (("results", period, sex, row, results),), subset=True
            )


def school_start_relations(cells: set[tuple[str, str, str, str, str]]) -> Iterator[Relation]:
    """``school-start-late`` is the year's late starts of ``school-start`` (its two late
    columns, over the city) in other rows; each row's starts are in one of the places."""
    late = {
        c for report, _p, _s, _r, c in cells if report == "school-start" and c.startswith("Skolstart efter")
    }
    for report, period, sex, row, col in sorted(cells):
        if report != "school-start-late" or col != TOTAL:
            continue
        total = (report, period, sex, row, col)
        yield Relation(total, tuple((report, period, sex, row, place) for place in definitions.PLACE_COLUMNS))
        if row == TOTAL and len(late) == 1:
            starts, not_yet = ("school-start", period, sex, TOTAL), definitions.NOT_YET
            yield Relation(total, ((*starts, *late), (*starts, not_yet)))
            yield Relation((report, period, sex, row, not_yet), ((*starts, not_yet),))


def larteamet_relations(cells: set[tuple[str, str, str, str, str]]) -> Iterator[Relation]:
    """``larteamet``'s rows are some of the city's children placed in protected housing
    (where one form is it), and of those who came with a parent."""
    protected = list(PlacementForm.objects.filter(is_protected_housing=True).values_list("name", flat=True))
    placed, accompanying = definitions.LARTEAMET_ROWS
    column_of = {accompanying: definitions.ACCOMPANYING}
    if len(protected) == 1:
        column_of[placed] = protected[0]
    for report, period, sex, row, col in sorted(cells):
        if report == "larteamet" and col == TOTAL and row in column_of:
            whole = ("placements", period, sex, TOTAL, column_of[row])
            yield Relation(whole, ((report, period, sex, row, col),), subset=True, disjoint=True)


def _today(district: District) -> District:
    seen = {district.pk}
    while district.successor_id is not None and district.successor_id not in seen:
        district = District.objects.get(pk=district.successor_id)
        seen.add(district.pk)
    return district


def _monthly_margin(
    name: str, year: int, views: dict[tuple[str, str, str], CountTable], periods: list[str]
) -> tuple[dict[Any, int], list[Relation]]:
    """How many of the children come from monthly files, per period and sex: a margin of
    the cube, so it is protected with the rest. Each row counts in its own month only, so
    periods add up; the rows are a part of the table's children."""
    values = {
        (name, period, sex, MONTHLY, TOTAL): views[name, period, sex].imported
        for period in periods
        for sex in ("", "F", "M")
    }
    relations = [
        Relation(
            (name, period, "", MONTHLY, TOTAL),
            ((name, period, "F", MONTHLY, TOTAL), (name, period, "M", MONTHLY, TOTAL)),
        )
        for period in periods
    ]
    relations += list(
        period_relations("additive", year, periods, {(name, sex, MONTHLY, TOTAL) for sex in ("", "F", "M")})
    )
    relations += [
        Relation((name, period, sex, TOTAL, TOTAL), ((name, period, sex, MONTHLY, TOTAL),), subset=True)
        for period in periods
        for sex in ("", "F", "M")
    ]
    return values, relations


@dataclass(frozen=True)
class Cube:
    """A protected cube and the count tables it was made of, one per view (report, period,
    sex): a request for one of those views reads its counts here instead of counting again."""

    protection: LinkedProtection
    views: dict[tuple[str, str, str], CountTable]
    made: datetime = field(default_factory=timezone.now)
    stale: bool = False  # served while a cube for newer data is being made


def _member_periods(member: str, periods: list[str]) -> list[str]:
    """A member that counts a calendar year (``fixed``) in a cube of periods has the year only."""
    return [""] if linking(member).periods == "fixed" else periods


def protect_cube(name: str, params: Params, disclosure: Rules) -> Cube:
    """Every view of the report (and of the reports that show the same children in another
    layout) for the period's year as one protected set of cells."""
    members = _members(name)
    link = linking(members[0])
    base, periods = _cube_params(link, params), _periods(link, params)
    values: dict[Any, int] = {}
    relations: list[Relation] = []
    views = {}
    for member in members:
        for period in _member_periods(member, periods):
            for sex in ("", "F", "M"):
                counts = views[member, period, sex] = REPORTS[member].compute(
                    replace(base, period=period, sex=sex)
                )
                cells = _view_cells((member, period, sex), counts)
                values.update(cells)
                # A reader who checks a table's totals and finds they add up may assume they
                # add up where cells are hidden too: each total that does is an equation.
                relations.extend(as_they_hold(cells, list(_view_relations((member, period, sex), counts))))
    # A view leaves out a row it has nothing for (a former district): that is a 0 to anyone.
    labels = {(member, row, col) for (member, _period, _sex, row, col) in values}
    for member, row, col in labels:
        for period in _member_periods(member, periods):
            for sex in ("", "F", "M"):
                values.setdefault((member, period, sex, row, col), 0)
    for member, row, col in labels:
        for period in _member_periods(member, periods):
            relations.append(
                Relation(
                    (member, period, "", row, col),
                    ((member, period, "F", row, col), (member, period, "M", row, col)),
                )
            )
    for member in members:  # each report's periods relate as its own records do
        sexed = {(member, sex, row, col) for sex in ("", "F", "M") for m, row, col in labels if m == member}
        relations.extend(period_relations(linking(member).periods, params.year, periods, sexed))
    if not base.district and not base.form:
        for member in sorted(set(members) & set(MONTHLY_MARGIN.values())):
            margin, margin_relations = _monthly_margin(member, params.year, views, periods)
            values.update(margin)
            relations.extend(margin_relations)
    if len(members) > 1:
        relations.extend(layout_relations(set(values)))
        across = [
            *report_relations(set(values)),
            *school_start_relations(set(values)),
            *larteamet_relations(set(values)),
        ]
        # As within a table: a bound the counts meet with equality is assumed an equation.
        relations.extend(as_they_hold(values, [r for r in across if all(k in values for k in r.cells())]))
    # A relation the counting rule gives in general but these counts break (a placement
    # moved to another district by a transfer between two periods) is no knowledge an
    # attacker has.
    relations = [r for r in relations if all(k in values for k in r.cells()) and r.holds(values)]
    sensitive = _group_answers(views, values, disclosure)
    return Cube(_protect_once(values, relations, disclosure, sensitive), views)


def _protect_once(
    values: dict[Any, int], relations: list[Relation], disclosure: Rules, sensitive: frozenset[Any]
) -> LinkedProtection:
    """``protect_linked``, made once for the same counts and relations: its answer depends
    on nothing else (and on its code, COUNTING_CODE). A write that changes no count of a
    cube — a follow-up for the placements, a new user — then costs the reader a lookup
    instead of seconds of linear programming."""
    cells, small_groups = sorted(values.items(), key=repr), sorted(sensitive, key=repr)
    inputs = (COUNTING_CODE, cells, relations, disclosure, small_groups)
    key = "obruten-protection-" + _digest(inputs)
    protection = cache.get(key)
    if protection is None:
        protection = protect_linked(values, relations, disclosure, sensitive, reader_weight)
        cache.set(key, protection, timeout=None)
    return protection


def reader_weight(key: Any) -> float:
    """What hiding a cell costs the reader, relative to the others of the cube: the year's
    table of all children is the one the city publishes and compares (seed 001), then the
    year's girls and boys, then the tertials; a total most of all, since a row or column
    without its total cannot be compared. Measured on seed 001's 2020 table rebuilt
    (docs/statistics.md): 26 hidden cells of 112, no total, where weighing every cell
    alike hid 35."""
    _member, period, sex, row, col = key
    weight = 10.0 if not period and not sex else 3.0 if not period else 1.0
    return weight * 5 if TOTAL in (row, col) else weight


# Reports whose rows are groups of children and whose columns their answers: a small
# group that answered alike is protected as a small count is (docs/statistics.md).
GROUP_ANSWERS = {"child-voice"}


def _group_answers(views: dict[Any, CountTable], values: dict[Any, int], disclosure: Rules) -> frozenset[Any]:
    rows = []
    for view, counts in views.items():
        if view[0] not in GROUP_ANSWERS or not counts.row_totals:
            continue
        for row in counts.row_labels:
            rows.append(((*view, row, TOTAL), [(*view, row, col) for col in counts.col_labels]))
    return whole_group_answers(rows, values, disclosure)


def data_version(name: str = "") -> str:
    """The hash of the newest write in the audit log that report ``name`` can count: every
    service and import writes one event in the transaction that changes data. Only the
    events since the last call are read (by their unique sequence, once the event last
    seen is still there with the same hash, so a new database never passes for the old
    one); reads, exports and sign-ins are skipped, so a report run does not make the cube
    stale, and the child's questionnaires (links, answers, alerts) touch only the report
    that counts answers, so children answering all day do not make every other report
    protect its cube again."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_sequence", "last_hash").first() or (0, "")
    seen, every, without_answers = cache.get(VERSION_KEY, ((0, ""), "", ""))
    if head != seen:
        if not AuditEvent.objects.filter(sequence=seen[0], hash=seen[1]).exists():
            seen, every, without_answers = (0, ""), "", ""  # another database (tests): start over
        writes = AuditEvent.objects.filter(sequence__gt=seen[0], sequence__lte=head[0]).exclude(
            action__in=AuditEvent.NOT_WRITES
        )
        newest = writes.order_by("-sequence").values_list("hash", flat=True).first()
        every = newest or every
        if newest:
            without_answers = (
                writes.exclude(object_type__in=QUESTIONNAIRE_OBJECTS)
                .order_by("-sequence")
                .values_list("hash", flat=True)
                .first()
                or without_answers
            )
        cache.set(VERSION_KEY, (head, every, without_answers), timeout=None)
    return every if _members(name)[0] in COUNTS_ANSWERS else without_answers


VERSION_KEY = "obruten-data-version-hashes"
# The participation app's records (model names, as the audit log stores them), and the
# reports that count them.
QUESTIONNAIRE_OBJECTS = ["invitation", "answer", "alert", "guessattempt", "template", "question"]
COUNTS_ANSWERS = {"child-voice"}


def cached_cube(name: str, params: Params, disclosure: Rules, *, wait: bool = False) -> Cube:
    """The protected cube for the data as it is now. Where the data has changed since the
    last cube of the same report, year and filters was made, that cube is served at once,
    marked ``stale``, while the new one is made in the background
    (``STATISTICS_REFRESH_IN_BACKGROUND``): protecting a city's year takes tens of seconds,
    and no analyst should wait for it (issue 21). Only the first cube ever is made while
    the reader waits, and a caller that ``wait``s (the timer's `obruten protect-reports`)."""
    root = _members(name)[0]
    link = linking(root)
    base, periods = _cube_params(link, params), _periods(link, params)
    latest = "obruten-cube-latest-" + _digest((root, base, tuple(periods), disclosure, _how_counted()))
    # Today is part of the key: "still inside the goal" and the history view's districts
    # depend on the date as well as on the data.
    key = "obruten-cube-" + _digest((latest, data_version(root), timezone.localdate()))
    # The cube lives in this process as well, so a cached run does not unpickle every cell
    # from Django's cache; a marker in that cache keeps ``cache.clear()`` authoritative.
    marker = key + "-here"
    cube = _IN_PROCESS.get(key)
    if cube is not None and cache.get(marker):
        _IN_PROCESS.move_to_end(key)
        return cube
    cube = cache.get(key)
    if cube is None:
        previous = cache.get(latest) if _in_background() and not wait else None
        if previous is not None:
            _make_in_background(latest, name, params)
            return replace(previous, stale=True)
        cube = _make(key, latest, name, params, disclosure)
    cache.set(marker, True, timeout=None)
    _IN_PROCESS[key] = cube
    while len(_IN_PROCESS) > IN_PROCESS_CUBES:
        _IN_PROCESS.popitem(last=False)
    return cube


def _in_background() -> bool:
    """Whether a new cube is made by another process: only where the processes share the
    cache (``CACHE_DIR``), or the maker's cube would never reach the reader."""
    shared = settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache"
    return settings.STATISTICS_REFRESH_IN_BACKGROUND and shared


def _digest(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


def _make(key: str, latest: str, name: str, params: Params, disclosure: Rules) -> Cube:
    cube = protect_cube(name, params, disclosure)
    cache.set(key, cube, timeout=None)
    cache.set(latest, cube, timeout=None)
    return cube


MAKING_TIMEOUT = 15 * 60  # a worker that died while making one blocks the next this long


def _make_in_background(latest: str, name: str, params: Params) -> None:
    """Make the cube in a process of its own (``maker_command``), watched by a thread: in
    a thread of the server's, its Python work would hold the interpreter's lock the
    requests need (the pack after a change took 7 s instead of 2). One maker per cube
    across the server's processes, by a key in the shared cache."""
    if not cache.add(latest + "-making", True, timeout=MAKING_TIMEOUT):
        return

    def watch() -> None:
        try:
            made = subprocess.run(  # noqa: S603 - our interpreter and command, a report's name and parameters
                maker_command(name, params), capture_output=True, timeout=MAKING_TIMEOUT, check=False
            )
            if made.returncode:  # the code only: its output may hold figures
                logger.warning(
                    "make-cube %s exited with %d; the last cube is still served", name, made.returncode
                )
        finally:
            cache.delete(latest + "-making")

    threading.Thread(target=watch, name=f"cube {name}", daemon=True).start()


def maker_command(name: str, params: Params) -> list[str]:
    """`obruten make-cube`, at a lower priority than the server's requests where `nice` is
    at hand: after a change several cubes are made at once, and on two cores they took the
    CPU from the reader (the pack as PDF 13.7 s after a change, 2.1 s cached)."""
    nice = shutil.which("nice")
    command = [sys.executable, "-m", "obruten.cli", "make_cube", name, json.dumps(asdict(params))]
    return [nice, "-n", "10", *command] if nice else command


def _how_counted() -> tuple[Any, ...]:
    """What decides the counts besides the data: the counting code (a deploy that changes
    it must not serve the old cubes from a file cache) and the settings it reads."""
    return (
        COUNTING_CODE,
        municipal.school_start_goals(),
        settings.SCHOOL_AUTUMN_TERM_START,
        settings.SCHOOL_SPRING_TERM_END,
        settings.SCHOOL_AUTUMN_TERM_END,
        settings.SCHOOL_SPRING_TERM_START,
        settings.RESULTS_WINDOW_MONTHS,
    )


COUNTING_CODE = hashlib.sha256(
    b"".join(
        Path(path).read_bytes()
        for path in (definitions.__file__, monthly.__file__, __file__, inspect.getfile(protect_linked))
    )
).hexdigest()
IN_PROCESS_CUBES = 32
_IN_PROCESS: OrderedDict[str, Cube] = OrderedDict()


def _cube_view(name: str, params: Params, cube: Cube) -> CountTable | None:
    """The counts of the view asked for, if the cube was made of exactly that view (no
    district or form filter); a copy, since a renderer may change its table."""
    link = linking(name)
    period = "" if link.periods == "fixed" else params.period
    if replace(_cube_params(link, params), period=period, sex=params.sex) != params:
        return None
    counts = cube.views.get((name, period, params.sex))
    return copy.deepcopy(counts) if counts is not None else None


def _slice(
    name: str, counts: CountTable, params: Params, cube: LinkedProtection, disclosure: Rules
) -> ProtectedTable:
    """The requested view as a slice of the cube: a district or form filter's total is its
    one row or column. A cell the cube does not hold with the same value is hidden."""
    link = linking(name)
    view = (name, "" if link.periods == "fixed" else params.period, params.sex)
    grid = _grid(counts)
    one_row = params.district and link.district_rows and len(counts.row_labels) == 1
    one_col = params.form and link.form_columns and len(counts.col_labels) == 1
    rows = [*counts.row_labels, counts.row_labels[0] if one_row else TOTAL]
    cols = [*counts.col_labels, counts.col_labels[0] if one_col else TOTAL][: len(grid[0])]
    hidden = set()
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            key = (*view, rows[r], cols[c])
            if key in cube.hidden or cube.values.get(key) != value:
                hidden.add((r, c))
    return ProtectedTable(
        # The city's own tables say "Staden totalt" under the districts (seed 001).
        row_labels=(*counts.row_labels, CITY_TOTAL if link.district_rows and not params.district else TOTAL),
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


def _from_monthly_files(name: str, params: Params, cube: LinkedProtection, disclosure: Rules) -> str:
    """The protected count of the children that come from monthly files, for a table of
    the whole city (a filtered table has no such margin); "" where the report has none."""
    holder = MONTHLY_MARGIN.get(name)
    if holder is None or params.district or params.form:
        return ""
    key = (holder, "" if linking(holder).periods == "fixed" else params.period, params.sex, MONTHLY, TOTAL)
    if key not in cube.values:
        return ""
    return disclosure.symbol if key in cube.hidden else str(cube.values[key])


def _protect(
    counts: CountTable, table: ProtectedTable, disclosure: Rules
) -> tuple[ProtectedTable, tuple[StatColumn, ...]]:
    while True:  # a part of a part of a hidden whole is hidden too
        parts_of_hidden = {
            (row, part)
            for row in range(len(table.grid))
            for part, whole in counts.parts_of.items()
            if (row, whole) in table.hidden and (row, part) not in table.hidden
        }
        if not parts_of_hidden:
            break
        table = hide_more(table, parts_of_hidden)
    columns = []
    for stat in counts.stats:
        values: list[float | None] = []
        for row in range(len(table.grid)):
            denominator = table.value(row, stat.denominator_col)
            if stat.kind == "share":
                parts = [table.value(row, col) for col in (stat.numerator_col, *stat.also) if col is not None]
                numerator = None if not parts or None in parts else sum(p for p in parts if p is not None)
                values.append(share(numerator, denominator, disclosure))
            else:
                # A mean or median beside a hidden count can bound it (every late school start
                # is more than the goal's days; a higher mean score means someone improved),
                # so it is shown only where every count in its row is.
                enough = (
                    denominator is not None
                    and stat.observations[row] >= disclosure.min_denominator
                    and not any((row, col) in table.hidden for col in range(len(table.grid[row])))
                )
                values.append(stat.values[row] if enough else None)
        columns.append(StatColumn(stat.label, tuple(values)))
    return table, tuple(columns)


MONTH_REFUSED = (
    "En månad publiceras inte som egen period: den skyddas inte tillsammans med årets andra "
    "utdrag. Välj hela året, T1, T2, T3 eller T2-ACK; månadens exakta tal finns i månadsfilen."
)


def check_period(period: str) -> None:
    """A month is not a published period: linking twelve more periods into the cube costs
    too much, and a month protected on its own could be differenced against the year."""
    if period and period not in MONTHS_OF:
        raise ValueError(MONTH_REFUSED)


def protect_report(name: str, params: Params, *, wait: bool = False) -> ProtectedReport:
    """Compute and protect a report without auditing it: for a caller that audits the
    whole export it is part of (the pack). ``wait``: for the figures of the data as it is
    now, never the last cube's while a new one is made (``cached_cube``)."""
    check_period(params.period)
    definition, disclosure = REPORTS[name], rules(params.bounds()[1])
    asked, params = params, applicable(name, params)
    cached = cached_cube(name, params, disclosure, wait=wait)
    counts = _cube_view(name, params, cached)
    if counts is None and cached.stale:
        # A filtered table is counted from today's data, which only a cube of today's data
        # protects: sliced against an older one, a cell hidden because it changed and the
        # unchanged ones beside it told a small count (an attacker review, issue 21).
        cached = cached_cube(name, params, disclosure, wait=True)
        counts = _cube_view(name, params, cached)
    counts = counts or definition.compute(params)
    cube = cached.protection
    table, stats = _protect(counts, _slice(name, counts, params, cube, disclosure), disclosure)
    return ProtectedReport(
        definition,
        params,
        table,
        stats,
        from_monthly_files=_from_monthly_files(name, params, cube, disclosure),
        not_applied=tuple(f for f in ("district", "form") if getattr(asked, f) and not getattr(params, f)),
        older_than_data=cached.made if cached.stale else None,
    )


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
