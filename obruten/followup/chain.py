"""The schooling chain's work items for a placement (SAMS or UppSam, the active model)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from obruten.register.models import Placement

from .models import ChainModel, ChainStep, ChainStepRecord


@dataclass(frozen=True)
class ChainItem:
    placement: Placement
    step: ChainStep
    due: date
    record: ChainStepRecord | None


def active_steps() -> list[ChainStep]:
    """The steps of the active chain model, in one query (every write recomputes with them)."""
    model = ChainModel.objects.filter(is_active=True).order_by("pk").values("pk")[:1]
    return list(ChainStep.objects.filter(chain_model__in=model))


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
