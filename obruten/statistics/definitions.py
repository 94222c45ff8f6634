"""Report definitions: what is counted, over which population and period, broken down how.

Each definition turns ``Params`` into a ``CountTable`` with aggregation in the database
where it can (``values().annotate(Count(...))``). A count table is never rendered: it goes
through ``protection.protect_report`` first.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from obruten.followup.models import (
    FinalGrades,
    FollowUp,
    FollowUpKind,
    Intervention,
    SchoolForm,
    SubjectResult,
)
from obruten.lib import cadence, grades
from obruten.lib.calendar import add_months, period_bounds
from obruten.register.models import Child, District, Placement, PlacementForm

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

    def bounds(self) -> tuple[date, date]:
        return period_bounds(self.year, self.period or None)

    def label(self) -> str:
        return f"{self.year} {self.period}".strip() if not self.period[:4].isdigit() else self.period


@dataclass
class Stat:
    """A derived column: a share, a mean or a median per row. It is published only where
    its denominator (``denominator_col``'s count, or ``observations``) is large enough."""

    label: str
    kind: str  # share, mean, median
    denominator_col: int
    numerator_col: int | None = None
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


def _districts(params: Params, used: Iterable[int | None] = ()) -> list[District]:
    """The districts valid during the period, in the district file's order, and any other
    district the counts name (a placement made before a merger counts where it was made)."""
    start, end = params.bounds()
    districts = District.objects.filter(
        District.valid_between(start, end) | Q(pk__in=[pk for pk in used if pk is not None])
    )
    if params.district:
        districts = districts.filter(code=params.district)
    return list(districts.order_by("sort_order"))


def _forms(params: Params) -> list[PlacementForm]:
    forms = PlacementForm.objects.order_by("sort_order")
    return list(forms.filter(code=params.form) if params.form else forms)


def _overlapping(params: Params) -> QuerySet[Placement]:
    start, end = params.bounds()
    placements = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start), start_date__lte=end
    )
    if params.sex:
        placements = placements.filter(child__sex=params.sex)
    if params.form:
        placements = placements.filter(form__code=params.form)
    if params.district:
        placements = placements.filter(district__code=params.district)
    return placements


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


def placements(params: Params) -> CountTable:
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for source in (
        _overlapping(params).values("district_id", "form_id").annotate(n=Count("child_id", distinct=True)),
        _imported(params).values("district_id", "form_id").annotate(n=Count("pk")),
    ):
        for row in source:
            counts[(row["district_id"], row["form_id"])] += row["n"]
    districts, forms = _districts(params, [district for district, _ in counts]), _forms(params)
    return CountTable(
        [d.name for d in districts],
        [f.name for f in forms],
        _grid([d.pk for d in districts], [f.pk for f in forms], counts),
    )


