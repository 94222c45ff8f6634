"""Schools: loading Skolverket's school-unit register, and finding a school by name, code
or municipality for the school-start form (docs/schools.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import and_
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from obruten.audit import log as audit
from obruten.lib import tabular

from .models import Municipality, School, SchoolStart

SEARCH_LIMIT = 50
SWEDISH_ORDER = str.maketrans("åäö", "{|}")  # the three characters after z in ASCII

# The register's header (Skolverket's Excel export, lower-cased) or the API's field name,
# mapped to the column this loader reads.
COLUMNS = {
    "skolenhetskod": "skolenhetskod",
    "schoolunitcode": "skolenhetskod",
    "skolenhetsnamn": "skolenhetsnamn",
    "name": "skolenhetsnamn",
    "kommunkod": "kommunkod",
    "municipalitycode": "kommunkod",
    "skolform": "skolform",
    "skolformer": "skolform",
    "schooltypes": "skolform",
    "status": "status",
    "besöksort": "ort",
    "besoksort": "ort",
    "postort": "ort",
    "ort": "ort",
    "town": "ort",
}
REQUIRED = ("skolenhetskod", "skolenhetsnamn", "kommunkod", "skolform", "status")

LOADED_STATUSES = {"aktiv"}
SKIPPED_STATUSES = {"vilande", "nedlagd", "upphörd", "upphord", "upphört", "upphort", "planerad"}

# Skolverket's school types, by code and by name; the first match in this order wins for a
# unit with several (a unit with förskoleklass and grundskola is a grundskola).
SCHOOL_FORMS = (
    (School.SchoolForm.COMPULSORY, {"gr", "grundskola", "sameskola", "sam", "specialskola", "sp"}),
    (School.SchoolForm.ADAPTED_COMPULSORY, {"grs", "ansgr", "anpassad grundskola", "grundsärskola"}),
    (School.SchoolForm.UPPER_SECONDARY, {"gy", "gymnasieskola"}),
    (
        School.SchoolForm.ADAPTED_UPPER_SECONDARY,
        {"gys", "ansgy", "anpassad gymnasieskola", "gymnasiesärskola"},
    ),
)

RULES = {
    "F01": "the file cannot be read as CSV or XLSX",
    "F02": "a required column is missing",
    "F03": "the file has no rows",
    "F06": "the file is too large",
    "F07": "the file has too many rows",
    "F08": "the XLSX file unpacks too large",
    "S01": "the school unit code must be eight digits",
    "S02": "the name must be 1 to 200 characters",
    "S03": "the municipality code is not one of Sweden's municipalities",
    "S04": "the status must be Aktiv, Vilande, Nedlagd, Upphörd or Planerad",
    "S05": "the school unit code appears on an earlier row",
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    rule: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.rule} {RULES[self.rule]}"


class SchoolFileError(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # not active in the file
    removed: int = 0  # inactive now, and never chosen for a school start
    kept: list[str] = field(default_factory=list)  # inactive now, but chosen: kept for history


def natural_key(text: str) -> list[str | int]:
    """Sort "Demoskolan 2" before "Demoskolan 10", and å, ä, ö after z as in Swedish."""
    swedish = text.casefold().translate(SWEDISH_ORDER)
    return [int(part) if part.isdecimal() else part for part in re.split(r"(\d+)", swedish)]


UNIT_CODE = re.compile(r"\d{8}")  # Skolverket's skolenhetskod


def label(school: School) -> str:
    """A school as a case worker tells it from another: name and code, town, municipality."""
    municipality = school.municipality.name if school.municipality else ""
    parts = (f"{school.name} ({school.unit_code})", school.place, municipality)
    return ", ".join(part for part in parts if part)


def named(text: str) -> School | None:
    """The one school ``text`` names: a unit code, or words that match one school only (or
    one school's whole name). A plain error otherwise, listing the matches to choose from."""
    text = text.strip()
    if not text:
        return None
    if UNIT_CODE.fullmatch(text):
        school = School.objects.filter(unit_code=text).first()
        if school is None:
            raise ValidationError(_("Ingen skola har skolenhetskoden %(code)s.") % {"code": text})
        return school
    found = search(text, limit=5)
    exact = [school for school in found.schools if school.name.casefold() == text.casefold()]
    if len(exact) == 1 or len(found.schools) == 1:
        return (exact or found.schools)[0]
    if not found.schools:
        raise ValidationError(_("Ingen skola hittades. Skriv skolenhetskoden eller en del av namnet."))
    raise ValidationError(
        _("Flera skolor passar: %(schools)s%(more)s. Skriv skolenhetskoden.")
        % {
            "schools": "; ".join(label(school) for school in found.schools),
            "more": " …" if found.more else "",
        }
    )


@dataclass(frozen=True)
class SchoolSearch:
    schools: list[School]
    more: bool  # more than SEARCH_LIMIT matched: ask the user to narrow the search


def search(text: str, limit: int = SEARCH_LIMIT) -> SchoolSearch:
    """Schools whose name, unit code, town or municipality holds every word of ``text``."""
    words = text.split()
    if not words:
        return SchoolSearch([], False)
    matches = School.objects.filter(
        reduce(
            and_,
            (
                Q(name__icontains=word)
                | Q(unit_code__startswith=word)
                | Q(place__icontains=word)
                | Q(municipality__name__icontains=word)
                for word in words
            ),
        )
    )
    found = list(matches.select_related("municipality").order_by("name", "unit_code")[: limit + 1])
    shown = sorted(found[:limit], key=lambda school: (natural_key(school.name), school.unit_code))
    return SchoolSearch(shown, len(found) > limit)


def load_schools(path: Path, *, via: str) -> LoadResult:
    """Create or update the active schools of the file, all or nothing; audited as one
    system event."""
    rows = _read(path)
    municipalities = dict(Municipality.objects.values_list("code", "pk"))
    errors = list(_check(rows, municipalities))
    if errors:
        raise SchoolFileError(errors)
    with transaction.atomic():
        result = _write(rows, municipalities)
        audit.record(
            actor=None,
            action=audit.Action.IMPORT,
            via=via,
            changes={
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
                "removed": result.removed,
                "kept_inactive": len(result.kept),
            },
        )
    return result


def _read(path: Path) -> list[dict[str, str]]:
    with path.open("rb") as stream:
        table, file_errors = tabular.read_file(stream, path.name, ())
    if file_errors:
        raise SchoolFileError([RowError(*error) for error in file_errors])
    rows = [_renamed(row) for row in table]
    missing = [name for name in REQUIRED if name not in rows[0]]
    if missing:
        raise SchoolFileError([RowError(1, name, "F02") for name in missing])
    return rows


def _renamed(row: dict[str, str]) -> dict[str, str]:
    """The row keyed by this loader's column names; other columns are left out."""
    named = {key.replace(" ", ""): value for key, value in row.items()}
    return {COLUMNS[key]: value for key, value in named.items() if key in COLUMNS}


def _check(rows: list[dict[str, str]], municipalities: dict[str, int]) -> Iterable[RowError]:
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        code = row["skolenhetskod"]
        if not UNIT_CODE.fullmatch(code):
            yield RowError(number, "skolenhetskod", "S01")
        elif code in seen:
            yield RowError(number, "skolenhetskod", "S05")
        seen.add(code)
        if not 0 < len(row["skolenhetsnamn"]) <= 200:
            yield RowError(number, "skolenhetsnamn", "S02")
        if row["kommunkod"].zfill(4) not in municipalities:
            yield RowError(number, "kommunkod", "S03")
        if row["status"].casefold() not in LOADED_STATUSES | SKIPPED_STATUSES:
            yield RowError(number, "status", "S04")


def _school_form(text: str) -> str:
    named = {part.strip().casefold() for part in re.split(r"[,;|]", text)}
    return next((form for form, names in SCHOOL_FORMS if named & names), School.SchoolForm.OTHER)


def _write(rows: list[dict[str, str]], municipalities: dict[str, int]) -> LoadResult:
    result = LoadResult()
    existing = {school.unit_code: school for school in School.objects.all()}
    new, changed, inactive = [], [], []
    for row in rows:
        code = row["skolenhetskod"]
        if row["status"].casefold() not in LOADED_STATUSES:
            result.skipped += 1
            inactive.append(code)
            continue
        values = {
            "name": row["skolenhetsnamn"],
            "municipality_id": municipalities[row["kommunkod"].zfill(4)],
            "school_form": _school_form(row["skolform"]),
            **({"place": row["ort"][:100]} if "ort" in row else {}),  # a file without towns keeps them
        }
        school = existing.get(code)
        if school is None:
            new.append(School(unit_code=code, **values))
        elif any(getattr(school, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(school, name, value)
            changed.append(school)
        else:
            result.unchanged += 1
    School.objects.bulk_create(new, batch_size=1000)
    School.objects.bulk_update(changed, ["name", "municipality_id", "school_form", "place"], batch_size=1000)
    result.created, result.updated = len(new), len(changed)
    chosen = set(
        SchoolStart.objects.filter(school__unit_code__in=inactive).values_list("school__unit_code", flat=True)
    )
    result.kept = sorted(chosen)
    closed = School.objects.filter(unit_code__in=inactive).exclude(unit_code__in=chosen)
    result.removed, _by_model = closed.delete()
    return result
