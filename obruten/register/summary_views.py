"""A printable summary of one child for a meeting: placements and school, and (the apps'
own parts, as inclusion tags) results over time, follow-ups and the child's voice, with
whereabouts hidden exactly as on the child's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from obruten.accounts import policy
from obruten.accounts.decorators import records_required

from .models import Placement, SchoolStart


def _with_school_start(placement: Placement) -> tuple[Placement, SchoolStart | None, int | None]:
    start = getattr(placement, "school_start", None)
    return placement, start, start.days_to_school_start if start else None


@records_required
def child_summary(request: HttpRequest, child_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="register:child_summary")
    placements = child.placements.select_related(
        "form", "district", "location_municipality", "school_start__school__municipality"
    ).order_by("-start_date")
    return render(
        request,
        "register/child_summary.html",
        {
            "child": child,
            "today": timezone.localdate(),
            "show_whereabouts": policy.may_see_whereabouts(request.user, child),
            "placements": [_with_school_start(placement) for placement in placements],
        },
    )
