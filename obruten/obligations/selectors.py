"""Reading the stored obligations: every list, the reminders, the enhetschef's counts, the
child's page and the API read these rows, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from obruten.accounts.models import Role, User
from obruten.followup.models import FollowUpKind
from obruten.register.models import Child

from .models import Kind, Obligation, State

HORIZON_DAYS = 30


@dataclass(frozen=True)
class DueItem:
    obligation_id: int
    child_id: int
    child_name: str
    case_worker_id: int | None
    kind: str
    title: str
    due: date
    url: str
    responsible: str
    owner: str  # who does it: a Role value, or a chain step's Responsible outside Obruten

    def is_overdue(self, today: date) -> bool:
        return self.due < today


RESPONSIBLE_ROLES: dict[str, Any] = {
    Role.SCHOOL_COORDINATOR: Role.SCHOOL_COORDINATOR.label,
    Role.SKOLFAM: Role.SKOLFAM.label,
}
FOLLOW_UP_OF: dict[str, str] = {
    Kind.REVIEW: FollowUpKind.REVIEW,
    Kind.HEALTH: FollowUpKind.REVIEW,
    Kind.COORDINATOR: FollowUpKind.COORDINATOR,
    Kind.CUSTODY: FollowUpKind.CUSTODY_TRANSFER,
    Kind.CARE_PLAN: FollowUpKind.CARE_PLAN,
    Kind.AFTER_LVU: FollowUpKind.AFTER_LVU,
}


def title(obligation: Obligation) -> str:
    """What to do, in the user's language."""
    kind, detail = obligation.kind, obligation.detail
    if kind == Kind.CHAIN and obligation.step is not None:
        return obligation.step.title
    if kind == Kind.REVIEW:
        return _("Övervägande (lokal rutin)") if detail == "local" else _("Övervägande/omprövning")
    if kind == Kind.CARE_ENDS:
        return _("Vården enligt LVU 2 § upphör %(date)s (18 år)") % {"date": detail}
    if kind == Kind.IMMEDIATE_CUSTODY:
        return _("Underställ förvaltningsrätten (LVU 7 §)") if detail == "7" else _("Ansök om vård (LVU 8 §)")
    titles: dict[str, str] = {
        Kind.COORDINATOR: _("Skolsamordnarens uppföljning"),
        Kind.SCHOOL_START: _("Skolstart saknas"),
        Kind.HEALTH: _("Hälsoundersökning ej begärd"),
        Kind.CUSTODY: _("Pröva vårdnadsöverflyttning"),
        Kind.CARE_PLAN: _("Revidera vårdplanen"),
        Kind.AFTER_LVU: _("Följ upp barnets situation efter avslutad LVU-vård"),
        Kind.SKOLFAM: _("Skolfams uppföljande test"),
    }
    return titles.get(kind, kind)


def url(obligation: Obligation) -> str:
    """Where the work is recorded: the form that closes the obligation."""
    child = obligation.child_id
    if obligation.kind in FOLLOW_UP_OF:
        return (
            reverse("followup:create", kwargs={"child_id": child}) + f"?typ={FOLLOW_UP_OF[obligation.kind]}"
        )
    if obligation.kind == Kind.SCHOOL_START:
        return reverse(
            "register:school_start", kwargs={"child_id": child, "placement_id": obligation.placement_id}
        )
    if obligation.kind in (Kind.CARE_ENDS, Kind.IMMEDIATE_CUSTODY):
        return reverse(
            "register:placement_edit", kwargs={"child_id": child, "placement_id": obligation.placement_id}
        )
    if obligation.kind == Kind.SKOLFAM:
        return reverse(
            "followup:intervention_edit",
            kwargs={"child_id": child, "intervention_id": obligation.intervention_id},
        )
    return reverse("register:child_detail", kwargs={"child_id": child}) + "#kedja"


def responsible(obligation: Obligation) -> str:
    if obligation.kind == Kind.CHAIN and obligation.step is not None:
        return obligation.step.get_responsible_display()
    return str(RESPONSIBLE_ROLES.get(obligation.owner, Role.CASE_WORKER.label))


