"""Loading questionnaire templates from JSON files (docs/questionnaires.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "data" / "questionnaires"


def load_templates(template_class: Any, question_class: Any, folder: Path = TEMPLATE_DIR) -> int:
    """Create each template version not yet in the database, published. A version that
    exists is left alone: a published version never changes."""
    created = 0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if template_class.objects.filter(code=data["code"], version=data["version"]).exists():
            continue
        template = template_class.objects.create(
            code=data["code"],
            version=data["version"],
            name=data["name"],
            age_band=data["age_band"],
            languages=data["languages"],
            intro=data["intro"],
            outro=data["outro"],
            ui=data["ui"],
            published=True,
        )
        for order, question in enumerate(data["questions"], start=1):
            question_class.objects.create(
                template=template,
                area=question["area"],
                order=order,
                kind=question["kind"],
                texts=question["text"],
                danger_values=question.get("danger", []),
            )
        created += 1
    return created
