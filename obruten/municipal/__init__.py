"""What the law leaves to the municipality and the administrator sets in the admin: the
school-start goal in days, the suppression threshold and the school coordinators' target
group, each from a day on (``school_start_goal_on``, ``disclosure_threshold_on``,
``coordinators_follow_upper_secondary``), and the social emergency number.
Before the first dated value, and for an empty stored number, the environment's
(``settings.SCHOOL_START_GOAL_DAYS``, ``settings.DISCLOSURE_THRESHOLD``,
``settings.SOCIAL_EMERGENCY_NUMBER``).

``current()`` and ``school_start_goals()`` read the stored rows once per request (or
until a change, outside requests); ``forget()`` drops that copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from asgiref.local import Local
from django.conf import settings
from django.utils import timezone

from obruten.lib.calendar import Dated, SchoolTerms
from obruten.lib.school_start import Goals

_memo = Local()


@dataclass(frozen=True)
class Municipal:
    school_start_goal_days: int  # the goal for a placement that begins today
    social_emergency_number: str


def current() -> Municipal:
    stored = getattr(_memo, "stored", None)
    if stored is None:
        from .models import MunicipalSettings

        stored = _memo.stored = MunicipalSettings.objects.filter(pk=1).first() or MunicipalSettings()
    return Municipal(
        school_start_goal_days=school_start_goal_on(timezone.localdate()),
        social_emergency_number=stored.social_emergency_number or settings.SOCIAL_EMERGENCY_NUMBER,
    )


def school_start_goals() -> Goals:
    """Every school-start goal the administrator set, each from its day, and the
    environment's before the first."""
    goals = getattr(_memo, "goals", None)
    if goals is None:
        from .models import SchoolStartGoal

        changes = SchoolStartGoal.objects.order_by("valid_from").values_list("valid_from", "days")
        goals = _memo.goals = Goals(settings.SCHOOL_START_GOAL_DAYS, tuple(changes))
    return goals


def coordinators_follow_upper_secondary() -> Dated[bool]:
    """Whether the school coordinators follow young people after year 9, over time: each
    change the administrator set, and the environment's before the first
    (``settings.COORDINATOR_FOLLOWS_UPPER_SECONDARY``)."""
    dated = getattr(_memo, "coordinators", None)
    if dated is None:
        from .models import CoordinatorTargetGroup

        changes = CoordinatorTargetGroup.objects.order_by("valid_from").values_list(
            "valid_from", "follows_upper_secondary"
        )
        dated = _memo.coordinators = Dated(settings.COORDINATOR_FOLLOWS_UPPER_SECONDARY, tuple(changes))
    return dated


def school_start_goal_on(day: date) -> int:
    """The goal a placement that began on ``day`` is held to."""
    return school_start_goals().on(day)


def disclosure_threshold_on(day: date) -> int:
    """The threshold in force for a period that ends on ``day``: the latest the
    administrator set from that day or before, else the environment's
    (``settings.DISCLOSURE_THRESHOLD``)."""
    from .models import DisclosureThreshold

    set_then = (
        DisclosureThreshold.objects.filter(valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("threshold", flat=True)
        .first()
    )
    return set_then or settings.DISCLOSURE_THRESHOLD


def _month_day(text: str) -> tuple[int, int]:
    return int(text[:2]), int(text[3:5])


def school_terms() -> SchoolTerms:
    """The term dates of the environment (``SCHOOL_*_TERM_*``, MM-DD)."""
    return SchoolTerms(
        autumn_start=_month_day(settings.SCHOOL_AUTUMN_TERM_START),
        spring_end=_month_day(settings.SCHOOL_SPRING_TERM_END),
        autumn_end=_month_day(settings.SCHOOL_AUTUMN_TERM_END),
        spring_start=_month_day(settings.SCHOOL_SPRING_TERM_START),
    )


def forget(*_args: object, **_kwargs: object) -> None:
    _memo.stored = None
    _memo.goals = None
    _memo.coordinators = None
