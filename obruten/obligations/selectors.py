"""Reading the stored obligations: every list, the reminders, the enhetschef's counts, the
child's page and the API read these rows, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from obruten.accounts.models import Role, User
from obruten.followup.models import FollowUpKind, Responsible
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
    child_url: str
    late: bool  # overdue on the day the list was read

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
    Kind.AFTER_CARE: FollowUpKind.AFTER_CARE,
}


def title(kind: str, detail: str, step_title: str = "") -> str:
    """What to do, in the user's language."""
    if kind == Kind.CHAIN and step_title:
        return step_title
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
        Kind.AFTER_CARE: _("Följ upp skolgången efter hemflytten"),
        Kind.SKOLFAM: _("Skolfams uppföljande test"),
    }
    return titles.get(kind, kind)


_SENTINELS = (2_000_000_001, 2_000_000_002)


@lru_cache(maxsize=64)
def _pattern(name: str, second: str, prefix: str) -> str:
    """The URL ``name`` with its ids as ``{0}`` and ``{1}``: reversed once, not per row of a
    list of hundreds (``prefix`` keys it to the script prefix it was reversed under)."""
    kwargs = {"child_id": _SENTINELS[0]}
    if second:
        kwargs[second] = _SENTINELS[1]
    return reverse(name, kwargs=kwargs).replace(str(_SENTINELS[0]), "{0}").replace(str(_SENTINELS[1]), "{1}")


def _link(name: str, child_id: int, second: str = "", other: int | None = None) -> str:
    return _pattern(name, second, get_script_prefix()).format(child_id, other)


def child_url(child_id: int) -> str:
    return _link("register:child_detail", child_id)


def url(kind: str, child_id: int, placement_id: int | None, intervention_id: int | None) -> str:
    """Where the work is recorded: the form that closes the obligation."""
    if kind in FOLLOW_UP_OF:
        return _link("followup:create", child_id) + f"?typ={FOLLOW_UP_OF[kind]}"
    if kind == Kind.SCHOOL_START:
        return _link("register:school_start", child_id, "placement_id", placement_id)
    if kind in (Kind.CARE_ENDS, Kind.IMMEDIATE_CUSTODY):
        return _link("register:placement_edit", child_id, "placement_id", placement_id)
    if kind == Kind.SKOLFAM:
        return _link("followup:intervention_edit", child_id, "intervention_id", intervention_id)
    return child_url(child_id) + "#kedja"


def responsible(kind: str, owner: str, step_responsible: str = "") -> str:
    if kind == Kind.CHAIN and step_responsible:
        return str(Responsible(step_responsible).label)
    return str(RESPONSIBLE_ROLES.get(owner, Role.CASE_WORKER.label))


COLUMNS = (
    "pk",
    "child_id",
    "child__first_name",
    "child__last_name",
    "child__case_worker_id",
    "kind",
    "due",
    "owner",
    "detail",
    "placement_id",
    "intervention_id",
    "step__title",
    "step__responsible",
)


def open_obligations(children: QuerySet[Child]) -> QuerySet[Obligation]:
    return Obligation.objects.filter(state=State.OPEN, child__in=children)


def items(obligations: QuerySet[Obligation], today: date) -> list[DueItem]:
    """Rows for a list, soonest first. A list is hundreds of rows: read as tuples, and each
    title and responsible party translated once per list, not once per row."""
    titles: dict[tuple[str, str, str], str] = {}
    parties: dict[tuple[str, str, str], str] = {}
    rows = []
    for row in obligations.values_list(*COLUMNS):
        pk, child, first, last, worker, kind, due, owner, detail, placement, intervention, step, party = row
        key = (kind, detail, step or "")
        if key not in titles:
            titles[key] = title(*key)
        who = (kind, owner, party or "")
        if who not in parties:
            parties[who] = responsible(*who)
        rows.append(
            DueItem(
                pk,
                child,
                f"{last}, {first}",
                worker,
                kind,
                titles[key],
                due,
                url(kind, child, placement, intervention),
                parties[who],
                owner,
                child_url(child),
                due < today,
            )
        )
    return sorted(rows, key=lambda item: (item.due, item.child_name, item.kind))


