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
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder


@dataclass(frozen=True)
class Records:
    model: str  # "app_label.Model"
    child: str  # the lookup from a row to its child's id: "pk", "child", "placement__child"


_REGISTRY: list[Records] = []
BATCH = 2000
_ENCODER = DjangoJSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def register(model: str, child: str) -> None:
    """``model``'s rows are part of a child's record, found by ``child``."""
    if Records(model, child) not in _REGISTRY:
        _REGISTRY.append(Records(model, child))


def registered() -> list[Records]:
    return sorted(_REGISTRY, key=lambda records: records.model)


def digests(child_ids: Iterable[int]) -> dict[int, str]:
    """SHA-256 of each child's rows in every registered table, in a fixed order: table by
    table, row by row (primary key), every column."""
    ids = sorted(set(child_ids))
    hashes = {child_id: hashlib.sha256() for child_id in ids}
    for records in registered():
        model = apps.get_model(records.model)
        columns = [field.attname for field in model._meta.concrete_fields]
        for start in range(0, len(ids), BATCH):
            rows = (
                model._default_manager.filter(**{f"{records.child}__in": ids[start : start + BATCH]})
                .order_by("pk")
                .values_list(records.child, *columns)
            )
            for child_id, *values in rows.iterator(chunk_size=BATCH):
                hashes[child_id].update(_ENCODER.encode([records.model, values]).encode("utf-8"))
    return {child_id: digest.hexdigest() for child_id, digest in hashes.items()}


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
    ids = set(apps.get_model("register.Child")._default_manager.values_list("pk", flat=True)) | set(newest)
    now = digests(ids)
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
    ids = set(apps.get_model("register.Child")._default_manager.values_list("pk", flat=True)) | set(newest)
    return sorted(child_id for child_id in ids if not newest.get(child_id, (0, ""))[1])
