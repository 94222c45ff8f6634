"""State changes of a child's case: who is responsible for it and which district holds it.

Each function validates, writes and audits in one transaction, and asks
``accounts/policy.py`` about the actor over the record as it is (the child in scope,
the actor the enhetschef of its district) and as it will be (the new case worker a
socialsekreterare of the district that will hold the case)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from obruten.accounts import policy
from obruten.accounts.models import Role, Team, User
from obruten.accounts.services import access_of, record_access_change
from obruten.audit import log as audit
from obruten.register.models import Child, District
from obruten.register.services import registrable_date

from .models import ResponsibilityPeriod, Transfer

SENDERS = {Role.CASE_WORKER, Role.UNIT_MANAGER}
# A transfer moves the case, and the reports, from its date: reaching further back would
# rewrite figures already reported for the sending district (docs/casework.md).
TRANSFER_BACKDATE_DAYS = 31


def _check_date(day: date, name: str) -> None:
    if not registrable_date(day, timezone.localdate()):
        raise ValidationError({name: _("Ange ett datum från 1990-01-01 och högst ett år fram i tiden.")})


def _hand_responsibility(child: Child, case_worker: User | None, start: date, actor: Any) -> None:
    """Close the open responsibility period the day before ``start`` and open the next.

    A child registered before this history was kept gets its earlier case worker's
    period from the day it was registered."""
    current = child.responsibility_periods.filter(end__isnull=True).first()
    if current is None and child.case_worker_id:
        begun = min(child.created_at.date(), start - timedelta(days=1))
        current = ResponsibilityPeriod.objects.create(
            child=child, case_worker_id=child.case_worker_id, start=begun
        )
    if current is not None:
        start = max(start, current.start + timedelta(days=1))
        current.end = start - timedelta(days=1)
        current.save(update_fields=["end"])
    ResponsibilityPeriod.objects.create(child=child, case_worker=case_worker, start=start, set_by=actor)
    child.case_worker = case_worker
    child.save(update_fields=["case_worker"])


def _entry(actor: Any, via: str, child: Child, obj: Any, changes: dict[str, Any]) -> audit.Entry:
    return audit.Entry(
        action=audit.Action.UPDATE,
        via=via,
        actor=actor,
        child_id=child.pk,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        changes=audit.changes_between(
            {name: old for name, (old, _new) in changes.items()},
            {name: new for name, (_old, new) in changes.items()},
        ),
    )


@transaction.atomic
def assign_case_worker(*, actor: Any, child: Child, case_worker: User, start: date, via: str) -> Child:
    """Make ``case_worker`` responsible for the child from ``start``: for the enhetschef
    of the child's district, and only a socialsekreterare of that district."""
    policy.require_child(actor, child, policy.manages(actor, child.district))
    policy.require_case_worker_of(case_worker, child.district)
    _check_date(start, "start")
    if case_worker.pk == child.case_worker_id:
        raise ValidationError({"case_worker": _("%(name)s är redan ansvarig.") % {"name": case_worker}})
    before = child.case_worker
    _hand_responsibility(child, case_worker, start, actor)
    audit.record_many([_entry(actor, via, child, child, {"case_worker": (before, case_worker)})])
    return child


def plan_handover(*, actor: Any, from_worker: User, to_worker: User, start: date) -> list[Child]:
    """The children a hand-over would move, checked as the hand-over checks them, with
    nothing written: what the enhetschef confirms. Raises ValidationError as it would."""
    policy.require(actor, actor is None or actor.role == Role.UNIT_MANAGER)
    _check_date(start, "start")
    if from_worker.pk == to_worker.pk:
        raise ValidationError({"to_worker": _("Välj en annan socialsekreterare än den som lämnar över.")})
    held = Child.objects.filter(case_worker=from_worker).select_related("district")
    if actor is not None:
        held = held.filter(district__in=actor.districts.all())
    children = list(
        held.select_for_update(of=("self",)) if transaction.get_connection().in_atomic_block else held
    )
    if not children:
        raise ValidationError(
            {"from_worker": _("%(name)s har inga barn i dina stadsdelsnämnder.") % {"name": from_worker}}
        )
    for child in children:
        policy.require_manager(actor, child.district)
        policy.require_case_worker_of(to_worker, child.district, field="to_worker")
    return sorted(children, key=lambda child: (child.last_name, child.first_name, child.pk))


