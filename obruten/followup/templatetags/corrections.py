"""The corrections of a follow-up, read from the audit log (the log already holds who,
when, and each field's old and new value; a second copy on the record could disagree)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.translation import gettext as _

from obruten.audit.models import AuditEvent
from obruten.followup import services
from obruten.followup.models import FollowUp
from obruten.lib import grades as grade_rules

register = template.Library()


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


def _label(name: str) -> str:
    if name.startswith("result_"):
        subject = name.removeprefix("result_")
        return str(grade_rules.SUBJECTS.get(subject, subject)).capitalize()
    return str(getattr(FollowUp._meta.get_field(name), "verbose_name", name)).capitalize()


def corrections(follow_up: FollowUp) -> list[tuple[AuditEvent, list[Change]]]:
    events = AuditEvent.objects.filter(
        object_type="followup", object_id=follow_up.pk, action=AuditEvent.Action.UPDATE
    ).select_related("actor")
    return [
        (event, [_change(name, old, new) for name, (old, new) in event.changes.items()])
        for event in events.order_by("sequence")
    ]


def _change(name: str, old: Any, new: Any) -> Change:
    if name == "school":  # which school would locate a protected child: said changed, not shown
        return Change(_label(name), "", _("ändrad"))
    return Change(_label(name), old, new)


@register.inclusion_tag("followup/corrections.html", takes_context=True)
def follow_up_corrections(context: dict[str, Any], follow_up: FollowUp) -> dict[str, Any]:
    return {
        "follow_up": follow_up,
        "corrections": corrections(follow_up),
        "may_correct": services.may_correct_follow_up(context["request"].user, follow_up),
    }
