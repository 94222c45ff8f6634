from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from obruten.participation.models import Alert
from obruten.participation.selectors import answers_with_change
from obruten.register.models import Child

register = template.Library()


@register.inclusion_tag("participation/child_panel.html", takes_context=True)
def participation_panel(context: dict[str, Any], child: Child) -> dict[str, Any]:
    """The child's questionnaires, on the child's page (which already read the child)."""
    return {
        "request": context["request"],
        "child": child,
        "may_change": context.get("may_change"),
        "invitations": child.invitations.select_related("template")[:10],
    }


@register.inclusion_tag("participation/child_summary.html")
def participation_summary(child: Child) -> dict[str, Any]:
    """The child's latest answers, for the printable summary."""
    latest = (
        child.invitations.select_related("template")
        .filter(submitted_at__isnull=False)
        .order_by("-submitted_at")
        .first()
    )
    return {
        "latest_answers": latest,
        "answer_rows": answers_with_change(latest) if latest else [],
        "invitations": child.invitations.select_related("template")[:10],
    }


@register.simple_tag
def open_alerts_of(child: Child) -> list[Alert]:
    """The child's alerts no one has acknowledged yet (the page already reads the child)."""
    return list(Alert.objects.filter(child=child, acknowledged_at__isnull=True).order_by("created_at"))


@register.filter
def overdue(alerts: Iterable[Alert]) -> list[Alert]:
    now = timezone.now()
    return [alert for alert in alerts if alert.is_overdue(now)]
