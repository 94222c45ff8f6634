"""What is due and overdue for a set of children: övervägande, the school coordinator's
follow-ups, steps of the schooling chain, a missing school start or health examination,
vårdnadsöverflyttning, the care plan and Skolfam's re-test.

The rules are the plain functions of ``obruten.lib.cadence``; this module gathers each
child's dates with a fixed number of queries and applies them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from obruten import municipal
from obruten.accounts.models import Role
from obruten.audit import versions
from obruten.lib import cadence, placement_law
from obruten.register.models import Child, Placement

from .models import (
    ChainModel,
    ChainStep,
    ChainStepRecord,
    FollowUp,
    FollowUpKind,
    Intervention,
    Responsible,
)

HORIZON_DAYS = 30
CLOSING_WINDOW_DAYS = 180  # an ended placement's closing steps stay on the list this long
HEALTH_EXAM_REQUEST_DAYS = 14  # our default: ask the region within two weeks of a placement


class Kind:
    REVIEW = "overvagande"
    COORDINATOR = "skolsamordnare"
    CHAIN = "kedja"
    SCHOOL_START = "skolstart"
    HEALTH = "halsa"
    CUSTODY = "vardnadsoverflyttning"
    CARE_PLAN = "vardplan"
    CARE_ENDS = "vard_upphor"
    IMMEDIATE_CUSTODY = "omedelbart_omhandertagande"
    SKOLFAM = "skolfam"


@dataclass(frozen=True)
class DueItem:
    child_id: int
    child_name: str
    case_worker_id: int | None
    kind: str
    title: str
    due: date
    url: str
    responsible: str = ""
    owner: str = ""  # who does it: a Role value, or a chain step's Responsible outside Obruten

    def is_overdue(self, today: date) -> bool:
        return self.due < today


@dataclass(frozen=True)
class ChainItem:
    placement: Placement
    step: ChainStep
    due: date
    record: ChainStepRecord | None


def active_steps() -> list[ChainStep]:
    model = ChainModel.objects.filter(is_active=True).first()
    return list(model.steps.all()) if model else []


def chain_items(placement: Placement, steps: Iterable[ChainStep], today: date) -> list[ChainItem]:
    """The chain's work items for a placement that means a school change: the steps
    counted from the start while it lasts, and those counted from the end once it has
    ended (ending a placement opens the closing phase)."""
    if not placement.school_change:
        return []
    records = {record.step_id: record for record in placement.chain_records.all()}
    ended = placement.end_date is not None and placement.end_date < today
    items = []
    for step in steps:
        if step.anchor == ChainStep.Anchor.END:
            if placement.end_date is None:
                continue
            base = placement.end_date
        else:
            if ended and step.pk not in records:
                continue  # a new placement (or the end) replaced the start of this chain
            base = placement.start_date
        items.append(
            ChainItem(placement, step, base + timedelta(days=step.offset_days), records.get(step.pk))
        )
    return items


def _placed_recently(children: QuerySet[Child], today: date) -> QuerySet[Child]:
    recent = today - timedelta(days=CLOSING_WINDOW_DAYS)
    return children.filter(
        Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=recent)
    ).distinct()


def children_with_dates(children: QuerySet[Child], today: date) -> QuerySet[Child]:
    """The children placed now or recently, with everything the rules need prefetched."""
    placements = Placement.objects.select_related(
        "form", "school_start", "placing_municipality"
    ).prefetch_related("chain_records")
    return (
        _placed_recently(children, today)
        .only("pk", "first_name", "last_name", "birth_date", "case_worker_id")
        .prefetch_related(
            Prefetch("placements", queryset=placements.order_by("start_date")),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.only(
                    "pk", "child_id", "kind", "date", "health_exam_requested", "health_exam_done"
                ),
            ),
            Prefetch("interventions", queryset=Intervention.objects.select_related("kind")),
        )
    )


def due_items(children: QuerySet[Child], today: date, *, horizon_days: int = HORIZON_DAYS) -> list[DueItem]:
    """Everything due within ``horizon_days`` or overdue, most urgent first.

    Each child's items are kept in this process under the version of what they were
    computed from (the child's newest write, the newest write about no child, the day, the
    language and the local-routine settings), so a start page computes only the children
    that changed since it was last shown; the rest cost two indexed queries."""
    until = today + timedelta(days=horizon_days)
    ids = list(_placed_recently(children, today).values_list("pk", flat=True))
    shared = (
        today,
        get_language(),
        versions.other_version(),
        settings.LOCAL_REVIEW_AFTER_18,
        settings.LOCAL_CARE_PLAN_REVISION_YEARS,
        settings.OWN_MUNICIPALITY_CODE,
    )
    child_versions = versions.child_versions(ids)
    keys = {pk: (child_versions.get(pk, ""), shared) for pk in ids}
    lists: dict[int, list[DueItem]] = {}
    for pk, key in keys.items():
        kept = _COMPUTED.get(pk)
        if kept is not None and kept[0] == key:
            lists[pk] = kept[1]
    missing = [pk for pk in ids if pk not in lists]
    if missing:
        steps = active_steps()
        loaded = children_with_dates(Child.objects.filter(pk__in=missing), today)
        computed = {child.pk: _child_items(child, steps, today) for child in loaded}
        for pk in missing:
            lists[pk] = computed.get(pk, [])
            _COMPUTED[pk] = (keys[pk], lists[pk])  # replaces the child's older version
            _COMPUTED.move_to_end(pk)
        while len(_COMPUTED) > COMPUTED_CHILDREN:
            _COMPUTED.popitem(last=False)
    items = [item for pk in ids for item in lists[pk] if item.due <= until]
    return sorted(items, key=lambda item: (item.due, item.child_name, item.kind))


COMPUTED_CHILDREN = 50_000
# Each child's items under the version they were computed from: one entry per child.
_COMPUTED: OrderedDict[int, tuple[tuple, list[DueItem]]] = OrderedDict()


def items_for(
    child: Child, steps: list[ChainStep], today: date, *, horizon_days: int = HORIZON_DAYS
) -> list[DueItem]:
    """One child's items (the child as ``children_with_dates`` loads it), most urgent first."""
    until = today + timedelta(days=horizon_days)
    return sorted(
        (item for item in _child_items(child, steps, today) if item.due <= until),
        key=lambda item: (item.due, item.kind),
    )