@transaction.atomic
def hand_over_caseload(
    *, actor: Any, from_worker: User, to_worker: User, start: date, via: str
) -> list[Child]:
    """Move every child ``from_worker`` is responsible for in the actor's districts to
    ``to_worker`` from ``start``; one audit event per child."""
    children = plan_handover(actor=actor, from_worker=from_worker, to_worker=to_worker, start=start)
    for child in children:
        _hand_responsibility(child, to_worker, start, actor)
    audit.record_many(
        _entry(actor, via, child, child, {"case_worker": (from_worker, to_worker)}) for child in children
    )
    return children


# --- Transfers between districts


@transaction.atomic
def start_transfer(
    *, actor: Any, child: Child, to_district: District, effective_date: date, note: str, via: str
) -> Transfer:
    """The sending district asks the receiving one to take the case from ``effective_date``;
    until the receiving enhetschef accepts, the sending district keeps it."""
    policy.require_child(actor, child, actor is None or actor.role in SENDERS)
    _check_date(effective_date, "effective_date")
    errors = {}
    if actor is not None and _too_far_back(effective_date):  # the system moves history (mergers)
        errors["effective_date"] = _("En flytt kan gälla högst %(days)s dagar bakåt, från %(date)s.") % {
            "days": TRANSFER_BACKDATE_DAYS,
            "date": f"{_earliest_effective_date():%Y-%m-%d}",
        }
    if to_district.pk == child.district_id:
        errors["to_district"] = _("Barnet hör redan till %(district)s.") % {"district": to_district.name}
    elif not to_district.is_valid_on(effective_date):
        errors["to_district"] = _("%(district)s finns inte den dagen. Välj en nämnd som gäller då.") % {
            "district": to_district.name
        }
    last = child.transfers.filter(status=Transfer.Status.ACCEPTED).order_by("-effective_date").first()
    if last is not None and effective_date <= last.effective_date:
        errors["effective_date"] = _("Välj ett datum efter barnets senaste byte av nämnd (%(date)s).") % {
            "date": f"{last.effective_date:%Y-%m-%d}"
        }
    if child.transfers.filter(status=Transfer.Status.PENDING).exists():
        errors["to_district"] = _("Barnet har redan en överflyttning som väntar på svar.")
    if errors:
        raise ValidationError(errors)
    transfer = Transfer.objects.create(
        child=child,
        from_district=child.district,
        to_district=to_district,
        effective_date=effective_date,
        note=note.strip(),
        requested_by=actor,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        via=via,
        child=child,
        obj=transfer,
        changes={"to_district": [None, to_district.code], "effective_date": [None, str(effective_date)]},
    )
    return transfer


def transfer_destinations(child: Child) -> QuerySet[District]:
    """The districts the child's case can be moved to: any other that exists on some day a
    transfer may take effect (a dissolved district only while a back-dated move can reach it)."""
    exists = Q(valid_to__isnull=True) | Q(valid_to__gte=_earliest_effective_date())
    return District.objects.filter(exists).exclude(pk=child.district_id)


def _earliest_effective_date() -> date:
    return timezone.localdate() - timedelta(days=TRANSFER_BACKDATE_DAYS)


def _too_far_back(effective_date: date) -> bool:
    """Whether a transfer from ``effective_date`` would rewrite months already reported:
    checked when it is asked for and again when it takes effect, at acceptance."""
    return effective_date < _earliest_effective_date()


def incoming_transfers(actor: Any) -> list[Transfer]:
    """The transfers waiting for the actor's answer: to a district they are enhetschef of."""
    if actor.role != Role.UNIT_MANAGER:
        return []
    return list(
        Transfer.objects.filter(status=Transfer.Status.PENDING, to_district__in=actor.districts.all())
        .select_related("child", "from_district", "to_district", "requested_by")
        .order_by("effective_date", "pk")
    )


