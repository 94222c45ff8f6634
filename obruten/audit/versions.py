"""What has been written, as the audit log tells it: every service and import writes an
event in the transaction that changes data, so the newest write event about a child (or
about no child: imports, settings, the schooling chain) names the version of what a cached
result was computed from. Hashes, not sequence numbers, name versions: a hash is unique to
its event, so a version is never taken for another database's (the tests start over)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max

from .models import AuditEvent

WRITES = AuditEvent.objects.exclude(action__in=AuditEvent.NOT_WRITES)


def child_versions(child_ids: Iterable[int]) -> dict[int, str]:
    """The hash of each child's newest write event; a child without one is left out."""
    newest = WRITES.filter(child_id__in=list(child_ids)).values("child_id").annotate(last=Max("sequence"))
    return dict(AuditEvent.objects.filter(sequence__in=newest.values("last")).values_list("child_id", "hash"))


def other_version() -> str:
    """The hash of the newest write event about no child ("" if none)."""
    return (
        WRITES.filter(child__isnull=True).order_by("-sequence").values_list("hash", flat=True).first() or ""
    )
