"""Dates the rules count with: months that end early, the school year, tertials.
Plain Python, no Django."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date
from typing import Generic, TypeVar

T = TypeVar("T")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it has no such day
    (31 August + 6 months = 28 February, or 29 in a leap year)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if not MINYEAR <= year <= MAXYEAR:  # a date typed as 9999-12-31: due "never", not a crash
        return date.max if year > MAXYEAR else date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def school_year_start(day: date) -> date:
    """The school year runs 1 July – 30 June."""
    return date(day.year if day.month >= 7 else day.year - 1, 7, 1)


def school_year_label(day: date) -> str:
    start = school_year_start(day)
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def tertial(day: date) -> int:
    """T1 January–April, T2 May–August, T3 September–December."""
    return (day.month - 1) // 4 + 1


TERTIALS = {"T1": (1, 4), "T2": (5, 8), "T3": (9, 12)}
# Year to date, as the city's tertial reports count: tertial report 2 covers January–August
# (T1 is January–April either way; the annual report is the whole year, the empty period).
YEAR_TO_DATE = {"T2-ACK": (1, 8)}
MONTHS_OF = {**TERTIALS, **YEAR_TO_DATE}
PERIOD_LABELS = {
    "": "helår",
    "T1": "tertial 1 (januari–april)",
    "T2": "tertial 2 (maj–augusti)",
    "T3": "tertial 3 (september–december)",
    "T2-ACK": "januari–augusti (tertial 2, ackumulerat)",
}


def period_bounds(year: int, period: str | None = None) -> tuple[date, date]:
    """The first and last day of a year, a tertial (``T1``–``T3``), January–August year to
    date (``T2-ACK``) or a month (``YYYY-MM``)."""
    if not period:
        return date(year, 1, 1), date(year, 12, 31)
    if period in MONTHS_OF:
        first, last = MONTHS_OF[period]
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    try:
        period_year, month = (int(part) for part in period.split("-"))
        start = date(period_year, month, 1)
    except ValueError as exc:
        raise ValueError(f"{period!r} is not T1, T2, T3, T2-ACK or YYYY-MM") from exc
    return start, date(period_year, month, calendar.monthrange(period_year, month)[1])


def period_label(year: int, period: str = "") -> str:
    """A period in plain Swedish: "2025, januari–augusti (tertial 2, ackumulerat)", "2025-03"."""
    if period in PERIOD_LABELS:
        return f"{year}, {PERIOD_LABELS[period]}" if period else str(year)
    return period


@dataclass(frozen=True)
class SchoolTerms:
    """The school year's teaching terms (month, day): the autumn term from August to
    December, the spring term from January to June (skolförordningen 3 kap. 3 §)."""

    autumn_start: tuple[int, int] = (8, 20)
    spring_end: tuple[int, int] = (6, 12)
    autumn_end: tuple[int, int] = (12, 20)
    spring_start: tuple[int, int] = (1, 8)

    def terms(self, school_year_start: int) -> tuple[tuple[date, date], tuple[date, date]]:
        """The autumn and the spring term of the school year that starts in July of
        ``school_year_start``."""
        return (
            (date(school_year_start, *self.autumn_start), date(school_year_start, *self.autumn_end)),
            (date(school_year_start + 1, *self.spring_start), date(school_year_start + 1, *self.spring_end)),
        )

    def year9(self, graduation_year: int) -> tuple[date, date]:
        """From the autumn term's first day to the spring term's last day of the school
        year that ends in ``graduation_year``."""
        return date(graduation_year - 1, *self.autumn_start), date(graduation_year, *self.spring_end)


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A setting as the municipality has set it over time (issue 23): each change from a
    day on (ascending), and ``default`` before the first."""

    default: T
    changes: tuple[tuple[date, T], ...] = ()

    def on(self, day: date) -> T:
        value = self.default
        for valid_from, changed in self.changes:
            if valid_from > day:
                break
            value = changed
        return value

    def stretches(self) -> list[tuple[date | None, date | None, T]]:
        """(first day or None, the day after the last or None, value) for each stretch."""
        bounds: list[date | None] = [None, *(day for day, _ in self.changes), None]
        values = [self.default, *(value for _, value in self.changes)]
        return [(bounds[i], bounds[i + 1], value) for i, value in enumerate(values)]
