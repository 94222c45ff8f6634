"""A child's records as one digest, so the register can be checked against its log.

Every audited write about a child stores the digest of that child's records as the write
left them (``AuditEvent.state``, under the chain's HMAC). ``obruten audit verify --records``
computes every child's digest anew: a child whose records differ from what its newest
audited write left — a row changed, added or removed in the database directly — or that no
audited write explains at all, is reported (docs/audit-log.md says what this proves).

Which tables hold a child's records is said by the apps that own them (``register`` in
their ``ready``), so this module imports none of them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Records:
    model: str  # "app_label.Model"
    child: str  # the lookup from a row to its child's id: "pk", "child", "placement__child"
    # Columns added after digests were first stored, with the value a migration gave every
    # existing row: a row holding it digests as it did before the column existed, so an
    # upgrade does not make every child's records look changed (audit verify --records).
    added: tuple[tuple[str, Any], ...] = ()
    # The digest version from which the table is part of a child's records: a table
    # registered after states were first stored counts only in states written since, so
    # an upgrade does not make every child who has a row in it look changed.
    since: int = 1


_REGISTRY: list[Records] = []
BATCH = 2000
_ENCODER = DjangoJSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def register(model: str, child: str, *, added: dict[str, Any] | None = None, since: int = 1) -> None:
    """``model``'s rows are part of a child's record, found by ``child``; ``added``: the
    columns (attribute names) added since, with their value in the rows that existed;
    ``since``: the digest version that added the table (one more than the newest so far)."""
    records = Records(model, child, tuple(sorted((added or {}).items())), since)
    if records not in _REGISTRY:
        _REGISTRY.append(records)


_ON_WRITE: list[Callable[[set[int], set[str]], None]] = []


def on_write(callback: Callable[[set[int], set[str]], None]) -> None:
    """Call ``callback`` with the children and the object types of each batch of audited
    writes, in their transaction, before the state they left is digested: what is derived
    from a child's records (its obligations) is brought up to date by every entry point
    that writes, since every write is audited."""
    if callback not in _ON_WRITE:
        _ON_WRITE.append(callback)


def written(child_ids: set[int], object_types: set[str]) -> None:
    for callback in _ON_WRITE:
        callback(child_ids, object_types)


def registered() -> list[Records]:
    return sorted(_REGISTRY, key=lambda records: records.model)


def version() -> int:
    """The digest version states are written in: the newest table's."""
    return max((records.since for records in _REGISTRY), default=1)


_VERSIONED = re.compile(r"@([1-9][0-9]{0,5}):[0-9a-f]+")


def version_of(state: str) -> int:
    """The version a stored state was written in: ``"@2:…"``; anything else is the first
    (a bare digest; a malformed state then differs from every digest and is reported)."""
    versioned = _VERSIONED.fullmatch(state)
    return int(versioned[1]) if versioned else 1


def digests(child_ids: Iterable[int], at: int | None = None) -> dict[int, str]:
    """Each child's state in version ``at`` (the current one unless given): SHA-256 of the
    child's rows in every table registered by then, in a fixed order: table by table, row
    by row (primary key), every column as the database gives it; from the second version
    on, marked with it (``@2:`` and the digest's first 61 hex digits). The same database
    gives the same values (a backup restored into the same kind too), which is all a
    digest is compared with; no value is converted, which keeps a large import cheap."""
    at = version() if at is None else at
    ids = sorted(set(child_ids))
    hashes = {child_id: hashlib.sha256() for child_id in ids}
    for records in (records for records in registered() if records.since <= at):
        model = apps.get_model(records.model)
        columns = [field.attname for field in model._meta.concrete_fields]
        added = dict(records.added)
        for batch in _batches(ids):
            rows = model._default_manager.filter(_among(records.child, batch)).order_by("pk")
            for child_id, *values in _raw(rows.values_list(records.child, *columns)):
                if child_id in hashes:
                    kept = [
                        v for c, v in zip(columns, values, strict=True) if c not in added or v != added[c]
                    ]
                    hashes[child_id].update(_row_bytes(records.model, kept))
    # The state's column holds 64 characters: from the second version on, the version and
    # as much of the digest as fits (244 bits, under the log's HMAC).
    prefix = f"@{at}:" if at > 1 else ""
    return {child_id: (prefix + digest.hexdigest())[:64] for child_id, digest in hashes.items()}