def due_items(children: QuerySet[Child], today: date, *, horizon_days: int = HORIZON_DAYS) -> list[DueItem]:
    """The open obligations due within ``horizon_days`` or overdue, most urgent first:
    one indexed query."""
    return items(open_obligations(children).filter(due__lte=today + timedelta(days=horizon_days)), today)


def due_count(children: QuerySet[Child], today: date) -> int:
    """How many open obligations of these children are due within the horizon or overdue."""
    return open_obligations(children).filter(due__lte=today + timedelta(days=HORIZON_DAYS)).count()


@dataclass
class Load:
    """How many of the case workers' own tasks are due and overdue, for one case worker
    (``who`` a User, or None: no one responsible) or one team."""

    who: Any
    due: int
    overdue: int
    children: int = 0
    children_on_time: int = 0  # children with none of these tasks overdue


@dataclass(frozen=True)
class Task:
    """A case worker's own task, as far as the counts need it."""

    child_id: int
    case_worker_id: int | None
    due: date


def case_worker_tasks(children: QuerySet[Child], today: date) -> list[Task]:
    """The open tasks a case worker does (the coordinator's and the schools' steps are not
    counted against the case worker), due within the horizon or overdue: one query of
    three columns, for the counts of a district."""
    rows = open_obligations(children).filter(
        owner=Role.CASE_WORKER, due__lte=today + timedelta(days=HORIZON_DAYS)
    )
    return [Task(*row) for row in rows.values_list("child_id", "child__case_worker_id", "due")]


def _load(who: Any, tasks: list[Task], today: date) -> Load:
    overdue = [task for task in tasks if task.due < today]
    children = {task.child_id for task in tasks}
    late = {task.child_id for task in overdue}
    return Load(who, len(tasks) - len(overdue), len(overdue), len(children), len(children - late))


def district_overview(tasks: list[Task], today: date) -> list[Load]:
    """Per case worker, how many of their own tasks are due and overdue."""
    by_worker: dict[int | None, list[Task]] = {}
    for task in tasks:
        by_worker.setdefault(task.case_worker_id, []).append(task)
    workers = {user.pk: user for user in User.objects.filter(pk__in=[pk for pk in by_worker if pk])}
    loads = [
        _load(workers.get(pk) if pk else None, worker_tasks, today) for pk, worker_tasks in by_worker.items()
    ]
    return sorted(loads, key=lambda load: (-load.overdue, -load.due))


def team_overview(teams: Iterable[Any], tasks: list[Task], today: date) -> list[Load]:
    """Per team, the case workers' own tasks for the children of its members."""
    loads = []
    for team in teams:
        members = {member.pk for member in team.members.all()}
        loads.append(_load(team, [task for task in tasks if task.case_worker_id in members], today))
    return loads


def coordinator_overview(children: QuerySet[Child], today: date) -> list[DueItem]:
    """Each child's next step in the schooling chain, its school start or the coordinator's
    follow-up, within a year: overdue first, then by date."""
    kinds = [Kind.CHAIN, Kind.COORDINATOR, Kind.SCHOOL_START]
    rows = open_obligations(children).filter(kind__in=kinds, due__lte=today + timedelta(days=365))
    first: dict[int, DueItem] = {}
    for item in items(rows, today):
        first.setdefault(item.child_id, item)
    return sorted(first.values(), key=lambda item: (item.due, item.child_name))


def child_items(child: Child) -> list[DueItem]:
    """All of one child's open obligations, soonest first."""
    return items(open_obligations(Child.objects.filter(pk=child.pk)), timezone.localdate())


@dataclass(frozen=True)
class Closed:
    due: date
    title: str
    state: str
    reason: str


def child_history(child: Child, *, with_reasons: bool, limit: int = 50) -> list[Closed]:
    """The child's obligations that were missed or closed without action, latest first."""
    rows = (
        Obligation.objects.filter(child=child, state__in=[State.MISSED, State.NOT_REQUIRED])
        .select_related("step")
        .order_by("-due")[:limit]
    )
    return [
        Closed(
            row.due,
            title(row.kind, row.detail, row.step.title if row.step else ""),
            row.get_state_display(),
            row.closed_reason if with_reasons else "",
        )
        for row in rows
    ]
