"""When follow-ups fall due: övervägande and omprövning, vårdnadsöverflyttning, the care
plan, the school coordinators' follow-ups, Skolfam's re-test. Plain Python, no Django.

The parameters are versioned (``RULESETS``) with the law each rests on; a date is judged
by the rule set in force on it. docs/rules.md cites each rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from .calendar import add_months, add_years, school_year_start


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


@dataclass(frozen=True)
class BasisPeriod:
    """A stretch of care on one legal basis, from the decision that began it."""

    legal_basis: str  # SoL, LVU2, LVU3
    start: date


def next_review(periods: Sequence[BasisPeriod], reviews: Sequence[date]) -> date | None:
    """The latest day for the next övervägande (SoL, LVU 2 §) or omprövning (LVU 3 §).

    Six months from the start of the current legal basis (a change of basis is a new
    decision and restarts the count), or from the latest review on that basis."""
    if not periods:
        return None
    current = max(periods, key=lambda period: period.start)
    since = [day for day in reviews if day >= current.start]
    anchor = max(since) if since else current.start
    return add_months(anchor, ruleset_on(anchor).review_months)


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


def coordinator_periods(day: date) -> list[tuple[date, date]]:
    """The school year containing ``day`` split into as many equal periods as follow-ups
    are required (four: July–September, October–December, January–March, April–June)."""
    start = school_year_start(day)
    count = ruleset_on(day).coordinator_follow_ups_per_school_year
    months = 12 // count
    bounds = [add_months(start, months * n) for n in range(count + 1)]
    return [(bounds[n], date.fromordinal(bounds[n + 1].toordinal() - 1)) for n in range(count)]


def next_coordinator_follow_up(today: date, placed_since: date, follow_ups: Sequence[date]) -> date:
    """The end of the first period of this school year, from the one the child was placed
    in and the one running today, that has no follow-up yet; one follow-up a period gives
    at least four a school year. A period that ended without one was missed: it is counted
    as missed (the follow-up report) and is no longer to do, so the follow-up recorded
    today clears the list (issue 20)."""
    for period_start, period_end in coordinator_periods(today):
        if period_end < placed_since or period_end < today:
            continue
        if not any(period_start <= day <= period_end for day in follow_ups):
            return period_end
    # Every period of this school year is done: the first period of the next one.
    return coordinator_periods(add_years(school_year_start(today), 1))[0][1]


def skolfam_retest_due(start: date) -> date:
    return add_years(start, ruleset_on(start).skolfam_retest_years)
