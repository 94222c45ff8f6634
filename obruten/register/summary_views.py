"""A printable summary of one child for a meeting: placements and school, results over
time, follow-ups and the child's voice, with whereabouts hidden exactly as on the child's
page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from obruten.accounts import policy
from obruten.accounts.decorators import records_required
from obruten.followup.models import FollowUp, SubjectResult
from obruten.lib.grades import ENGLISH, MATHS, SWEDISH, SWEDISH_SECOND_LANGUAGE
from obruten.participation.selectors import answers_with_change

from .models import Placement, SchoolStart

SUBJECTS = ((SWEDISH, SWEDISH_SECOND_LANGUAGE), (MATHS,), (ENGLISH,))


@dataclass(frozen=True)
class ResultRow:
    follow_up: FollowUp
    results: list[SubjectResult | None]  # Swedish (or Swedish as a second language), maths, English


def _result_rows(follow_ups: list[FollowUp]) -> list[ResultRow]:
    rows = []
    for follow_up in sorted(follow_ups, key=lambda f: (f.date, f.pk)):
        by_subject = {result.subject: result for result in follow_up.results.all()}
        picked = [next((by_subject[s] for s in subjects if s in by_subject), None) for subjects in SUBJECTS]
        rows.append(ResultRow(follow_up, picked))
    return rows


def _with_school_start(placement: Placement) -> tuple[Placement, SchoolStart | None, int | None]:
    start = getattr(placement, "school_start", None)
    return placement, start, start.days_to_school_start if start else None


@records_required
def child_summary(request: HttpRequest, child_id: int) -> HttpResponse:
    child = policy.child_for_user(request.user, child_id, via="register:child_summary")
    placements = child.placements.select_related(
        "form", "district", "location_municipality", "school_start__school__municipality"
    ).order_by("-start_date")
    follow_ups = list(
        FollowUp.objects.filter(child=child)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("results", queryset=SubjectResult.objects.order_by("subject")))
        .order_by("-date", "-pk")
    )
    latest_answers = (
        child.invitations.select_related("template")
        .filter(submitted_at__isnull=False)
        .order_by("-submitted_at")
        .first()
    )
    return render(
        request,
        "register/child_summary.html",
        {
            "child": child,
            "today": timezone.localdate(),
            "show_whereabouts": policy.may_see_whereabouts(request.user, child),
            "placements": [_with_school_start(placement) for placement in placements],
            "follow_ups": follow_ups,
            "results": _result_rows(follow_ups),
            "invitations": child.invitations.select_related("template")[:10],
            "latest_answers": latest_answers,
            "answer_rows": answers_with_change(latest_answers) if latest_answers else [],
        },
    )
