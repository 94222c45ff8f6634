"""The follow-up parts of the child's page and summary, which the register owns (the page already read
the child and audited it): the schooling chain, follow-ups, final grades, interventions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.db.models import Prefetch
from django.utils import timezone

from obruten.accounts import policy
from obruten.followup import selectors
from obruten.followup.models import FollowUp, FollowUpKind, SubjectResult
from obruten.lib.grades import ENGLISH, MATHS, SWEDISH, SWEDISH_SECOND_LANGUAGE
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


SUBJECTS = ((SWEDISH, SWEDISH_SECOND_LANGUAGE), (MATHS,), (ENGLISH,))


@dataclass(frozen=True)
class ResultRow:
    follow_up: FollowUp
    results: list[SubjectResult | None]  # Swedish (or Swedish as a second language), maths, English


def result_rows(follow_ups: list[FollowUp]) -> list[ResultRow]:
    rows = []
    for follow_up in sorted(follow_ups, key=lambda f: (f.date, f.pk)):
        by_subject = {result.subject: result for result in follow_up.results.all()}
        picked = [next((by_subject[s] for s in subjects if s in by_subject), None) for subjects in SUBJECTS]
        rows.append(ResultRow(follow_up, picked))
    return rows


@register.inclusion_tag("followup/child_summary.html")
def followup_summary(child: Child) -> dict[str, Any]:
    """Results over time and the follow-ups, for the printable summary."""
    follow_ups = list(
        FollowUp.objects.filter(child=child)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("results", queryset=SubjectResult.objects.order_by("subject")))
        .order_by("-date", "-pk")
    )
    return {"follow_ups": follow_ups, "results": result_rows(follow_ups)}
