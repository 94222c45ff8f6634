"""Read-side queries of follow-ups, for children the access policy already allowed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from obruten.lib import grades as grade_rules
from obruten.register.models import Child

from . import due
from .models import FinalGrades, FollowUp, Intervention, SubjectResult


@dataclass
class ChildOverview:
    due_items: list[due.DueItem]
    chain: list[due.ChainItem]
    follow_ups: list[FollowUp]
    final_grades: FinalGrades | None
    year9: grade_rules.Year9Result | None
    interventions: list[Intervention]


def child_overview(child: Child, today: date) -> ChildOverview:
    steps = due.active_steps()
    loaded = due.children_with_dates(Child.objects.filter(pk=child.pk), today).first()
    items = due.items_for(loaded, steps, today) if loaded else []
    chain = [
        item
        for placement in (loaded.placements.all() if loaded else [])
        for item in due.chain_items(placement, steps, today)
    ]
    follow_ups = list(
        FollowUp.objects.filter(child=child)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("results", queryset=SubjectResult.objects.order_by("pk")))[:20]
    )
    final = FinalGrades.objects.filter(child=child).first()
    return ChildOverview(
        due_items=items,
        chain=chain,
        follow_ups=follow_ups,
        final_grades=final,
        year9=grade_rules.year9_result(final.grades) if final else None,
        interventions=list(child.interventions.select_related("kind")),
    )


@dataclass
class CaseWorkerLoad:
    case_worker: Any
    due: int
    overdue: int


def district_overview(
    children: QuerySet[Child], today: date
) -> tuple[list[due.DueItem], list[CaseWorkerLoad]]:
    """The district's due items and, per case worker, how many are due and overdue."""
    from obruten.accounts.models import User

    items = due.due_items(children, today)
    due_counts = Counter(item.case_worker_id for item in items if not item.is_overdue(today))
    overdue_counts = Counter(item.case_worker_id for item in items if item.is_overdue(today))
    workers = {user.pk: user for user in User.objects.filter(pk__in=set(due_counts) | set(overdue_counts))}
    loads = [
        CaseWorkerLoad(workers.get(pk) if pk else None, due_counts[pk], overdue_counts[pk])
        for pk in sorted(set(due_counts) | set(overdue_counts), key=lambda pk: -overdue_counts[pk])
    ]
    return items, loads


def coordinator_overview(children: QuerySet[Child], today: date) -> list[due.DueItem]:
    """Each child's next step: overdue first, then by date."""
    kinds = {due.Kind.CHAIN, due.Kind.COORDINATOR, due.Kind.SCHOOL_START}
    first: dict[int, due.DueItem] = {}
    for item in due.due_items(children, today, horizon_days=365):
        if item.kind in kinds and item.child_id not in first:
            first[item.child_id] = item
    return sorted(first.values(), key=lambda item: (item.due, item.child_name))
