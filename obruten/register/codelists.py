"""Loading the code lists shipped as data files: districts, municipalities and
placement forms. Used by the data migration and by ``obruten load-districts``, so a
municipality other than Stockholm can load its own districts.

The loaders take the model classes as arguments so that a migration can pass its
historical models.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DISTRICTS_FILE = DATA_DIR / "stockholm-districts.csv"
MUNICIPALITIES_FILE = DATA_DIR / "municipalities.csv"
PLACEMENT_FORMS_FILE = DATA_DIR / "placement-forms.csv"


class CodeListError(ValueError):
    pass


def _rows(path: Path, required: set[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise CodeListError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
        return [{key: (value or "").strip() for key, value in row.items()} for row in reader]


def _date(text: str, where: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CodeListError(f"{where}: {text!r} is not a date (YYYY-MM-DD)") from exc


def load_districts(district_model: Any, path: Path = DISTRICTS_FILE) -> int:
    """Create or update districts from ``code,name,valid_from,valid_to,successor``
    (successor by code). Returns the number of rows."""
    rows = _rows(path, {"code", "name", "valid_from", "valid_to", "successor"})
    codes = {row["code"] for row in rows}
    for number, row in enumerate(rows, start=2):
        if row["successor"] and row["successor"] not in codes:
            raise CodeListError(f"{path.name} row {number}: unknown successor {row['successor']!r}")
        district_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "valid_from": _date(row["valid_from"], f"{path.name} row {number}"),
                "valid_to": _date(row["valid_to"], f"{path.name} row {number}"),
                "sort_order": number - 1,
            },
        )
    by_code = {d.code: d for d in district_model.objects.filter(code__in=codes)}
    for row in rows:
        district = by_code[row["code"]]
        district.successor = by_code.get(row["successor"]) if row["successor"] else None
        district.save(update_fields=["successor"])
    return len(rows)


def load_municipalities(municipality_model: Any, path: Path = MUNICIPALITIES_FILE) -> int:
    rows = _rows(path, {"code", "name", "county_code"})
    for row in rows:
        municipality_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "county_code": row["county_code"]}
        )
    return len(rows)


def load_placement_forms(form_model: Any, path: Path = PLACEMENT_FORMS_FILE) -> int:
    flags = ("is_protected_housing", "school_coordinator_follows_up", "is_family_home")
    rows = _rows(path, {"code", "name", "sort_order", *flags})
    for row in rows:
        form_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "sort_order": int(row["sort_order"]),
                **{flag: row[flag] == "1" for flag in flags},
            },
        )
    return len(rows)


# Sweden's counties by SCB's two-digit code (the first two digits of a municipality's code).
COUNTY_NAMES = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}


def county_name(code: str) -> str:
    return COUNTY_NAMES.get(code, code)
