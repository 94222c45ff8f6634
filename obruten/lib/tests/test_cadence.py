"""Due dates of follow-ups, as worked examples."""

from datetime import date

import pytest

from obruten.lib.cadence import (
    DONE,
    MISSED,
    OPEN,
    BasisPeriod,
    Occurrence,
    care_plan_revision_due,
    coordinator_occurrences,
    coordinator_periods,
    next_custody_transfer_consideration,
    review_occurrences,
    ruleset_on,
    skolfam_retest_due,
)
from obruten.lib.calendar import SchoolTerms, add_months, school_year_label, tertial

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


TODAY = date(2026, 12, 7)


def always(_period: BasisPeriod, _day: date) -> bool:
    return True


def next_review(periods: list[BasisPeriod], reviews: list[date], today: date = TODAY) -> date | None:
    open_ = [o for o in review_occurrences(periods, reviews, today, duty_on=always) if o.state == OPEN]
    return open_[0].due if open_ else None


def test_first_overvagande_is_six_months_after_the_placement() -> None:
    assert next_review([BasisPeriod("SoL", date(2025, 8, 31))], [], date(2025, 9, 1)) == date(2026, 2, 28)


def test_the_next_overvagande_counts_from_the_latest_one() -> None:
    periods = [BasisPeriod("LVU2", date(2025, 1, 10))]
    assert next_review(periods, [date(2025, 6, 30)], date(2025, 7, 1)) == date(2025, 12, 30)
    assert next_review(periods, [date(2025, 6, 30), date(2025, 12, 1)], date(2025, 12, 2)) == date(2026, 6, 1)


def test_a_change_of_legal_basis_restarts_the_count_from_the_new_decision() -> None:
    # SoL from January, reviewed in June; LVU 3 § decided 1 September: omprövning by 1 March.
    periods = [
        BasisPeriod("SoL", date(2025, 1, 10), date(2025, 8, 31)),
        BasisPeriod("LVU3", date(2025, 9, 1)),
    ]
    history = review_occurrences(periods, [date(2025, 6, 20)], date(2025, 9, 2), duty_on=always)
    assert history == [
        Occurrence("2025-01-10/1", date(2025, 7, 10), DONE, date(2025, 6, 20)),
        Occurrence("2025-09-01/1", date(2026, 3, 1), OPEN),
    ]


def test_a_review_done_late_closes_its_occurrence_late() -> None:
    # Issue 20: jourhem from 10 January 2025, then a family home, one stretch of care;
    # the övervägande of 15 August 2025 was 36 days late by law (due 10 July, SoL 6 kap. 8 §).
    history = review_occurrences(
        [BasisPeriod("SoL", date(2025, 1, 10))], [date(2025, 8, 15)], date(2025, 9, 1), duty_on=always
    )
    assert history[0] == Occurrence("2025-01-10/1", date(2025, 7, 10), DONE, date(2025, 8, 15))
    assert (history[0].done_on - history[0].due).days == 36  # type: ignore[operator]
    assert history[1] == Occurrence("2025-01-10/2", date(2026, 2, 15), OPEN)


def test_a_review_not_done_before_the_care_ended_was_missed() -> None:
    periods = [BasisPeriod("SoL", date(2025, 1, 10), date(2025, 9, 30))]
    assert review_occurrences(periods, [], date(2025, 12, 1), duty_on=always) == [
        Occurrence("2025-01-10/1", date(2025, 7, 10), MISSED)
    ]
    # Care that ends before the first falls due leaves nothing to review.
    assert (
        review_occurrences(
            [BasisPeriod("SoL", date(2025, 1, 10), date(2025, 6, 1))], [], TODAY, duty_on=always
        )
        == []
    )


def test_no_review_falls_due_once_the_duty_has_ended() -> None:
    # The duty ends on 1 May 2025 (an 18th birthday under SoL): nothing due after it.
    def duty_on(_period: BasisPeriod, day: date) -> bool:
        return day < date(2025, 5, 1)

    assert review_occurrences([BasisPeriod("SoL", date(2025, 1, 10))], [], TODAY, duty_on=duty_on) == []


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


TERMS = SchoolTerms()  # autumn 20 Aug–20 Dec, spring 8 Jan–12 Jun


def test_the_four_follow_ups_are_spread_over_the_terms() -> None:
    periods = coordinator_periods(2026, TERMS)
    assert [(p.key, p.start, p.end, p.due) for p in periods] == [
        ("2026/27:1", date(2026, 7, 1), date(2026, 10, 20), date(2026, 10, 20)),
        ("2026/27:2", date(2026, 10, 21), date(2026, 12, 31), date(2026, 12, 20)),
        ("2026/27:3", date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 26)),
        ("2026/27:4", date(2027, 3, 27), date(2027, 6, 30), date(2027, 6, 12)),
    ]
    assert school_year_label(date(2026, 6, 30)) == "2025/26"
    assert school_year_label(date(2026, 7, 1)) == "2026/27"


def test_placed_on_29_september_the_first_follow_up_is_due_in_december() -> None:
    # Issue 20: calendar quarters made it due on 30 September, the next day. Placed for less
    # than half of the period's teaching days (20 Aug–20 Oct), the first is the next period's.
    occurrences = coordinator_occurrences([(date(2026, 9, 29), None)], [], date(2026, 9, 30), TERMS)
    assert occurrences == [Occurrence("2026/27:2", date(2026, 12, 20), OPEN)]


def test_a_period_that_ended_without_a_follow_up_is_missed_and_the_next_is_to_do() -> None:
    today = date(2026, 11, 22)
    placed = [(date(2026, 8, 1), None)]
    assert coordinator_occurrences(placed, [], today, TERMS) == [
        Occurrence("2026/27:1", date(2026, 10, 20), MISSED),
        Occurrence("2026/27:2", date(2026, 12, 20), OPEN),
    ]
    # The coordinator records one today: it closes period 2, and period 3 is next.
    assert coordinator_occurrences(placed, [today], today, TERMS)[1:] == [
        Occurrence("2026/27:2", date(2026, 12, 20), DONE, today),
        Occurrence("2026/27:3", date(2027, 3, 26), OPEN),
    ]
    # One on a break day still belongs to a period: 28 December is period 2's.
    assert coordinator_occurrences(placed, [date(2026, 12, 28)], date(2027, 1, 2), TERMS)[1] == Occurrence(
        "2026/27:2", date(2026, 12, 20), DONE, date(2026, 12, 28)
    )


def test_a_placement_that_ended_stops_the_follow_ups() -> None:
    occurrences = coordinator_occurrences(
        [(date(2026, 8, 1), date(2026, 9, 15))], [], date(2026, 12, 1), TERMS
    )
    assert occurrences == []  # placed for less than half of period 1's teaching days


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