def _episode(placements: list[Placement]) -> list[Placement]:
    """The placements of the current stretch of care: back to back, no gap."""
    episode: list[Placement] = []
    for placement in placements:
        if (
            episode
            and episode[-1].end_date
            and placement.start_date > episode[-1].end_date + timedelta(days=1)
        ):
            episode = []
        episode.append(placement)
    return episode


def _child_items(child: Child, steps: list[ChainStep], today: date) -> list[DueItem]:
    placements = list(child.placements.all())
    follow_ups = list(child.follow_ups.all())
    name = f"{child.last_name}, {child.first_name}"
    child_url = reverse("register:child_detail", kwargs={"child_id": child.pk})

    def item(kind: str, title: str, due: date, url: str, responsible: str = "", owner: str = "") -> DueItem:
        responsible = responsible or (
            _("Skolsamordnare")
            if kind == Kind.COORDINATOR
            else _("Skolfam")
            if kind == Kind.SKOLFAM
            else _("Socialsekreterare")
        )
        return DueItem(
            child.pk, name, child.case_worker_id, kind, title, due, url, responsible, owner or _owner(kind)
        )

    def new_follow_up(kind: str) -> str:
        return reverse("followup:create", kwargs={"child_id": child.pk}) + f"?typ={kind}"

    def dates(kind: str) -> list[date]:
        return [f.date for f in follow_ups if f.kind == kind]

    items: list[DueItem] = []
    recent = today - timedelta(days=CLOSING_WINDOW_DAYS)
    for placement in placements:
        if placement.end_date is not None and placement.end_date < recent:
            continue  # long over: nothing left to chase
        for chain_item in chain_items(placement, steps, today):
            if chain_item.record is None:
                items.append(
                    item(
                        Kind.CHAIN,
                        chain_item.step.title,
                        chain_item.due,
                        child_url + "#kedja",
                        chain_item.step.get_responsible_display(),
                        _owner(Kind.CHAIN, chain_item.step.responsible),
                    )
                )
        if (
            placement.school_change
            and not hasattr(placement, "school_start")
            and placement.start_date <= today
        ):
            url = reverse(
                "register:school_start", kwargs={"child_id": child.pk, "placement_id": placement.pk}
            )
            items.append(
                item(
                    Kind.SCHOOL_START,
                    _("Skolstart saknas"),
                    placement.start_date + timedelta(days=municipal.current().school_start_goal_days),
                    url,
                )
            )

    current = next(
        (
            p
            for p in reversed(placements)
            if p.start_date <= today and (p.end_date is None or p.end_date >= today)
        ),
        None,
    )
    if current is not None:
        items.extend(_statutory_items(child, placements, current, today, dates, item, new_follow_up))
        if current.form.school_coordinator_follows_up:
            due = cadence.next_coordinator_follow_up(
                today, current.start_date, dates(FollowUpKind.COORDINATOR)
            )
            items.append(
                item(
                    Kind.COORDINATOR,
                    _("Skolsamordnarens uppföljning"),
                    due,
                    new_follow_up(FollowUpKind.COORDINATOR),
                )
            )
    for intervention in child.interventions.all():
        if (
            intervention.kind.code == "skolfam"
            and intervention.end is None
            and intervention.retest_date is None
        ):
            url = reverse(
                "followup:intervention_edit",
                kwargs={"child_id": child.pk, "intervention_id": intervention.pk},
            )
            items.append(
                item(
                    Kind.SKOLFAM,
                    _("Skolfams uppföljande test"),
                    cadence.skolfam_retest_due(intervention.start),
                    url,
                )
            )
    return items


