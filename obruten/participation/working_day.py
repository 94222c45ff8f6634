"""When an alert must be acknowledged: by 17:00 local time on the day it came, if that is
a working day and it came before 17:00; otherwise by 17:00 on the next working day.
Working days are Monday to Friday, except Swedish public holidays and the days the
offices close in practice (midsommarafton, julafton, nyårsafton)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.utils import timezone

END_OF_DAY = time(17)


@cache
def _days_off(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("SE", years=year, categories=(holidays.PUBLIC, holidays.DE_FACTO))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _days_off(day.year)


def respond_by(arrived: datetime) -> datetime:
    """The end of the working day on which an alert that arrived at ``arrived`` is due."""
    local = timezone.localtime(arrived)
    day = local.date()
    if not is_working_day(day) or local.time() >= END_OF_DAY:
        day += timedelta(days=1)
        while not is_working_day(day):
            day += timedelta(days=1)
    return datetime.combine(day, END_OF_DAY, tzinfo=timezone.get_current_timezone())
