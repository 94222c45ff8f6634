"""Read-side queries of follow-ups, for children the access policy already allowed."""

from __future__ import annotations

from collections.abc import Iterable
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
class Load:
    """How many of the case workers' own tasks are due and overdue, for one case worker
    (``who`` a User, or None: no one responsible) or one team."""

    who: Any
    due: int
    overdue: int
    children: int = 0
    children_on_time: int = 0  # children with none of these tasks overdue


def _load(who: Any, items: list[due.DueItem], today: date) -> Load:
    overdue = [item for item in items if item.is_overdue(today)]
    children = {item.child_id for item in items}
    late = {item.child_id for item in overdue}
    return Load(who, len(items) - len(overdue), len(overdue), len(children), len(children - late))


def district_overview(children: QuerySet[Child], today: date) -> tuple[list[due.DueItem], list[Load]]:
    """The district's due items and, per case worker, how many of their own tasks (those
    a case worker does) are due and overdue; the coordinator's and the schools' steps
    are not counted against the case worker."""
    from obruten.accounts.models import Role, User

    items = due.due_items(children, today)
    by_worker: dict[int | None, list[due.DueItem]] = {}
    for item in items:
        if item.owner == Role.CASE_WORKER:
            by_worker.setdefault(item.case_worker_id, []).append(item)
    workers = {user.pk: user for user in User.objects.filter(pk__in=[pk for pk in by_worker if pk])}
    loads = [
        _load(workers.get(pk) if pk else None, worker_items, today) for pk, worker_items in by_worker.items()
    ]
    return items, sorted(loads, key=lambda load: (-load.overdue, -load.due))


def team_overview(teams: Iterable[Any], items: list[due.DueItem], today: date) -> list[Load]:
    """Per team, the case workers' own tasks for the children of its members."""
    from obruten.accounts.models import Role

    own = [item for item in items if item.owner == Role.CASE_WORKER]
    loads = []
    for team in teams:
        members = {member.pk for member in team.members.all()}
        loads.append(_load(team, [item for item in own if item.case_worker_id in members], today))
    return loads


def coordinator_overview(children: QuerySet[Child], today: date) -> list[due.DueItem]:
    """Each child's next step: overdue first, then by date."""
    kinds = {due.Kind.CHAIN, due.Kind.COORDINATOR, due.Kind.SCHOOL_START}
    first: dict[int, due.DueItem] = {}
    for item in due.due_items(children, today, horizon_days=365):
        if item.kind in kinds and item.child_id not in first:
            first[item.child_id] = item
    return sorted(first.values(), key=lambda item: (item.due, item.child_name))
