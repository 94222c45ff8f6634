"""The follow-up part of the child's page, which the register owns (the page already read
the child and audited it): the schooling chain, follow-ups, final grades, interventions."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from obruten.accounts import policy
from obruten.followup import selectors
from obruten.followup.models import FollowUpKind
from obruten.register.models import Child

register = template.Library()


@register.inclusion_tag("followup/child_panel.html", takes_context=True)
def followup_panel(context: dict[str, Any], child: Child) -> dict[str, Any]:
    user = context["request"].user
    today = timezone.localdate()
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "child": child,
        "today": today,
        "overview": selectors.child_overview(child, today),
        "may_record_follow_up": policy.may_record_follow_up(user, FollowUpKind.COORDINATOR),
        "may_record_school_results": policy.may_record_school_results(user),
        "may_edit_intervention": policy.may_edit_intervention(user, None),
    }