def _batches(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]


def _among(lookup: str, batch: list[int]) -> Q:
    """The rows of ``batch``'s children: a range where the ids lie close together (new
    children of an import; rows of others in the range are skipped), else a list."""
    if batch[-1] - batch[0] < 4 * len(batch):
        return Q(**{f"{lookup}__gte": batch[0], f"{lookup}__lte": batch[-1]})
    return Q(**{f"{lookup}__in": batch})


def _raw(queryset: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows as the database driver returns them, without Django's converters."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(BATCH):
            yield from rows


def _row_bytes(model: str, values: list[Any]) -> bytes:
    """One row as a JSON list of strings: every value escaped and delimited, so no text in
    one row can pass for another row (a note ending in a forged row's values)."""
    return (_ENCODER.encode([model, *(_text(value) for value in values)]) + "\n").encode("utf-8")


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return _ENCODER.encode(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


@dataclass(frozen=True)
class Unexplained:
    child_id: int
    sequence: int | None  # the newest audited write about the child, if any
    message: str


def newest_states() -> dict[int, tuple[int, str]]:
    """Each child's newest audited write: (sequence, the state it left)."""
    from .models import NOT_WRITES, AuditEvent

    writes = (
        AuditEvent.objects.filter(child__isnull=False)
        .exclude(action__in=NOT_WRITES)
        .order_by("sequence")
        .values_list("child_id", "sequence", "state")
    )
    return {child_id: (sequence, state) for child_id, sequence, state in writes.iterator(chunk_size=10_000)}


def unexplained() -> list[Unexplained]:
    """Every child whose records no audited write explains: changed, added or removed
    outside Obruten since its newest audited write, or never written through Obruten."""
    newest = newest_states()
    ids = _children(newest)
    now = _as_stored(ids, newest)
    found = []
    for child_id in sorted(ids):
        sequence, state = newest.get(child_id, (None, ""))
        if sequence is None:
            found.append(Unexplained(child_id, None, "no audited write explains its records"))
        elif not state:
            found.append(
                Unexplained(
                    child_id, sequence, "its newest audited write has no state (run `audit baseline`)"
                )
            )
        elif state != now[child_id]:
            found.append(
                Unexplained(
                    child_id,
                    sequence,
                    f"its records differ from what the audited write in row {sequence} left",
                )
            )
    return found


def children_without_state() -> list[int]:
    """The children whose newest audited write predates record states (or who have none)."""
    newest = newest_states()
    return sorted(child_id for child_id in _children(newest) if not newest.get(child_id, (0, ""))[1])


def children_of_an_earlier_version() -> list[int]:
    """The children whose newest write stored a state of an earlier version that their
    records still match: `audit baseline` after an upgrade brings them to this version, so
    a table registered since is covered from that day, not only from each child's next
    write (which would take in whatever that table held)."""
    newest, current = newest_states(), version()
    behind = [child_id for child_id, (_, state) in newest.items() if state and version_of(state) < current]
    now = _as_stored(behind, newest)
    return sorted(child_id for child_id in behind if now[child_id] == newest[child_id][1])


def _as_stored(child_ids: Iterable[int], newest: dict[int, tuple[int, str]]) -> dict[int, str]:
    """Each child's state now, in the version its newest write stored its state in."""
    by_version: dict[int, list[int]] = {}
    for child_id in child_ids:
        by_version.setdefault(version_of(newest.get(child_id, (0, ""))[1]), []).append(child_id)
    return {child: state for at, ids in by_version.items() for child, state in digests(ids, at).items()}


def _children(newest: dict[int, tuple[int, str]]) -> set[int]:
    """Every child in the register, and every child the log wrote about (removed since, maybe)."""
    return set(apps.get_model("register.Child")._default_manager.values_list("pk", flat=True)) | set(newest)