def school_start(params: Params) -> CountTable:
    start, _end = params.bounds()
    goal = 7
    placements = (
        _overlapping(params)
        .filter(school_change=True, start_date__gte=start)
        .annotate(days=F("school_start__days_to_school_start"))
    )
    rows = list(placements.values_list("district_id", "days"))
    rows += list(
        _imported(params)
        .filter(school_change=True, start_date__gte=start)
        .values_list("district_id", "days_to_school_start")
    )
    districts = _districts(params, {district_id for district_id, _ in rows})
    index = {d.pk: i for i, d in enumerate(districts)}
    cells = [[0, 0, 0] for _ in districts]
    days: dict[int, list[int]] = defaultdict(list)
    for district_id, value in rows:
        if district_id not in index:
            continue
        row = index[district_id]
        column = 2 if value is None else 0 if value <= goal else 1
        cells[row][column] += 1
        if value is not None:
            days[row].append(value)
    every = [d for values in days.values() for d in values]
    per_row = [days[r] for r in range(len(districts))] + [every]
    return CountTable(
        [d.name for d in districts],
        ["Skolstart inom 7 dagar", "Skolstart efter mer än 7 dagar", "Ingen skolstart ännu"],
        cells,
        stats=[
            Stat("Andel inom 7 dagar (%)", "share", denominator_col=3, numerator_col=0),
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


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


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


def results(params: Params) -> CountTable:
    start, end = params.bounds()
    follow_ups = FollowUp.objects.filter(
        kind__in=[FollowUpKind.REVIEW, FollowUpKind.COORDINATOR],
        date__range=(start, end),
        school_form__in=[SchoolForm.COMPULSORY, SchoolForm.ADAPTED_COMPULSORY],
    )
    if params.sex:
        follow_ups = follow_ups.filter(child__sex=params.sex)
    if params.form:
        follow_ups = follow_ups.filter(Exists(_overlapping(params).filter(child=OuterRef("child"))))
    latest = follow_ups.values("child").annotate(last=Max("pk")).values("last")
    groups = (
        FollowUp.objects.filter(pk__in=latest)
        .annotate(mask=_reached(OuterRef("pk")))
        .values("child__district_id", "mask")
        .annotate(n=Count("pk"))
    )
    # At most eight masks per district: add them up into the five counts.
    by_district: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    every = sum(SUBJECT_BITS.values())
    for group in groups:
        counts, mask, n = by_district[group["child__district_id"]], group["mask"], group["n"]
        counts[0] += n
        for column, bit in enumerate(SUBJECT_BITS.values(), start=1):
            counts[column] += n if mask & bit else 0
        counts[4] += n if mask == every else 0
    districts = _districts(params, by_district)
    cells = [by_district.get(d.pk, [0, 0, 0, 0, 0]) for d in districts]
    return CountTable(
        [d.name for d in districts],
        [
            "Barn i grundskolan",
            "Når kraven i svenska/sva",
            "Når kraven i matematik",
            "Når kraven i engelska",
            "Når kraven i alla tre",
        ],
        cells,
        row_totals=False,
        parts_of={1: 0, 2: 0, 3: 0, 4: 0},
        stats=[
            Stat("Andel svenska/sva (%)", "share", 0, 1),
            Stat("Andel matematik (%)", "share", 0, 2),
            Stat("Andel engelska (%)", "share", 0, 3),
            Stat("Andel alla tre (%)", "share", 0, 4),
        ],
    )


def health(params: Params) -> CountTable:
    _start, end = params.bounds()
    children = Child.objects.filter(Exists(_overlapping(params).filter(child=OuterRef("pk"))))
    own = FollowUp.objects.filter(child=OuterRef("pk"), date__lte=end)
    rows = (
        children.annotate(
            requested=Exists(own.filter(health_exam_requested__isnull=False)),
            done=Exists(own.filter(health_exam_done__isnull=False)),
            dental=Exists(own.filter(dental_exam_latest__gt=end - timedelta(days=365))),
        )
        .values("district_id")
        .annotate(
            n=Count("pk"),
            n_requested=Count("pk", filter=Q(requested=True)),
            n_done=Count("pk", filter=Q(done=True)),
            n_dental=Count("pk", filter=Q(dental=True)),
        )
    )
    by_district = {row["district_id"]: row for row in rows}
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


def year9(params: Params) -> CountTable:
    """Öppna jämförelser's split: placed for all of year 9 (the school year ending in June
    of ``year``) or for part of it."""
    school_year = (date(params.year - 1, 7, 1), date(params.year, 6, 30))
    final = FinalGrades.objects.filter(year=params.year).select_related("child")
    if params.sex:
        final = final.filter(child__sex=params.sex)
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    placed = Placement.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=school_year[0]),
        start_date__lte=school_year[1],
        child__in=final.values("child"),
    )
    if params.form:
        placed = placed.filter(form__code=params.form)
    if params.district:
        placed = placed.filter(district__code=params.district)
    for child_id, first, last in placed.values_list("child_id", "start_date", "end_date"):
        spans[child_id].append((first, last or school_year[1]))
    cells = [[0] * 6 for _ in range(2)]
    merits: list[list[float]] = [[], []]
    for record in final:
        if record.child_id not in spans:
            continue
        row = 0 if _covers(spans[record.child_id], *school_year) else 1
        result = grades.year9_result(record.grades)
        flags = [
            True,
            result.vocational.eligible,
            *(e.eligible for e in result.preparatory.values()),
            result.programme_oriented.eligible,
        ]
        for column, flag in enumerate(flags):
            cells[row][column] += int(flag)
        merits[row].append(result.meritvarde)
    per_row = [*merits, merits[0] + merits[1]]
    return CountTable(
        ["Placerad hela årskurs 9", "Placerad del av årskurs 9"],
        [
            "Barn med slutbetyg",
            "Behöriga yrkesprogram",
            "Behöriga ekonomi, humaniora, samhälle",
            "Behöriga natur, teknik",
            "Behöriga estetiska",
            "Behöriga programinriktat val",
        ],
        cells,
        row_totals=False,
        parts_of={1: 0, 2: 0, 3: 0, 4: 0, 5: 0},
        stats=[
            Stat("Andel behöriga yrkesprogram (%)", "share", 0, 1),
            Stat(
                "Medel meritvärde",
                "mean",
                0,
                values=[_mean(m) for m in per_row],
                observations=[len(m) for m in per_row],
            ),
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
    """Reviews and school-coordinator follow-ups that fell due in the period, and how many
    were done by their date."""
    start, end = params.bounds()
    placements = _overlapping(params).select_related("form").order_by("child_id", "start_date")
    follow_ups: dict[int, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for child_id, kind, day in FollowUp.objects.filter(child__in=placements.values("child")).values_list(
        "child_id", "kind", "date"
    ):
        follow_ups[child_id][kind].append(day)
    districts = _districts(params, set(placements.values_list("district_id", flat=True)))
    index = {d.pk: i for i, d in enumerate(districts)}
    cells = [[0, 0, 0, 0] for _ in districts]
    for placement in placements:
        row = index.get(placement.district_id)
        if row is None:
            continue
        reviews = sorted(follow_ups[placement.child_id][FollowUpKind.REVIEW])
        anchor, last = placement.start_date, min(end, placement.end_date or end)
        while True:
            due = add_months(anchor, cadence.ruleset_on(anchor).review_months)
            if due > last:
                break
            done = [day for day in reviews if anchor < day <= due]
            if due >= start:
                cells[row][0] += 1
                cells[row][1] += int(bool(done))
            anchor = done[0] if done else due
        if placement.form.school_coordinator_follows_up:
            coordinator = follow_ups[placement.child_id][FollowUpKind.COORDINATOR]
            for day in _quarter_ends(start, end):
                period_start = add_months(day + timedelta(days=1), -3)
                if placement.start_date <= period_start and (placement.end_date or end) >= day:
                    cells[row][2] += 1
                    cells[row][3] += int(any(period_start <= d <= day for d in coordinator))
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


def _quarter_ends(start: date, end: date) -> list[date]:
    ends = []
    for year in range(start.year, end.year + 1):
        for month in (3, 6, 9, 12):
            day = add_months(date(year, month, 1), 1) - timedelta(days=1)
            if start <= day <= end:
                ends.append(day)
    return ends


def skolfam(params: Params) -> CountTable:
    start, end = params.bounds()
    interventions = (
        Intervention.objects.filter(kind__code="skolfam", start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .select_related("child")
    )
    if params.sex:
        interventions = interventions.filter(child__sex=params.sex)
    if params.district:
        interventions = interventions.filter(child__district__code=params.district)
    chosen = list(interventions)
    districts = _districts(params, {item.child.district_id for item in chosen})
    index = {d.pk: i for i, d in enumerate(districts)}
    cells = [[0, 0, 0, 0] for _ in districts]
    scores: list[list[list[float]]] = [[[], [], [], []] for _ in range(len(districts) + 1)]
    for item in chosen:
        row = index.get(item.child.district_id)
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
        answers = answers.filter(invitation__child__district__code=params.district)
    if params.form:
        answers = answers.filter(Exists(_overlapping(params).filter(child=OuterRef("invitation__child"))))
    counts = answers.values("question__template__code", "question__order", "value").annotate(n=Count("pk"))
    questions = list(
        Question.objects.filter(
            kind__in=[Question.Kind.SCALE, Question.Kind.YES_NO], template__published=True
        )
        .select_related("template")
        .order_by("template__code", "order")
    )
    seen: dict[tuple[str, int], Question] = {}
    for question in questions:  # the newest published version names each place in a form
        seen.setdefault((question.template.code, question.order), question)
    keys = sorted(seen)
    index = {key: i for i, key in enumerate(keys)}
    columns = ["1", "2", "3", "4", "5", "yes", "no", "dont_know"]
    cells = [[0] * len(columns) for _ in keys]
    for row in counts:
        key = (row["question__template__code"], row["question__order"])
        if key in index and row["value"] in columns:
            cells[index[key]][columns.index(row["value"])] += row["n"]
    labels = [f"{seen[k].template.age_band}: {seen[k].text('sv')}" for k in keys]
    return CountTable(
        labels,
        ["1 Mycket dåligt", "2 Dåligt", "3 Sådär", "4 Bra", "5 Mycket bra", "Ja", "Nej", "Vet inte"],
        cells,
    )


REPORTS = {
    definition.name: definition
    for definition in [
        Definition(
            "placements",
            "Placerade barn per stadsdelsnämnd och placeringsform",
            "Antal barn med minst en placering någon dag under perioden, per den stadsdelsnämnd som var ansvarig "
            "för placeringen och placeringsform. Ett barn med placeringar i flera former eller nämnder räknas i "
            "var och en av dem; totalerna är summor av cellerna. Från stadsdelsnämnders importerade "
            "månadsfiler räknas varje rad som ett barn.",
            placements,
        ),
        Definition(
            "school-start",
            "Dagar från placering till skolstart",
            "Placeringar som innebar skolbyte och började under perioden, per ansvarig stadsdelsnämnd. Dagar "
            "räknas från placeringens startdatum till första dag med faktisk skolgång. Median och medel gäller "
            "placeringar med registrerad skolstart.",
            school_start,
            chart_col=0,
        ),
        Definition(
            "results",
            "Resultat i svenska, matematik och engelska",
            "Placerade barn i grundskolan eller anpassad grundskola med en uppföljning (övervägande eller "
            "skolsamordnare) under perioden; den senaste uppföljningen räknas. Barnet når kraven med betyget "
            "A–E, eller med bedömningen \u201dnår kunskapskraven\u201d där betyg inte sätts. Ett betyg som förts "
            "vidare räknas. Stadens mål: 75 %. Stadsdelsnämnd: barnets ansvariga nämnd.",
            results,
            chart_col=4,
            goal=GOAL_SHARE,
        ),
        Definition(
            "year9",
            "Årskurs 9: behörighet och meritvärde",
            "Barn med slutbetyg från årskurs 9 det valda året och en placering under det läsåret, uppdelat på "
            "om barnet var placerat hela läsåret (1 juli–30 juni) eller del av det, som i Öppna jämförelser. "
            "Behörighet enligt gymnasieförordningen 7 kap.; meritvärde enligt Skolverket.",
            year9,
            chart_col=1,
            row_heading="Placering",
        ),
        Definition(
            "health",
            "Hälsoundersökning och tandvård",
            "Barn med en placering någon dag under perioden, per barnets ansvariga stadsdelsnämnd: om en "
            "hälsoundersökning har begärts och gjorts, och om barnet undersökts av tandvården det senaste året "
            "(räknat från periodens slut).",
            health,
            chart_col=2,
        ),
        Definition(
            "followup-compliance",
            "Uppföljningar i tid",
            "Övervägande/omprövning och skolsamordnarens uppföljningar som skulle göras under perioden, per "
            "ansvarig stadsdelsnämnd, och hur många som gjordes senast på sitt datum (regler: docs/rules.md).",
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
            "child-voice",
            "Barnets röst: svar per fråga",
            "Svar som barn skickat under perioden på frågor med skala eller ja/nej, per fråga i frågeformulären "
            "(7–12 och 13–20 år): antal svar per svarsalternativ. Ett barn räknas en gång per formulär det svarat "
            "på. Fritext visas aldrig utanför barnets akt. Urval på stadsdelsnämnd, placeringsform och kön.",
            child_voice,
            row_heading="Fråga",
        ),
    ]
}