def _pending(actor: Any, transfer: Transfer) -> Transfer:
    """The transfer locked, still waiting, and the actor the receiving enhetschef."""
    locked = (
        Transfer.objects.select_for_update()
        .select_related("child__district", "to_district")
        .get(pk=transfer.pk)
    )
    policy.require_manager(actor, locked.to_district)
    if locked.status != Transfer.Status.PENDING:
        raise ValidationError(_("Överflyttningen är redan besvarad."))
    return locked


def move_case(child: Child, from_district: District, to_district: District, day: date) -> list[int]:
    """Move the child's placements held by ``from_district`` and ongoing on ``day`` or
    later to ``to_district``, and the child too if ``from_district`` holds it. Placements
    that ended before stay with the district that held them then; the statistics read who
    held the others before ``day`` from the transfer."""
    moving = child.placements.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), district=from_district)
    moved = list(moving.values_list("pk", flat=True))
    moving.update(district=to_district)
    if child.district_id == from_district.pk:
        child.district = to_district
        child.save(update_fields=["district"])
    return moved


@transaction.atomic
def accept_transfer(*, actor: Any, transfer: Transfer, case_worker: User | None, via: str) -> Transfer:
    """The receiving enhetschef takes the case from the transfer's date, optionally
    naming its responsible case worker (a socialsekreterare of the receiving district);
    without one, the child is listed under *Barn utan ansvarig*."""
    transfer = _pending(actor, transfer)
    child = transfer.child
    if case_worker is not None:
        policy.require_case_worker_of(case_worker, transfer.to_district)
    if child.district_id != transfer.from_district_id:
        raise ValidationError(
            _("Barnet hör inte längre till %(district)s.") % {"district": transfer.from_district}
        )
    asked_by_a_user = transfer.requested_by_id is not None  # the system moves history (mergers)
    if actor is not None and asked_by_a_user and _too_far_back(transfer.effective_date):
        raise ValidationError(
            _(
                "Överflyttningen skulle gälla från %(date)s, mer än %(days)s dagar bakåt, och skriva om "
                "månader som redan är rapporterade. Avslå den och be %(district)s begära en ny från "
                "%(earliest)s eller senare."
            )
            % {
                "date": f"{transfer.effective_date:%Y-%m-%d}",
                "days": TRANSFER_BACKDATE_DAYS,
                "district": transfer.from_district,
                "earliest": f"{_earliest_effective_date():%Y-%m-%d}",
            }
        )
    before_worker = child.case_worker
    moved = move_case(child, transfer.from_district, transfer.to_district, transfer.effective_date)
    if case_worker is not None or before_worker is not None:
        _hand_responsibility(child, case_worker, transfer.effective_date, actor)
    transfer.status, transfer.decided_by, transfer.decided_at = (
        Transfer.Status.ACCEPTED,
        actor,
        timezone.now(),
    )
    transfer.save(update_fields=["status", "decided_by", "decided_at"])
    changes: dict[str, tuple[Any, Any]] = {
        "status": (Transfer.Status.PENDING, transfer.status),
        "district": (transfer.from_district.code, transfer.to_district.code),
        "case_worker": (before_worker, case_worker),
        "placements": ([], moved),
    }
    audit.record_many([_entry(actor, via, child, transfer, changes)])
    return transfer


@transaction.atomic
def refuse_transfer(*, actor: Any, transfer: Transfer, reason: str, via: str) -> Transfer:
    """The receiving enhetschef refuses, with a reason the sender reads on the child's page."""
    transfer = _pending(actor, transfer)
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv varför överflyttningen avslås.")})
    transfer.status, transfer.decided_by, transfer.decided_at = Transfer.Status.REFUSED, actor, timezone.now()
    transfer.refusal_reason = reason.strip()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        via=via,
        child=transfer.child,
        obj=transfer,
        changes={"status": [Transfer.Status.PENDING, transfer.status]},
        reason=transfer.refusal_reason,
    )
    return transfer


# --- Mergers


@dataclass
class MergerResult:
    children: int = 0
    staff: int = 0
    teams: int = 0
    dissolved: list[str] = field(default_factory=list)


