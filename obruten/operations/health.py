"""``/healthz``: is this instance ready to serve? For the load balancer and the monitoring.

The answer names no one and touches no session and no audit log: the database answers and
every migration is applied (200), or not (503)."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def migrations_pending() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        pending = migrations_pending()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": False}, status=503)
    if pending:
        return JsonResponse({"status": "error", "database": True, "migrations": False}, status=503)
    return JsonResponse({"status": "ok", "database": True, "migrations": True})
