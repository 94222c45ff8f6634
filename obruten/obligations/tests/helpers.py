"""Reading what is due as the pages do: stored by the engine as of ``today``."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from obruten.obligations import selectors, services
from obruten.register.models import Child


def due_items(
    children: QuerySet[Child], today: date, *, horizon_days: int = selectors.HORIZON_DAYS
) -> list[selectors.DueItem]:
    """The children's obligations recomputed as of ``today`` (the daily job's work), then
    read from the store."""
    services.recompute(children.values_list("pk", flat=True), today)
    return selectors.due_items(children, today, horizon_days=horizon_days)
