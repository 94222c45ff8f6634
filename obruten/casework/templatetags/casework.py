"""The casework parts of pages other apps own: the child's page and the enhetschef's start page."""

from __future__ import annotations

from typing import Any

from django import template

from obruten.accounts import policy
from obruten.accounts.models import Role
from obruten.audit import log as audit
from obruten.casework import services
from obruten.casework.models import Transfer
from obruten.register.models import Child

register = template.Library()


@register.inclusion_tag("casework/child_panel.html", takes_context=True)
def casework_panel(context: dict[str, Any], child: Child) -> dict[str, Any]:
    """Who is and was responsible, and the child's moves between districts."""
    user = context["request"].user
    transfers = list(child.transfers.select_related("from_district", "to_district"))
    return {
        "child": child,
        "periods": child.responsibility_periods.select_related("case_worker"),
        "transfers": transfers,
        "pending": next((t for t in transfers if t.status == Transfer.Status.PENDING), None),
        "may_assign": policy.manages(user, child.district),
        "may_transfer": user.role in services.SENDERS,
    }


MAX_UNASSIGNED = 200


@register.inclusion_tag("casework/unassigned.html", takes_context=True)
def unassigned_children(context: dict[str, Any]) -> dict[str, Any]:
    """The enhetschef's children without a responsible case worker (audited as listed)."""
    user = context["request"].user
    if user.role != Role.UNIT_MANAGER:
        return {"children": []}
    children = list(
        policy.children_for(user).filter(case_worker__isnull=True).select_related("district")[:MAX_UNASSIGNED]
    )
    audit.record_list(actor=user, via="casework:unassigned", child_ids=[child.pk for child in children])
    return {"children": children, "incoming": len(services.incoming_transfers(user))}
