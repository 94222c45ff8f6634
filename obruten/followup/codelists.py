"""Loading the schooling-chain models and the intervention kinds shipped as data files.
The loaders take model classes so a migration can pass its historical models."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CHAIN_MODELS_FILE = DATA_DIR / "chain-models.csv"
INTERVENTION_KINDS_FILE = DATA_DIR / "intervention-kinds.csv"


def load_chain_models(
    model_class: Any, step_class: Any, path: Path = CHAIN_MODELS_FILE, *, active: str = "sams"
) -> int:
    """Create or replace the chain models in ``path``; ``active`` is the one in use
    unless another is already active."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    has_active = model_class.objects.filter(is_active=True).exists()
    for code in dict.fromkeys(row["model"] for row in rows):
        own = [row for row in rows if row["model"] == code]
        chain, _ = model_class.objects.update_or_create(code=code, defaults={"name": own[0]["model_name"]})
        if not has_active and code == active:
            chain.is_active = True
            chain.save(update_fields=["is_active"])
        known = {(s.phase_order, s.order): s for s in step_class.objects.filter(chain_model=chain)}
        for row in own:
            values = {
                "phase": row["phase"],
                "title": row["title"],
                "responsible": row["responsible"],
                "anchor": row["anchor"],
                "offset_days": int(row["offset_days"]),
            }
            key = (int(row["phase_order"]), int(row["order"]))
            if key in known:
                step_class.objects.filter(pk=known[key].pk).update(**values)
            else:
                step_class.objects.create(chain_model=chain, phase_order=key[0], order=key[1], **values)
    return len(rows)


def load_intervention_kinds(kind_class: Any, path: Path = INTERVENTION_KINDS_FILE) -> int:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        kind_class.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "sort_order": int(row["sort_order"])}
        )
    return len(rows)