@transaction.atomic
def apply_mergers(*, today: date, via: str = "casework:apply_mergers") -> MergerResult:
    """Move the open cases, staff memberships and teams of every district whose validity
    ended before ``today`` with a successor to that successor, as of the day after its
    last day. Each child's move is an accepted transfer of kind merger, so the history
    and the statistics see it like any transfer. Running it again changes nothing."""
    result = MergerResult()
    ended = District.objects.filter(successor__isnull=False, valid_to__lt=today).select_related("successor")
    for district in ended.order_by("valid_to", "sort_order"):
        successor, last_day = district.successor, district.valid_to
        assert successor is not None and last_day is not None
        day = last_day + timedelta(days=1)
        result.children += _merge_cases(district, successor, day, via)
        result.staff += _merge_staff(district, successor, via)
        result.teams += _merge_teams(district, successor, via)
        result.dissolved.append(district.code)
    return result


def _merge_cases(district: District, successor: District, day: date, via: str) -> int:
    open_here = (
        Q(district=district)
        | Q(placements__district=district, placements__end_date__isnull=True)
        | Q(placements__district=district, placements__end_date__gte=day)
    )
    children = list(Child.objects.filter(open_here).distinct().order_by("pk"))
    entries = _settle_pending_transfers(district, successor, day, via)
    for child in children:
        transfer = Transfer.objects.create(
            child=child,
            kind=Transfer.Kind.MERGER,
            from_district=district,
            to_district=successor,
            effective_date=day,
            status=Transfer.Status.ACCEPTED,
            decided_at=timezone.now(),
        )
        held = child.district_id == district.pk
        moved = move_case(child, district, successor, day)
        changes: dict[str, tuple[Any, Any]] = {"placements": ([], moved)}
        if held:
            changes["district"] = (district.code, successor.code)
        entries.append(_entry(None, via, child, transfer, changes))
    audit.record_many(entries)
    return len(children)


def _settle_pending_transfers(
    district: District, successor: District, day: date, via: str
) -> list[audit.Entry]:
    """Refuse the transfers waiting from the dissolved district (or from its successor to
    it) and send those waiting for it to its successor, each audited."""
    pending = Transfer.objects.filter(status=Transfer.Status.PENDING).select_related("child")
    entries = []
    refused = pending.filter(Q(from_district=district) | Q(to_district=district, from_district=successor))
    for transfer in refused:
        transfer.status, transfer.decided_at = Transfer.Status.REFUSED, timezone.now()
        transfer.refusal_reason = _("%(district)s upphörde %(date)s.") % {
            "district": district.name,
            "date": f"{day:%Y-%m-%d}",
        }
        transfer.save(update_fields=["status", "decided_at", "refusal_reason"])
        refusal = {"status": (Transfer.Status.PENDING, transfer.status)}
        entries.append(_entry(None, via, transfer.child, transfer, refusal))
    for transfer in pending.filter(to_district=district):
        transfer.to_district = successor
        transfer.save(update_fields=["to_district"])
        redirect = {"to_district": (district.code, successor.code)}
        entries.append(_entry(None, via, transfer.child, transfer, redirect))
    return entries


def _merge_staff(district: District, successor: District, via: str) -> int:
    staff = list(User.objects.filter(districts=district))
    for user in staff:
        before = access_of(user)
        user.districts.remove(district)
        user.districts.add(successor)
        record_access_change(actor=None, user=user, before=before, via=via)
    return len(staff)


def _merge_teams(district: District, successor: District, via: str) -> int:
    teams = list(Team.objects.filter(district=district))
    for team in teams:
        before = {"district": district.code, "name": team.name}
        if Team.objects.filter(district=successor, name=team.name).exists():
            team.name = f"{team.name} ({district.name})"  # team names are unique per district
        team.district = successor
        team.save(update_fields=["district", "name"])
        audit.record(
            actor=None,
            action=audit.Action.UPDATE,
            via=via,
            obj=team,
            changes=audit.changes_between(before, {"district": successor.code, "name": team.name}),
        )
    return len(teams)
