"""Due dates of follow-ups, as worked examples."""

from datetime import date

import pytest

from obruten.lib.cadence import (
    BasisPeriod,
    care_plan_revision_due,
    coordinator_periods,
    next_coordinator_follow_up,
    next_custody_transfer_consideration,
    next_review,
    ruleset_on,
    skolfam_retest_due,
)
from obruten.lib.calendar import add_months, school_year_label, tertial

# (start, months, expected)
MONTH_EXAMPLES = [
    (date(2025, 8, 31), 6, date(2026, 2, 28)),  # 31 Aug + 6 months: end of February
    (date(2023, 8, 31), 6, date(2024, 2, 29)),  # ... in a leap year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day + a year
    (date(2025, 1, 15), 6, date(2025, 7, 15)),
    (date(2025, 10, 31), 6, date(2026, 4, 30)),
    (date(2025, 12, 31), 2, date(2026, 2, 28)),
]


@pytest.mark.parametrize(("start", "months", "expected"), MONTH_EXAMPLES)
def test_adding_months_keeps_the_day_or_takes_the_months_last(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_first_overvagande_is_six_months_after_the_placement() -> None:
    assert next_review([BasisPeriod("SoL", date(2025, 8, 31))], []) == date(2026, 2, 28)


def test_the_next_overvagande_counts_from_the_latest_one() -> None:
    periods = [BasisPeriod("LVU2", date(2025, 1, 10))]
    assert next_review(periods, [date(2025, 6, 30)]) == date(2025, 12, 30)
    assert next_review(periods, [date(2025, 6, 30), date(2025, 12, 1)]) == date(2026, 6, 1)


def test_a_change_of_legal_basis_restarts_the_count_from_the_new_decision() -> None:
    # SoL from January, reviewed in June; LVU 3 § decided 1 September: omprövning by 1 March.
    periods = [BasisPeriod("SoL", date(2025, 1, 10)), BasisPeriod("LVU3", date(2025, 9, 1))]
    assert next_review(periods, [date(2025, 6, 20)]) == date(2026, 3, 1)


def test_no_placement_no_review() -> None:
    assert next_review([], []) is None


def test_custody_transfer_after_two_years_then_yearly() -> None:
    start = date(2024, 3, 15)
    assert next_custody_transfer_consideration(start, []) == date(2026, 3, 15)
    assert next_custody_transfer_consideration(start, [date(2026, 3, 1)]) == date(2027, 3, 1)
    # A consideration long before the two years does not count.
    assert next_custody_transfer_consideration(start, [date(2024, 9, 1)]) == date(2026, 3, 15)


def test_care_plan_revised_after_two_years() -> None:
    assert care_plan_revision_due(date(2024, 2, 29), []) == date(2026, 2, 28)
    # The law names only the first revision (SoL 11 kap. 3 §); any further is local routine.
    assert care_plan_revision_due(date(2024, 2, 29), [date(2026, 2, 1)]) is None


def test_the_school_year_runs_july_to_june_in_four_periods() -> None:
    assert coordinator_periods(date(2026, 11, 22)) == [
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 6, 30)),
    ]
    assert school_year_label(date(2026, 6, 30)) == "2025/26"
    assert school_year_label(date(2026, 7, 1)) == "2026/27"


def test_coordinator_follow_up_due_at_the_end_of_the_first_period_without_one() -> None:
    today = date(2026, 11, 22)
    # Placed in August, nothing done: July–September was missed (the follow-up report counts
    # it); what is to do is October–December's, by 31 December.
    assert next_coordinator_follow_up(today, date(2026, 8, 1), []) == date(2026, 12, 31)
    # The coordinator records one today: the list shows the next period's, January–March.
    assert next_coordinator_follow_up(today, date(2026, 8, 1), [today]) == date(2027, 3, 31)
    # One in September: next due by 31 December.
    assert next_coordinator_follow_up(today, date(2026, 8, 1), [date(2026, 9, 10)]) == date(2026, 12, 31)
    # Placed in November: nothing was due before.
    assert next_coordinator_follow_up(today, date(2026, 11, 1), []) == date(2026, 12, 31)


def test_tertials() -> None:
    assert [tertial(date(2026, m, 1)) for m in (1, 4, 5, 8, 9, 12)] == [1, 1, 2, 2, 3, 3]


def test_skolfam_retest_after_two_years() -> None:
    assert skolfam_retest_due(date(2024, 8, 20)) == date(2026, 8, 20)


def test_rule_sets_cite_the_law_in_force() -> None:
    assert "2001:453" in ruleset_on(date(2025, 6, 30)).review_source
    assert "2025:400" in ruleset_on(date(2025, 7, 1)).review_source


def test_periods_of_a_report() -> None:
    from obruten.lib.calendar import period_bounds

    assert period_bounds(2024) == (date(2024, 1, 1), date(2024, 12, 31))
    assert period_bounds(2024, "T1") == (date(2024, 1, 1), date(2024, 4, 30))
    assert period_bounds(2024, "T2") == (date(2024, 5, 1), date(2024, 8, 31))
    assert period_bounds(2024, "T3") == (date(2024, 9, 1), date(2024, 12, 31))
    assert period_bounds(2024, "2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    with pytest.raises(ValueError, match="not T1"):
        period_bounds(2024, "vår")
