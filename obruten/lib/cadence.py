"""When follow-ups fall due: övervägande and omprövning, vårdnadsöverflyttning, the care
plan, the school coordinators' follow-ups, Skolfam's re-test. Plain Python, no Django.

The parameters are versioned (``RULESETS``) with the law each rests on; a date is judged
by the rule set in force on it. docs/rules.md cites each rule.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    care_plan_revision_years: int
    care_plan_source: str
    coordinator_follow_ups_per_school_year: int
    coordinator_source: str
    skolfam_retest_years: int


RULESETS = (
    RuleSet(
        version="2022-07-01",
        valid_from=date(2022, 7, 1),
        review_months=6,
        review_source="SoL (2001:453) 6 kap. 8 §; LVU 13 §",
        custody_transfer_first_years=2,
        custody_transfer_then_years=1,
        custody_source="SoL (2001:453) 6 kap. 8 § as amended by SFS 2022:665",
        care_plan_revision_years=2,
        care_plan_source="SoL (2001:453) 11 kap. 3 §; SFS 2022:665",
        coordinator_follow_ups_per_school_year=4,
        coordinator_source="Stockholms stad: skolsamordnare följer upp minst fyra gånger per läsår",
        skolfam_retest_years=2,
    ),
    RuleSet(
        version="2025-07-01",
        valid_from=date(2025, 7, 1),
        review_months=6,
        review_source="Socialtjänstlagen (2025:400); LVU 13 §",
        custody_transfer_first_years=2,
        custody_transfer_then_years=1,
        custody_source="Socialtjänstlagen (2025:400)",
        care_plan_revision_years=2,
        care_plan_source="Socialtjänstlagen (2025:400)",
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


def next_custody_transfer_consideration(family_home_start: date, considerations: Sequence[date]) -> date:
    """Vårdnadsöverflyttning is considered when a child has been in the same family home
    for two years, and then at least once a year."""
    rules = ruleset_on(family_home_start)
    first = add_years(family_home_start, rules.custody_transfer_first_years)
    done = [day for day in considerations if day >= add_months(first, -6)]
    if not done:
        return first
    return add_years(max(done), rules.custody_transfer_then_years)


def care_plan_revision_due(placement_start: date, revisions: Sequence[date]) -> date:
    """The care plan is revised when the child has been placed for two years, and again
    every two years (our reading; the law names the first revision)."""
    rules = ruleset_on(placement_start)
    anchor = max([placement_start, *revisions])
    return add_years(anchor, rules.care_plan_revision_years)


def coordinator_periods(day: date) -> list[tuple[date, date]]:
    """The school year containing ``day`` split into as many equal periods as follow-ups
    are required (four: July–September, October–December, January–March, April–June)."""
    start = school_year_start(day)
    count = ruleset_on(day).coordinator_follow_ups_per_school_year
    months = 12 // count
    bounds = [add_months(start, months * n) for n in range(count + 1)]
    return [(bounds[n], date.fromordinal(bounds[n + 1].toordinal() - 1)) for n in range(count)]


def next_coordinator_follow_up(today: date, placed_since: date, follow_ups: Sequence[date]) -> date:
    """The end of the first period of this school year, from the one the child was
    placed in, that has no follow-up yet; one follow-up a period gives at least four a
    school year."""
    for period_start, period_end in coordinator_periods(today):
        if period_end < placed_since:
            continue
        if not any(period_start <= day <= period_end for day in follow_ups):
            return period_end
    # Every period of this school year is done: the first period of the next one.
    return coordinator_periods(add_years(school_year_start(today), 1))[0][1]


def skolfam_retest_due(start: date) -> date:
    return add_years(start, ruleset_on(start).skolfam_retest_years)