def _owner(kind: str, step_responsible: str = "") -> str:
    """Who does a task: a role in Obruten, or (a chain step) someone outside it."""
    in_obruten: dict[str, str] = {
        Responsible.SOCIAL_SERVICES: Role.CASE_WORKER,
        Responsible.SCHOOL_COORDINATOR: Role.SCHOOL_COORDINATOR,
    }
    if kind == Kind.CHAIN:
        return in_obruten.get(step_responsible, step_responsible)
    return {Kind.COORDINATOR: Role.SCHOOL_COORDINATOR, Kind.SKOLFAM: Role.SKOLFAM}.get(kind, Role.CASE_WORKER)


def _status(child: Child, placement: Placement) -> placement_law.Status:
    return placement_law.Status(
        legal_basis=placement.legal_basis,
        birth_date=child.birth_date,
        placed_by_own_municipality=placement.placing_municipality.code == settings.OWN_MUNICIPALITY_CODE,
        accompanying=placement.accompanying,
    )


def _statutory_items(
    child: Child,
    placements: list[Placement],
    current: Placement,
    today: date,
    dates: Callable[[str], list[date]],
    item: Callable[..., DueItem],
    new_follow_up: Callable[[str], str],
) -> list[DueItem]:
    """The social services' tasks the law sets by the child's age and the placement's
    status (obruten.lib.placement_law): övervägande/omprövning, the end of LVU 2 § care,
    LVU 6 § deadlines, the health examination, vårdnadsöverflyttning, the care plan."""
    status = _status(child, current)
    items: list[DueItem] = []
    episode = _episode([p for p in placements if p.start_date <= today])
    edit_url = reverse("register:placement_edit", kwargs={"child_id": child.pk, "placement_id": current.pk})
    review = placement_law.review_kind(status, today, local_after_18=settings.LOCAL_REVIEW_AFTER_18)
    if review is not None:
        periods = [
            cadence.BasisPeriod(p.legal_basis, p.enforcement_date or p.start_date)
            for p in _basis_changes(episode)
        ]
        due = cadence.next_review(periods, dates(FollowUpKind.REVIEW))
        # The duty as it stands on the due date: none once the care or the duty has ended
        # by then (LVU 2 § care ends at 18, LVU 21 §; SoL's övervägande is for a child).
        review = (
            placement_law.review_kind(status, due, local_after_18=settings.LOCAL_REVIEW_AFTER_18)
            if due is not None
            else None
        )
        title = (
            _("Övervägande/omprövning")
            if review == placement_law.REVIEW_LAW
            else _("Övervägande (lokal rutin)")
        )
        if due is not None and review is not None:
            items.append(item(Kind.REVIEW, title, due, new_follow_up(FollowUpKind.REVIEW)))
    warning = placement_law.lvu2_end_warning(status)
    if warning is not None:
        ends = placement_law.care_ends(status.legal_basis, child.birth_date)
        title = _("Vården enligt LVU 2 § upphör %(date)s (18 år)") % {"date": f"{ends:%Y-%m-%d}"}
        items.append(item(Kind.CARE_ENDS, title, warning, edit_url))
    if status.legal_basis == placement_law.LVU6 and status.placed_by_own_municipality:
        submit, apply = placement_law.immediate_custody_deadlines(
            current.decision_date or current.start_date, current.enforcement_date or current.start_date
        )
        items.append(
            item(Kind.IMMEDIATE_CUSTODY, _("Underställ förvaltningsrätten (LVU 7 §)"), submit, edit_url)
        )
        items.append(item(Kind.IMMEDIATE_CUSTODY, _("Ansök om vård (LVU 8 §)"), apply, edit_url))
    if placement_law.health_examination_applies(status, episode[0].start_date, today) and not any(
        f.health_exam_requested and f.health_exam_requested >= episode[0].start_date
        for f in child.follow_ups.all()
    ):
        items.append(
            item(
                Kind.HEALTH,
                _("Hälsoundersökning ej begärd"),
                episode[0].start_date + timedelta(days=HEALTH_EXAM_REQUEST_DAYS),
                new_follow_up(FollowUpKind.REVIEW),
            )
        )
    if not placement_law.child_placement_rules_apply(status, today):
        return items
    adult_on = placement_law.birthday(child.birth_date, placement_law.ADULT_AGE)
    stays = [
        placement_law.Stay(p.start_date, p.end_date, p.form.is_family_home, p.unit_name) for p in episode
    ]
    home_since = placement_law.family_home_since(stays)
    if home_since is not None:
        due = cadence.next_custody_transfer_consideration(
            home_since, dates(FollowUpKind.CUSTODY_TRANSFER), adult_on=adult_on
        )
        if due is not None:
            items.append(
                item(
                    Kind.CUSTODY,
                    _("Pröva vårdnadsöverflyttning"),
                    due,
                    new_follow_up(FollowUpKind.CUSTODY_TRANSFER),
                )
            )
    due = cadence.care_plan_revision_due(
        episode[0].start_date,
        dates(FollowUpKind.CARE_PLAN),
        adult_on=adult_on,
        local_then_years=settings.LOCAL_CARE_PLAN_REVISION_YEARS,
    )
    if due is not None:
        items.append(
            item(Kind.CARE_PLAN, _("Revidera vårdplanen"), due, new_follow_up(FollowUpKind.CARE_PLAN))
        )
    return items


def _basis_changes(episode: list[Placement]) -> list[Placement]:
    """The placements of an episode where the legal basis changed (a new decision)."""
    changes: list[Placement] = []
    for placement in episode:
        if not changes or changes[-1].legal_basis != placement.legal_basis:
            changes.append(placement)
    return changes
