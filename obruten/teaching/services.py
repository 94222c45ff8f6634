"""Teaching in protected housing: who may choose Lärteamet's teaching as a school start,
and Lärteamet's weekly hours. Each change validates, writes and audits in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from obruten.accounts import policy
from obruten.accounts.models import Role
from obruten.audit import log as audit
from obruten.register.models import Child, Placement, School

from . import timeplan
from .models import TeachingWeek


def teaches(user: Any) -> bool:
    return user is None or user.role == Role.LARTEAMET


def is_responsible(user: Any, child: Child) -> bool:
    return user is not None and child.case_worker_id is not None and child.case_worker_id == user.pk


def may_see_teaching(user: Any, child: Child) -> bool:
    """Lärteamet, and the child's responsible case worker (read only)."""
    return teaches(user) or is_responsible(user, child)


def on_school_start_checking(
    *, actor: Any, placement: Placement, school: School | None, taught_by_larteamet: bool, **_: Any
) -> None:
    check_school_start_choice(actor, placement, school, taught_by_larteamet)


def check_school_start_choice(
    actor: Any, placement: Placement, school: School | None, taught_by_larteamet: bool
) -> None:
    """A school start names a school unit or teaching by Lärteamet, never both. Lärteamet
    teaches only in protected housing, and only Lärteamet or the responsible case worker
    may say so (the form's choices are a convenience, this is the control)."""
    if taught_by_larteamet and school is not None:
        raise ValidationError({"school": _("Välj antingen en skola eller undervisning av Lärteamet.")})
    if not taught_by_larteamet:
        if school is None:
            raise ValidationError({"school": _("Välj skolan, eller undervisning av Lärteamet.")})
        return
    if not placement.is_protected_housing:
        raise ValidationError(
            {"taught_by_larteamet": _("Undervisning av Lärteamet gäller bara placering i skyddat boende.")}
        )
    if not (teaches(actor) or is_responsible(actor, placement.child)):
        raise ValidationError(
            {
                "taught_by_larteamet": _(
                    "Bara Lärteamet eller barnets ansvariga socialsekreterare kan välja "
                    "undervisning av Lärteamet."
                )
            }
        )


def full_hours(child: Child, week: dt.date) -> Decimal | None:
    """The child's full teaching time per week, from the setting or the timplan."""
    return timeplan.full_hours_per_week(
        timeplan.school_year(child.birth_date, week),
        settings.TEACHING_HOURS_PER_YEAR,
        settings.TEACHING_SCHOOL_DAYS_PER_YEAR,
    )


def in_protected_housing(child: Child, week: dt.date) -> bool:
    sunday = week + dt.timedelta(days=6)
    return (
        child.placements.filter(Q(form__is_protected_housing=True) | Q(accompanying=True))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=week), start_date__lte=sunday)
        .exists()
    )


@transaction.atomic
def record_teaching_week(
    *, actor: Any, child: Child, week: dt.date, hours: Decimal, via: str
) -> TeachingWeek:
    """Record (or correct) the hours Lärteamet taught the child in the week starting on
    the Monday ``week``."""
    policy.require_child(actor, child, teaches(actor))
    errors = {}
    if week.weekday() != 0:
        errors["week"] = _("Ange veckan med dess måndag.")
    elif week > timezone.localdate():
        errors["week"] = _("Veckan kan inte ligga i framtiden.")
    elif not in_protected_housing(child, week):
        errors["week"] = _("Barnet var inte placerat i skyddat boende den veckan.")
    most = timeplan.max_hours_per_week(timeplan.school_year(child.birth_date, week))
    if not Decimal(0) <= hours <= most:
        errors["hours"] = _(
            "Ange timmar mellan 0 och %(most)s: en skolvecka rymmer högst %(most)s timmar undervisning "
            "för barnets årskurs (skolförordningen 3 kap. 4 §)."
        ) % {"most": most}
    if errors:
        raise ValidationError(errors)
    existing = TeachingWeek.objects.filter(child=child, week=week).first()
    before = {"hours": existing.hours} if existing else {}
    record, created = TeachingWeek.objects.update_or_create(
        child=child,
        week=week,
        defaults={"hours": hours, "full_hours": full_hours(child, week), "recorded_by": actor},
    )
    changes = audit.changes_between(before, {"hours": hours})
    if changes:
        audit.record(
            actor=actor,
            action=audit.Action.CREATE if created else audit.Action.UPDATE,
            via=via,
            child=child,
            obj=record,
            changes={"week": [str(week), str(week)], **changes},
        )
    return record
