"""Keeping the stored obligations equal to what the engine derives, and closing one by
hand. ``recompute`` runs in the transaction of every audited write about a child (the
audit log's ``on_write`` hook, apps.py) and in the daily job (``obruten obligations
refresh``), which moves what depends on the date: a period that ended, a birthday."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from obruten import bulk
from obruten.accounts import policy
from obruten.audit import log as audit
from obruten.followup.chain import active_steps
from obruten.register.models import Placement

from . import engine
from .models import Kind, Obligation, State

BATCH = 1000
FIELDS = [
    "due",
    "owner",
    "state",
    "done_on",
    "placement_id",
    "step_id",
    "intervention_id",
    "follow_up_id",
    "detail",
]
# Writes about no child that change every child's obligations: the chain model and its
# steps, a placement form, a municipality (its code), the municipality's settings.
RULE_OBJECTS = {
    "chainmodel",
    "chainstep",
    "municipalsettings",
    "placementform",
    "municipality",
    "schoolstartgoal",
    "coordinatortargetgroup",
}
# Duties the law repeats: one not done stays to do until it is done or the duty ends, so it
# is not closed by hand (closing one would hide every later one).
NOT_CLOSABLE = {Kind.REVIEW, Kind.CUSTODY, Kind.CARE_PLAN}
UNCLOSED = {"closed_reason": "", "closed_by_id": None, "closed_at": None}


def _values(derived: engine.Derived, stored: Obligation | None) -> dict[str, Any]:
    values = {name: getattr(derived, name) for name in FIELDS}
    if stored is not None and stored.closed_at is not None and derived.state == State.OPEN:
        values["state"] = State.NOT_REQUIRED  # closed by hand: stays closed until the work is recorded
    return values


@dataclass
class Plan:
    """What makes a batch's stored rows equal to what the engine derives."""

    gone: list[Obligation] = field(default_factory=list)  # stored, no longer derived
    new: list[dict[str, Any]] = field(default_factory=list)  # rows to insert, by attribute name
    changed: list[tuple[Obligation, list[str]]] = field(default_factory=list)  # with the fields that differ

    def __len__(self) -> int:
        return len(self.gone) + len(self.new) + len(self.changed)


def _plan(batch: list[int], steps: list[Any], today: date, rules: engine.Rules) -> Plan:
    stored = {(o.child_id, o.kind, o.occurrence): o for o in Obligation.objects.filter(child_id__in=batch)}
    plan = Plan()
    for facts in engine.load(batch):
        child = facts.child
        for item in engine.derive(facts, steps, today, rules):
            key = (child.pk, item.kind, item.occurrence)
            row = stored.pop(key, None)
            values = _values(item, row)
            if row is None:
                key_values = {"child_id": child.pk, "kind": item.kind, "occurrence": item.occurrence}
                plan.new.append({**key_values, **values, **UNCLOSED})
                continue
            differ = [name for name, value in values.items() if getattr(row, name) != value]
            if differ:
                for name, value in values.items():
                    setattr(row, name, value)
                plan.changed.append((row, differ))
    plan.gone = list(stored.values())
    return plan


def _batches(child_ids: Iterable[int]) -> list[list[int]]:
    ids = sorted(set(child_ids))
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]


def recompute(child_ids: Iterable[int], today: date | None = None) -> int:
    """Derive the children's obligations and store them: new ones created, changed ones
    updated, those no longer derived (a placement removed, a duty that ended) deleted.
    Returns how many rows changed. Each batch is its own transaction (the daily job); a
    write's recomputation runs inside the write's."""
    today = today or timezone.localdate()
    rules, steps = engine.current_rules(), active_steps()
    changed = 0
    for batch in _batches(child_ids):
        # Inside a write, part of its transaction (a failure undoes the write too), so no
        # savepoint of its own: two statements fewer on every write about a child.
        with transaction.atomic(savepoint=False):
            plan = _plan(batch, steps, today, rules)
            if plan.gone:
                Obligation.objects.filter(pk__in=[row.pk for row in plan.gone]).delete()
            # A concurrent write that stored the same new row first wins; the next recompute agrees.
            bulk.insert(Obligation, plan.new, skip_existing=True)
            Obligation.objects.bulk_update([row for row, _ in plan.changed], FIELDS, batch_size=BATCH)
            changed += len(plan)
    return changed


def recompute_all(today: date | None = None) -> int:
    """Every child that has been placed: the daily job, and a change of the rules."""
    ids = Placement.objects.values_list("child_id", flat=True).distinct()
    stale = Obligation.objects.exclude(child_id__in=Placement.objects.values("child_id")).delete()[0]
    return recompute(ids, today) + stale


def recompute_for_writes(child_ids: set[int], object_types: set[str]) -> None:
    """A child's writes recompute that child in their transaction; a change of the rules
    (the chain, a code list, the settings) every child once, after its transaction commits,
    however many rows the administrator saved in it."""
    if object_types & RULE_OBJECTS:
        waiting = transaction.get_connection().run_on_commit
        if not any(func is recompute_all for _sids, func, _robust in waiting):
            transaction.on_commit(recompute_all)
    if child_ids:
        recompute(child_ids)


def differences(today: date | None = None) -> list[str]:
    """What the stored obligations lack or have beyond what the engine derives from
    scratch now (``obruten obligations check``): empty when they agree."""
    today = today or timezone.localdate()
    rules, steps = engine.current_rules(), active_steps()
    found: list[str] = []
    for batch in _batches(Placement.objects.values_list("child_id", flat=True)):
        plan = _plan(batch, steps, today, rules)
        found += [f"child {o['child_id']}: {o['kind']} {o['occurrence']} not stored" for o in plan.new]
        found += [
            f"child {o.child_id}: {o.kind} {o.occurrence} differs in {', '.join(differ)}"
            for o, differ in plan.changed
        ]
        found += [f"child {o.child_id}: {o.kind} {o.occurrence} stored, not derived" for o in plan.gone]
    return found


def close_not_done(*, actor: Any, obligation_id: int, reason: str, via: str) -> Obligation:
    """The responsible case worker or the enhetschef closes an open obligation as not done,
    with a reason (audited); it stays closed until the work it asks for is recorded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv varför uppgiften stängs utan åtgärd.")})
    with transaction.atomic():
        obligation = (
            Obligation.objects.select_for_update().select_related("child").filter(pk=obligation_id).first()
        )
        if obligation is None or not policy.may_close_obligation(actor, obligation.child):
            raise PermissionDenied
        if obligation.state != State.OPEN:
            raise ValidationError({"reason": _("Uppgiften är redan stängd.")})
        if obligation.kind in NOT_CLOSABLE:
            raise ValidationError(
                {
                    "reason": _(
                        "Lagen kräver uppgiften så länge placeringen pågår: den kan inte stängas utan åtgärd."
                    )
                }
            )
        obligation.state = State.NOT_REQUIRED
        obligation.closed_reason = reason
        obligation.closed_by = actor
        obligation.closed_at = timezone.now()
        obligation.save(update_fields=["state", "closed_reason", "closed_by", "closed_at"])
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            via=via,
            child=obligation.child,
            obj=obligation,
            changes={
                "state": [State.OPEN, State.NOT_REQUIRED],
                "kind": obligation.kind,
                "due": obligation.due.isoformat(),
            },
            reason=reason,
        )
    return obligation
