"""What the law leaves to the municipality and the administrator sets in the admin: the
school-start goal in days and the social emergency number. An empty stored value means
the environment's default (``settings.SCHOOL_START_GOAL_DAYS``,
``settings.SOCIAL_EMERGENCY_NUMBER``).

``current()`` reads the stored row once per request (or until a change, outside
requests); ``forget()`` drops that copy."""

from __future__ import annotations

from dataclasses import dataclass

from asgiref.local import Local
from django.conf import settings

_memo = Local()


@dataclass(frozen=True)
class Municipal:
    school_start_goal_days: int
    social_emergency_number: str


def current() -> Municipal:
    stored = getattr(_memo, "stored", None)
    if stored is None:
        from .models import MunicipalSettings

        stored = _memo.stored = MunicipalSettings.objects.filter(pk=1).first() or MunicipalSettings()
    return Municipal(
        school_start_goal_days=stored.school_start_goal_days or settings.SCHOOL_START_GOAL_DAYS,
        social_emergency_number=stored.social_emergency_number or settings.SOCIAL_EMERGENCY_NUMBER,
    )


def forget(*_args: object, **_kwargs: object) -> None:
    _memo.stored = None
