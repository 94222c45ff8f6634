"""Writing and verifying the audit log's hash chain."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from obruten import bulk

from . import records
from .models import NOT_WRITES, AuditChainHead, AuditEvent

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


# The reads of the request being served, written once its response says whether it was
# refused (see ``reads_decided_by_response``); None outside a request: written at once.
_pending_reads: ContextVar[list[Entry] | None] = ContextVar("pending_reads", default=None)


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
    entry = Entry(
        action=action,
        via=via,
        actor=actor,
        child_id=child.pk if child is not None else None,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        reason=reason,
        changes=changes or {},
    )
    pending = _pending_reads.get()
    if action == Action.READ and pending is not None:
        pending.append(entry)
    else:
        record_many([entry])


@contextmanager
def reads_decided_by_response() -> Iterator[Callable[[bool], None]]:
    """Within it, reads wait; call the function it yields with whether the request was
    refused, and they are written as reads or, if refused, as refusals: a page that checks
    the child first and the role after never leaves a read in the log for a 403."""
    pending: list[Entry] = []
    token = _pending_reads.set(pending)

    def write(refused: bool) -> None:
        _pending_reads.reset(token)
        for entry in pending:
            entry.action = Action.REFUSED if refused else Action.READ
        if pending:
            record_many(pending)
            pending.clear()

    try:
        yield write
    finally:
        if _pending_reads.get() is pending:  # left by an exception before a response
            write(refused=False)


def record_list(
    *, actor: Any, via: str, child_ids: Iterable[int], filters: dict[str, Any] | None = None
) -> None:
    """A page or export that names children: one LIST event per child shown, written
    with one statement."""
    changes = filters or {}
    record_many(
        Entry(action=Action.LIST, via=via, actor=actor, child_id=child_id, changes=changes)
        for child_id in dict.fromkeys(child_ids)
    )


def record_many(entries: Iterable[Entry]) -> None:
    """Append events in order, extending the chain under a lock on its head."""
    key = audit_key()
    entries = list(entries)
    with transaction.atomic():
        writes = [entry for entry in entries if entry.action not in NOT_WRITES]
        if writes:
            records.written(
                {entry.child_id for entry in writes if entry.child_id is not None},
                {entry.object_type for entry in writes},
            )
        # The state each write left, read in the transaction that wrote it (before the lock).
        states = records.digests(entry.child_id for entry in writes if entry.child_id is not None)
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1, last_hash=GENESIS_HASH, last_sequence=0)
        previous, sequence = head.last_hash, head.last_sequence
        now = timezone.now()
        rows = []
        for entry in entries:
            sequence += 1
            row = {
                "sequence": sequence,
                "at": now,
                "actor_id": entry.actor.pk if entry.actor is not None and entry.actor.pk else None,
                "actor_name": _actor_name(entry.actor),
                "action": str(entry.action),
                "child_id": entry.child_id,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "via": entry.via,
                "reason": entry.reason,
                "changes": entry.changes,
                "state": states.get(entry.child_id or 0, "") if entry.action not in NOT_WRITES else "",
                "previous_hash": previous,
            }
            row["hash"] = previous = _seal(row, key)
            rows.append(row)
        if not rows:
            return
        # One statement (COPY on PostgreSQL): a page lists hundreds of children, an import
        # writes thousands of events.
        bulk.insert(AuditEvent, rows)
        head.last_hash, head.last_sequence = previous, sequence
        head.save(update_fields=["last_hash", "last_sequence"])


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(actor.get_username())


def audit_key() -> bytes:
    return settings.AUDIT_KEY.encode("utf-8")


# The fields the HMAC covers: every field but the primary key and the hash itself.
SEALED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "child_id",
    "object_type",
    "object_id",
    "via",
    "reason",
    "changes",
    "state",
    "previous_hash",
)


def event_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """The row's HMAC-SHA-256 under the audit key (``AUDIT_KEY`` unless given)."""
    return _seal({name: getattr(event, name) for name in SEALED_FIELDS}, key or audit_key())


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _seal(fields: dict[str, Any], key: bytes) -> str:
    payload = {**fields, "at": fields["at"].astimezone(UTC).isoformat()}
    if not payload.get("state"):  # rows without a state are sealed as they were before it
        payload.pop("state", None)
    return hmac.new(key, _CANONICAL.encode(payload).encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at one moment, kept outside the database."""

    sequence: int
    hash: str
    at: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        data = json.loads(text)
        return cls(sequence=int(data["sequence"]), hash=str(data["hash"]), at=str(data["at"]))


def checkpoint() -> Checkpoint:
    """The current head, refused if it does not match the newest row."""
    head = AuditChainHead.objects.filter(pk=1).first()
    sequence, last_hash = (head.last_sequence, head.last_hash) if head else (0, GENESIS_HASH)
    newest = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    if newest != ((sequence, last_hash) if sequence else None):
        raise ValueError("the chain's head does not match the newest row; run `obruten audit verify`")
    return Checkpoint(sequence=sequence, hash=last_hash, at=timezone.now().astimezone(UTC).isoformat())


@dataclass(frozen=True)
class Problem:
    sequence: int | None
    message: str


def verify(checkpoints: Iterable[Checkpoint] = ()) -> list[Problem]:
    """Walk the chain from row 1; report every gap, every row whose HMAC or link does not
    hold, a head that differs from the newest row, and every checkpoint the chain does
    not extend. Streams the rows, so memory stays flat however long the log."""
    key = audit_key()
    wanted = {point.sequence: point for point in checkpoints}
    problems: list[Problem] = []
    expected, previous = 1, GENESIS_HASH
    rows = AuditEvent.objects.order_by("sequence").values_list(*SEALED_FIELDS, "hash")
    for values in rows.iterator(chunk_size=5000):
        fields = dict(zip(SEALED_FIELDS, values, strict=False))
        sequence, stored = fields["sequence"], values[-1]
        if sequence != expected:
            problems.append(Problem(sequence, f"rows {expected} to {sequence - 1} are missing"))
        if fields["previous_hash"] != previous:
            problems.append(Problem(sequence, "the row before it was removed or changed (broken link)"))
        if not hmac.compare_digest(_seal(fields, key), stored):
            problems.append(Problem(sequence, "the row was changed or written without the audit key"))
        point = wanted.pop(sequence, None)
        if point is not None and point.hash != stored:
            problems.append(Problem(sequence, f"the row differs from the checkpoint of {point.at}"))
        expected, previous = sequence + 1, stored
    problems.extend(_head_problems(expected - 1, previous))
    problems.extend(
        Problem(point.sequence, f"the row in the checkpoint of {point.at} is missing (the log was cut)")
        for point in wanted.values()
        if point.sequence > 0
    )
    return problems


def _head_problems(last_sequence: int, last_hash: str) -> list[Problem]:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return [Problem(None, "the chain's head row was removed")]
    if (head.last_sequence, head.last_hash) != (last_sequence, last_hash):
        return [Problem(None, "the newest rows were removed or changed (the chain's head differs)")]
    return []


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