def as_item(obligation: Obligation) -> DueItem:
    child = obligation.child
    return DueItem(
        obligation.pk,
        child.pk,
        f"{child.last_name}, {child.first_name}",
        child.case_worker_id,
        obligation.kind,
        title(obligation),
        obligation.due,
        url(obligation),
        responsible(obligation),
        obligation.owner,
    )


def open_obligations(children: QuerySet[Child]) -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(state=State.OPEN, child__in=children)
        .select_related("step")
        .select_related("child")
        .only(
            "kind",
            "occurrence",
            "due",
            "owner",
            "state",
            "detail",
            "placement_id",
            "intervention_id",
            "child__id",
            "child__first_name",
            "child__last_name",
            "child__case_worker_id",
            "step__title",
            "step__responsible",
        )
    )


def due_items(children: QuerySet[Child], today: date, *, horizon_days: int = HORIZON_DAYS) -> list[DueItem]:
    """The open obligations due within ``horizon_days`` or overdue, most urgent first:
    one indexed query."""
    rows = open_obligations(children).filter(due__lte=today + timedelta(days=horizon_days))
    items = [as_item(row) for row in rows]
    return sorted(items, key=lambda item: (item.due, item.child_name, item.kind))


@dataclass
class Load:
    """How many of the case workers' own tasks are due and overdue, for one case worker
    (``who`` a User, or None: no one responsible) or one team."""

    who: Any
    due: int
    overdue: int
    children: int = 0
    children_on_time: int = 0  # children with none of these tasks overdue


def _load(who: Any, items: list[DueItem], today: date) -> Load:
    overdue = [item for item in items if item.is_overdue(today)]
    children = {item.child_id for item in items}
    late = {item.child_id for item in overdue}
    return Load(who, len(items) - len(overdue), len(overdue), len(children), len(children - late))


def district_overview(children: QuerySet[Child], today: date) -> tuple[list[DueItem], list[Load]]:
    """The district's due items and, per case worker, how many of their own tasks (those
    a case worker does) are due and overdue; the coordinator's and the schools' steps
    are not counted against the case worker."""
    items = due_items(children, today)
    by_worker: dict[int | None, list[DueItem]] = {}
    for item in items:
        if item.owner == Role.CASE_WORKER:
            by_worker.setdefault(item.case_worker_id, []).append(item)
    workers = {user.pk: user for user in User.objects.filter(pk__in=[pk for pk in by_worker if pk])}
    loads = [
        _load(workers.get(pk) if pk else None, worker_items, today) for pk, worker_items in by_worker.items()
    ]
    return items, sorted(loads, key=lambda load: (-load.overdue, -load.due))


def team_overview(teams: Iterable[Any], items: list[DueItem], today: date) -> list[Load]:
    """Per team, the case workers' own tasks for the children of its members."""
    own = [item for item in items if item.owner == Role.CASE_WORKER]
    loads = []
    for team in teams:
        members = {member.pk for member in team.members.all()}
        loads.append(_load(team, [item for item in own if item.case_worker_id in members], today))
    return loads


def coordinator_overview(children: QuerySet[Child], today: date) -> list[DueItem]:
    """Each child's next step: overdue first, then by date."""
    kinds = {Kind.CHAIN, Kind.COORDINATOR, Kind.SCHOOL_START}
    first: dict[int, DueItem] = {}
    for item in due_items(children, today, horizon_days=365):
        if item.kind in kinds and item.child_id not in first:
            first[item.child_id] = item
    return sorted(first.values(), key=lambda item: (item.due, item.child_name))


def child_items(child: Child) -> list[DueItem]:
    """All of one child's open obligations, soonest first."""
    rows = open_obligations(Child.objects.filter(pk=child.pk))
    return sorted((as_item(row) for row in rows), key=lambda item: (item.due, item.kind))


@dataclass(frozen=True)
class Closed:
    due: date
    title: str
    state: str
    reason: str


def child_history(child: Child, *, limit: int = 50) -> list[Closed]:
    """The child's obligations that were missed or closed without action, latest first."""
    rows = (
        Obligation.objects.filter(child=child, state__in=[State.MISSED, State.NOT_REQUIRED])
        .select_related("step")
        .order_by("-due")[:limit]
    )
    return [Closed(row.due, title(row), row.get_state_display(), row.closed_reason) for row in rows]
