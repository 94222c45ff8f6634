"""Periods as the city reports them, and the school year's terms."""

from __future__ import annotations

from datetime import date

import pytest

from obruten.lib.calendar import SchoolTerms, period_bounds, period_label


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        ("", date(2025, 1, 1), date(2025, 12, 31)),  # the annual report
        ("T1", date(2025, 1, 1), date(2025, 4, 30)),  # tertial report 1
        ("T2", date(2025, 5, 1), date(2025, 8, 31)),
        ("T3", date(2025, 9, 1), date(2025, 12, 31)),
        ("T2-ACK", date(2025, 1, 1), date(2025, 8, 31)),  # tertial report 2, year to date
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ],
)
def test_periods_the_city_reports(period: str, first: date, last: date) -> None:
    assert period_bounds(2025 if not period.startswith("2024") else 2024, period) == (first, last)


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="T2-ACK"):
        period_bounds(2025, "T4")


def test_period_labels_are_plain_swedish() -> None:
    assert period_label(2025, "T2-ACK") == "2025, januari–augusti (tertial 2, ackumulerat)"
    assert period_label(2025, "T2") == "2025, tertial 2 (maj–augusti)"
    assert period_label(2025) == "2025"
    assert period_label(2025, "2025-03") == "2025-03"


def test_year_9_runs_from_the_autumn_terms_start_to_the_spring_terms_end() -> None:
    assert SchoolTerms().year9(2025) == (date(2024, 8, 20), date(2025, 6, 12))
    assert SchoolTerms((8, 15), (6, 10)).year9(2025) == (date(2024, 8, 15), date(2025, 6, 10))
