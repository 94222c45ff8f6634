"""Writing and verifying the audit log's hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
Action = AuditEvent.Action


@dataclass
class Entry:
    action: str
    via: str
    actor: Any = None  # a User, or None for a command run by the system
    child_id: int | None = None
    object_type: str = ""
    object_id: int | None = None
    reason: str = ""
    changes: dict[str, Any] = field(default_factory=dict)


def record(
    *,
    actor: Any,
    action: str,
    via: str,
    child: Any = None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Append one event. Call it inside the transaction that does the work."""
    record_many(
        [
            Entry(
                action=action,
                via=via,
                actor=actor,
                child_id=child.pk if child is not None else None,
                object_type=(obj._meta.model_name or "") if obj is not None else "",
                object_id=obj.pk if obj is not None else None,
                reason=reason,
                changes=changes or {},
            )
        ]
    )


def record_list(*, actor: Any, via: str, child_ids: Iterable[int], filters: dict[str, Any] | None = None) -> None:
    """A page or export that names children: one LIST event per child shown, written
    with one statement."""
    record_many(
        Entry(action=Action.LIST, via=via, actor=actor, child_id=child_id, changes=filters or {})
        for child_id in dict.fromkeys(child_ids)
    )


def record_many(entries: Iterable[Entry]) -> None:
    """Append events in order, extending the chain under a lock on its head."""
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS_HASH)
        previous = head.last_hash
        now = timezone.now()
        rows = []
        for entry in entries:
            row = AuditEvent(
                at=now,
                actor=entry.actor if entry.actor is not None and entry.actor.pk else None,
                actor_name=_actor_name(entry.actor),
                action=entry.action,
                child_id=entry.child_id,
                object_type=entry.object_type,
                object_id=entry.object_id,
                via=entry.via,
                reason=entry.reason,
                changes=entry.changes,
                previous_hash=previous,
            )
            row.hash = event_hash(row)
            previous = row.hash
            rows.append(row)
        if not rows:
            return
        _insert(rows)
        head.last_hash = previous
        head.save(update_fields=["last_hash"])


def _insert(rows: list[AuditEvent]) -> None:
    """Insert with one executemany: an import writes thousands of events, and Django's
    bulk_create spends most of its time compiling per-value SQL we do not need."""
    connection = connections[router.db_for_write(AuditEvent)]
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    # Only identifiers from the model's own metadata; the values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(AuditEvent._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(actor.get_username())


def event_hash(event: AuditEvent) -> str:
    payload = {
        "at": event.at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "child_id": event.child_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "via": event.via,
        "reason": event.reason,
        "changes": event.changes,
        "previous_hash": event.previous_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    event_id: int | None
    message: str


def verify() -> list[Problem]:
    """Walk the chain; report every row whose hash or link does not hold."""
    problems: list[Problem] = []
    previous = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.previous_hash != previous:
            problems.append(Problem(event.pk, "the row before it was removed or changed (broken link)"))
        if event_hash(event) != event.hash:
            problems.append(Problem(event.pk, "the row was changed after it was written"))
        previous = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        problems.append(Problem(None, "the newest rows were removed (the chain's head differs)"))
    return problems


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value differs, as JSON-safe text."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)
