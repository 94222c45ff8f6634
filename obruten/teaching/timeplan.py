"""Full teaching time for a child taught by Lärteamet: the guaranteed teaching time per
school year from the timplan (skolförordningen (2011:185) 9 kap. 3 §, bilaga 1, as
amended by SFS 2018:1512), as hours per week. Plain Python, no Django; the sources and
the arithmetic are in docs/rules.md."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from obruten.lib.calendar import school_year_start

# Guaranteed hours per school year by årskurs (0 is förskoleklass): the stage totals of
# bilaga 1 (lågstadiet 1,860 h, mellanstadiet 2,249 h, högstadiet 2,363 h) spread
# evenly over the stage's three years; förskoleklass at least 525 h (skollagen 9 kap. 7 §).
# Elevens val and the hours the timplan leaves to the principal across stages are left
# out, so the goal is a floor. Overridden by the setting TEACHING_HOURS_PER_YEAR.
HOURS_PER_YEAR: dict[int, Decimal] = {
    0: Decimal(525),
    **dict.fromkeys((1, 2, 3), Decimal(1860) / 3),
    **dict.fromkeys((4, 5, 6), Decimal(2249) / 3),
    **dict.fromkeys((7, 8, 9), Decimal(2363) / 3),
}
# The school year has at least 178 school days (skolförordningen 3 kap. 3 §): 35.6 weeks.
SCHOOL_DAYS_PER_YEAR = 178


def school_year(birth_date: date, day: date) -> int:
    """The årskurs a child born on ``birth_date`` is in on ``day`` by age: förskoleklass
    (0) from the autumn of the year the child turns six."""
    return school_year_start(day).year - birth_date.year - 6


def full_hours_per_week(
    year: int,
    hours_per_year: dict[int, Decimal] = HOURS_PER_YEAR,
    school_days: int = SCHOOL_DAYS_PER_YEAR,
) -> Decimal | None:
    """The week's share of the year's guaranteed hours, to a tenth; None outside the
    years the timplan covers (no goal is shown)."""
    hours = hours_per_year.get(year)
    if hours is None:
        return None
    return (Decimal(hours) * 5 / school_days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# A school day's teaching: at most six hours in förskoleklass and årskurs 1–2, eight in the
# other years (skolförordningen (2011:185) 3 kap. 4 §), five school days a week.
MAX_HOURS_PER_DAY_YOUNG, MAX_HOURS_PER_DAY = 6, 8
SCHOOL_DAYS_PER_WEEK = 5


def max_hours_per_week(year: int) -> int:
    """The most teaching a week can hold for a child in årskurs ``year`` (0 förskoleklass)."""
    per_day = MAX_HOURS_PER_DAY_YOUNG if year <= 2 else MAX_HOURS_PER_DAY
    return per_day * SCHOOL_DAYS_PER_WEEK
