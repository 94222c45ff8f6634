"""The register and the access policy are the ground floor: outside their tests they
import none of the apps built on them (docs/architecture.md, "Layers")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "obruten"
UPPER = "followup|participation|casework|teams|teaching|statistics|obligations|operations|api|demo|sso"
IMPORT = re.compile(rf"^\s*(from|import) obruten\.({UPPER})\b", re.MULTILINE)


def test_the_ground_floor_imports_nothing_built_on_it() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
        for app in ("register", "accounts")
        for path in sorted((ROOT / app).rglob("*.py"))
        if "tests" not in path.parts
        for match in IMPORT.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
