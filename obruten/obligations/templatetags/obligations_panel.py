"""The to-do part of the child's page, which the register owns (the page already read
the child and audited it)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from obruten.accounts import policy
from obruten.obligations import selectors, services
from obruten.register.models import Child

register = template.Library()


@register.inclusion_tag("obligations/child_panel.html", takes_context=True)
def obligations_panel(context: dict[str, Any], child: Child) -> dict[str, Any]:
    """The child's open tasks, whenever due, and those missed or closed without action."""
    request = context["request"]
    return {
        "request": request,
        "today": timezone.localdate(),
        "items": selectors.child_items(child),
        # A reason given for closing a task may say where the child is: only for those who
        # may read the child's log.
        "history": selectors.child_history(
            child, with_reasons=policy.may_see_audit_trail(request.user, child)
        ),
        "may_close": policy.may_close_obligation(request.user, child),
        "not_closable": services.NOT_CLOSABLE,
    }
