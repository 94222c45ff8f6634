"""Read-side queries of the register, always starting from the access policy."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from obruten import municipal
from obruten.accounts import policy

from .models import Child, Placement


def _newest(field: str) -> Subquery:
    newest = Placement.objects.filter(child=OuterRef("pk")).order_by("-start_date")
    return Subquery(newest.values(field)[:1])


def without_school_start(today: date) -> Q:
    """School-change placements begun by ``today`` with no school start recorded."""
    return Q(school_change=True, school_start__isnull=True, start_date__lte=today)


def over_goal(today: date) -> Q:
    """School-change placements whose school start came later than the goal, or that
    have waited longer than the goal for one."""
    over = Q()
    for began, ended, goal in municipal.school_start_goals().stretches():
        late = Q(school_start__days_to_school_start__gt=goal)
        waiting = Q(school_start__isnull=True, start_date__lt=today - timedelta(days=goal))
        begun = Q(start_date__gte=began) if began else Q()
        before = Q(start_date__lt=ended) if ended else Q()
        over |= begun & before & (late | waiting)  # each placement against the goal of its start
    return Q(school_change=True) & over


def caseload(user: Any, *, today: date, filters: dict[str, Any]) -> QuerySet[Child]:
    """The children the user may see, with their newest placement, filtered."""
    children = (
        policy.children_for(user, today=today)
        .select_related("district", "case_worker")
        .annotate(
            placement_form_id=_newest("form_id"),
            placement_form=_newest("form__name"),
            placement_start=_newest("start_date"),
            placement_end=_newest("end_date"),
            school_change=_newest("school_change"),
            days_to_school_start=_newest("school_start__days_to_school_start"),
        )
    )
    if filters.get("scope") == "mina":
        children = children.filter(case_worker=user)
    query = (filters.get("q") or "").strip()
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        if len(digits) >= 6:
            children = children.filter(personal_number__contains=digits)
        else:
            for word in query.split():
                children = children.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if filters.get("district"):
        children = children.filter(district=filters["district"])
    if filters.get("form"):
        children = children.filter(placement_form_id=filters["form"].pk)
    if filters.get("unaccompanied"):
        children = children.filter(unaccompanied=True)
    placements = Placement.objects.filter(child=OuterRef("pk"))
    if filters.get("school_start_missing"):
        children = children.filter(Exists(placements.filter(without_school_start(today))))
    if filters.get("over_goal"):
        children = children.filter(Exists(placements.filter(over_goal(today))))
    return children.order_by("last_name", "first_name", "pk")


def school_start_breaches(user: Any, *, today: date, since: date) -> QuerySet[Placement]:
    """Placements since ``since``, of children the user may see, that breach the goal
    or still lack a school start; ordered by district."""
    return (
        Placement.objects.filter(
            over_goal(today) | without_school_start(today),
            child__in=policy.children_for(user, today=today),
            start_date__gte=since,
        )
        .select_related("child", "form", "district")
        .annotate(days=F("school_start__days_to_school_start"))
        .order_by("district__sort_order", "start_date", "pk")
    )
