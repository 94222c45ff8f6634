"""When follow-ups fall due: övervägande and omprövning, vårdnadsöverflyttning, the care
plan, the school coordinators' follow-ups, Skolfam's re-test. Plain Python, no Django.

The parameters are versioned (``RULESETS``) with the law each rests on; a date is judged
by the rule set in force on it. docs/rules.md cites each rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import SchoolTerms, add_months, add_years, school_year_start


@dataclass(frozen=True)
class RuleSet:
    version: str
    valid_from: date
    review_months: int  # övervägande (SoL, LVU 2 §) and omprövning (LVU 3 §)
    review_source: str
    custody_transfer_first_years: int  # consider vårdnadsöverflyttning after ...
    custody_transfer_then_years: int  # ... and then at least every ...
    custody_source: str
    care_plan_revision_years: int | None  # None: the law required no revision yet
    care_plan_source: str
    coordinator_follow_ups_per_school_year: int
    coordinator_source: str
    skolfam_retest_years: int


RULESETS = (
    RuleSet(
        version="1990-01-01",
        valid_from=date(1990, 1, 1),
        review_months=6,
        review_source="SoL (2001:453) 6 kap. 8 § första stycket; LVU (1990:52) 13 §",
        custody_transfer_first_years=3,
        custody_transfer_then_years=1,
        custody_source="SoL (2001:453) 6 kap. 8 § andra stycket and LVU 13 § tredje stycket "
        "(three years; the yearly repetition only from SFS 2020:1260)",
        care_plan_revision_years=None,
        care_plan_source="no statutory revision before SFS 2020:1260",
        coordinator_follow_ups_per_school_year=4,
        coordinator_source="Stockholms stad: skolsamordnare följer upp minst fyra gånger per läsår",
        skolfam_retest_years=2,
    ),
    RuleSet(
        version="2021-03-01",
        valid_from=date(2021, 3, 1),
        review_months=6,
        review_source="SoL (2001:453) 6 kap. 8 § första stycket; LVU (1990:52) 13 §",
        custody_transfer_first_years=3,
        custody_transfer_then_years=1,
        custody_source="SoL (2001:453) 6 kap. 8 § andra stycket and LVU 13 § tredje stycket "
        "as amended by SFS 2020:1260",
        care_plan_revision_years=2,
        care_plan_source="SoL (2001:453) 11 kap. 3 § andra stycket as amended by SFS 2020:1260",
        coordinator_follow_ups_per_school_year=4,
        coordinator_source="Stockholms stad: skolsamordnare följer upp minst fyra gånger per läsår",
        skolfam_retest_years=2,
    ),
    RuleSet(
        version="2022-07-01",
        valid_from=date(2022, 7, 1),
        review_months=6,
        review_source="SoL (2001:453) 6 kap. 8 § första stycket; LVU (1990:52) 13 §",
        custody_transfer_first_years=2,
        custody_transfer_then_years=1,
        custody_source="SoL (2001:453) 6 kap. 8 b § and LVU 13 b §, SFS 2022:665 (prop. 2021/22:178)",
        care_plan_revision_years=2,
        care_plan_source="SoL (2001:453) 11 kap. 3 § andra stycket as amended by SFS 2020:1260",
        coordinator_follow_ups_per_school_year=4,
        coordinator_source="Stockholms stad: skolsamordnare följer upp minst fyra gånger per läsår",
        skolfam_retest_years=2,
    ),
    RuleSet(
        version="2025-07-01",
        valid_from=date(2025, 7, 1),
        review_months=6,
        review_source="Socialtjänstlagen (2025:400), the counterpart of SoL (2001:453) 6 kap. 8 §; LVU 13 §",
        custody_transfer_first_years=2,
        custody_transfer_then_years=1,
        custody_source="Socialtjänstlagen (2025:400), the counterpart of SoL (2001:453) "
        "6 kap. 8 b §; LVU 13 b §",
        care_plan_revision_years=2,
        care_plan_source="Socialtjänstlagen (2025:400), the counterpart of SoL (2001:453) 11 kap. 3 §",
        coordinator_follow_ups_per_school_year=4,
        coordinator_source="Stockholms stad: skolsamordnare följer upp minst fyra gånger per läsår",
        skolfam_retest_years=2,
    ),
)


def ruleset_on(day: date) -> RuleSet:
    in_force = [rules for rules in RULESETS if rules.valid_from <= day]
    return in_force[-1] if in_force else RULESETS[0]


OPEN, DONE, MISSED = "open", "done", "missed"


@dataclass(frozen=True)
class Occurrence:
    """One time a duty falls due: its key among the duty's occurrences, the latest day,
    and whether (and when) it was done. A missed one stays missed: it is history, not work."""

    key: str
    due: date
    state: str
    done_on: date | None = None


@dataclass(frozen=True)
class BasisPeriod:
    """A stretch of care on one legal basis, from the decision that began it to its last
    day (None: it goes on)."""

    legal_basis: str
    start: date
    end: date | None = None


def review_occurrences(
    periods: Sequence[BasisPeriod],
    reviews: Sequence[date],
    today: date,
    *,
    duty_on: Callable[[BasisPeriod, date], bool],
) -> list[Occurrence]:
    """Each övervägande (SoL, LVU 2 §) and omprövning (LVU 3 §) of a stretch of care.

    The first falls due six months from the decision that began the legal basis (a change
    of basis is a new decision and restarts the count), each next one six months from the
    latest review. A review closes the occurrence it falls in, late or not; one not done
    before its basis or the duty ended was missed. None falls due on a day the duty no longer applies
    (``duty_on``: LVU 2 § care ends at 18, LVU 21 §; SoL's övervägande is for a child) or
    after the basis has ended."""
    done_days = sorted(reviews)
    occurrences: list[Occurrence] = []
    for period in sorted(periods, key=lambda period: period.start):
        anchor, number = period.start, 0
        # Over: the basis ended, or the duty did (one due while it applied and never done
        # was missed).
        ended = (period.end is not None and period.end < today) or not duty_on(period, today)
        while True:
            due = add_months(anchor, ruleset_on(anchor).review_months)
            number += 1
            done = next(
                (
                    day
                    for day in done_days
                    if day > anchor  # on the decision's own day it reviews nothing yet
                    and (period.end is None or day <= period.end)
                    and day <= today
                ),
                None,
            )
            if (period.end is not None and due > period.end and done is None) or not duty_on(period, due):
                break
            key = f"{period.start.isoformat()}/{number}"
            if done is not None:
                occurrences.append(Occurrence(key, due, DONE, done))
                anchor = done
            elif ended:
                occurrences.append(Occurrence(key, due, MISSED))
                anchor = due
            else:
                occurrences.append(Occurrence(key, due, OPEN))
                break
    return occurrences


def first_due(start: date, years_of: Callable[[RuleSet], int | None]) -> date | None:
    """The first day on which ``start`` lies the rule's number of years back, judged by
    the rule set in force on that day: a shorter period that comes into force makes the
    date due on the day it does (three years before 1 July 2022, two since)."""
    for index, rules in enumerate(RULESETS):
        years = years_of(rules)
        if years is None:
            continue
        candidate = add_years(start, years)
        if index:
            candidate = max(candidate, rules.valid_from)
        ends = RULESETS[index + 1].valid_from if index + 1 < len(RULESETS) else None
        if ends is None or candidate < ends:
            return candidate
    return None


def next_custody_transfer_consideration(
    home_since: date, considerations: Sequence[date], *, adult_on: date | None = None
) -> date | None:
    """Vårdnadsöverflyttning is considered when the child has lived in the same family
    home for two years (three before 1 July 2022), counted from when it began living
    there, and then at least once a year; never on or after the 18th birthday
    (``adult_on``)."""
    first = first_due(home_since, lambda rules: rules.custody_transfer_first_years)
    assert first is not None  # every rule set has the custody rule
    done = [day for day in considerations if day >= add_months(first, -6)]
    due = add_years(max(done), ruleset_on(max(done)).custody_transfer_then_years) if done else first
    return due if adult_on is None or due < adult_on else None


def care_plan_revision_due(
    placement_start: date,
    revisions: Sequence[date],
    *,
    adult_on: date | None = None,
    local_then_years: int = 0,
) -> date | None:
    """The care plan of a child is revised at the latest when it has been placed for two
    years (SoL 11 kap. 3 §, from 1 March 2021). The law names no further revision: one
    follows only from the municipality's own routine (``local_then_years``, 0 = none).
    Never on or after the 18th birthday (``adult_on``)."""
    first = first_due(placement_start, lambda rules: rules.care_plan_revision_years)
    if first is None:
        return None
    done = [day for day in revisions if day >= placement_start]
    if not done:
        due: date | None = first
    elif local_then_years:
        due = add_years(max(done), local_then_years)
    else:
        due = None
    return due if due is None or adult_on is None or due < adult_on else None


@dataclass(frozen=True)
class CoordinatorPeriod:
    """One of the school coordinator's follow-up periods: each term is halved, and the
    four halves tile the school year (July–June) so that a follow-up on any day, a break
    included, belongs to one. It falls due on its last teaching day."""

    key: str  # "2026/27:2": the school year and the follow-up's number in it
    start: date
    end: date
    teaching: tuple[date, date]

    @property
    def due(self) -> date:
        return self.teaching[1]


def coordinator_periods(school_year: int, terms: SchoolTerms) -> list[CoordinatorPeriod]:
    """The periods of the school year that starts in July of ``school_year``: the
    coordinator's four follow-ups a school year (the rule set's count), spread over the
    terms, not calendar quarters."""
    per_term = ruleset_on(date(school_year, 7, 1)).coordinator_follow_ups_per_school_year // 2
    halves = (
        (date(school_year, 7, 1), date(school_year, 12, 31)),
        (date(school_year + 1, 1, 1), date(school_year + 1, 6, 30)),
    )
    label = f"{school_year}/{(school_year + 1) % 100:02d}"
    periods: list[CoordinatorPeriod] = []
    for (term_start, term_end), (half_start, half_end) in zip(terms.terms(school_year), halves, strict=True):
        days = (term_end - term_start).days + 1
        cuts = [term_start + timedelta(days=round(days * k / per_term)) for k in range(per_term + 1)]
        for k in range(per_term):
            periods.append(
                CoordinatorPeriod(
                    key=f"{label}:{len(periods) + 1}",
                    start=half_start if k == 0 else cuts[k],
                    end=half_end if k == per_term - 1 else cuts[k + 1] - timedelta(days=1),
                    teaching=(cuts[k], cuts[k + 1] - timedelta(days=1)),
                )
            )
    return periods


def _placed_most_of(spans: Sequence[tuple[date, date | None]], period: CoordinatorPeriod) -> bool:
    first, last = period.teaching
    placed = sum(max(0, (min(last, end or last) - max(first, start)).days + 1) for start, end in spans)
    return 2 * placed >= (last - first).days + 1


def coordinator_occurrences(
    spans: Sequence[tuple[date, date | None]],
    follow_ups: Sequence[date],
    today: date,
    terms: SchoolTerms,
) -> list[Occurrence]:
    """The school coordinator's follow-ups of a child placed in ``spans`` (in forms the
    coordinators follow): one in each period the child was placed for at least half of
    its teaching days, so a child placed in the period's last weeks is first due in the
    next one. A period that ended without a follow-up was missed: it is counted as missed
    and is no longer to do, so the follow-up recorded today clears the list (issue 20).
    Periods that have begun, and the next one to come if none is open."""
    if not spans:
        return []
    occurrences: list[Occurrence] = []
    year = school_year_start(min(start for start, _ in spans)).year
    last_day = None if any(end is None for _, end in spans) else max(end for _, end in spans if end)
    while True:
        for period in coordinator_periods(year, terms):
            if last_day is not None and period.teaching[0] > last_day:
                return occurrences
            if not _placed_most_of(spans, period):
                continue
            if period.start > today:
                if not any(o.state == OPEN for o in occurrences):
                    occurrences.append(Occurrence(period.key, period.due, OPEN))
                return occurrences
            done = min((day for day in follow_ups if period.start <= day <= period.end), default=None)
            state = DONE if done else MISSED if period.end < today else OPEN
            occurrences.append(Occurrence(period.key, period.due, state, done))
        year += 1


def skolfam_retest_due(start: date) -> date:
    return add_years(start, ruleset_on(start).skolfam_retest_years)


AFTER_CARE_LAST_WINDOW_MONTHS = 1  # the last follow-up after care may be done this late


def after_care_occurrences(
    ended: date, months: Sequence[int], follow_ups: Sequence[date], today: date, back_in_care: date | None
) -> list[Occurrence]:
    """The follow-ups of a child's schooling after care ended with a return home: one
    ``months[i]`` months after the last day of care (the municipality's own routine, by
    default after 1 and 6 months: seed 001, "Stöd efter avslutad placering", on the social
    services' special responsibility after care; no statute sets this cadence, docs/rules.md).
    Each is done by the first follow-up not used by an earlier one after the previous one
    fell due (after care ended, for the first), late or not, until the next falls due (a
    month after it, for the last); then it was missed. A return to care ends those
    not yet due."""
    occurrences: list[Occurrence] = []
    dues = [add_months(ended, m) for m in months]
    opens = [ended, *dues]
    closes = [*dues[1:], add_months(dues[-1], AFTER_CARE_LAST_WINDOW_MONTHS)] if dues else []
    unused = sorted(day for day in follow_ups if ended < day <= today)
    for number, (months_after, due) in enumerate(zip(months, dues, strict=True)):
        if back_in_care is not None and back_in_care <= due:
            break
        done = next((day for day in unused if opens[number] < day <= closes[number]), None)
        if done is not None:
            unused.remove(done)  # one follow-up closes one occurrence
        state = DONE if done else MISSED if closes[number] < today else OPEN
        occurrences.append(Occurrence(f"{ended.isoformat()}/{months_after}m", due, state, done))
    return occurrences
