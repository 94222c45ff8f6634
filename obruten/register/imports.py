"""Importing placements from CSV or XLSX (docs/import-format.md).

All-or-nothing: every row is validated first; one broken rule anywhere and nothing is
written, and the report names each row, column and rule. Re-importing a file changes
nothing: a placement is the same placement when the child and the start date match.

Error messages never repeat the values of columns that could locate a child (school,
dates of schooling), so a report is safe to show and to keep.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from typing import IO, Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten import municipal, uploads
from obruten.accounts import policy
from obruten.accounts.models import Role
from obruten.audit import log as audit
from obruten.lib import personnummer, placement_law
from obruten.lib import school_start as school_start_rule
from obruten.lib.tabular import FileError, RowCheck, iso_date, read_file

from .models import (
    Child,
    District,
    ExitDestination,
    LateSchoolStartReason,
    LegalBasis,
    Municipality,
    Placement,
    PlacementForm,
    School,
    SchoolStart,
)
from .services import registrable_date

COLUMNS = (
    "personal_number",
    "first_name",
    "last_name",
    "sex",
    "home_municipality",
    "district",
    "placement_form",
    "legal_basis",
    "start_date",
    "end_date",
    "school_change",
    "school_unit_code",
    "school_start_date",
    "placing_municipality",
    "location_municipality",
    "exit_destination",
    "school_after",
    "unaccompanied",
    "late_reason",
)
# May be left out of the header; each is named as the field it writes.
OPTIONAL_COLUMNS = (
    "placing_municipality",
    "location_municipality",
    "exit_destination",
    "school_after",
    "unaccompanied",
    "late_reason",
)
PLACEMENT_OPTIONAL = OPTIONAL_COLUMNS[:4]  # the rest are the child's and the school start's
REQUIRED = (
    "personal_number",
    "first_name",
    "last_name",
    "sex",
    "home_municipality",
    "district",
    "placement_form",
    "legal_basis",
    "start_date",
    "school_change",
)

# The Swedish header of each column, accepted beside the English one (docs/import-format.md).
SWEDISH_COLUMNS = {
    "personnummer": "personal_number",
    "förnamn": "first_name",
    "efternamn": "last_name",
    "kön": "sex",
    "hemkommun": "home_municipality",
    "stadsdel": "district",
    "placeringsform": "placement_form",
    "lagrum": "legal_basis",
    "startdatum": "start_date",
    "slutdatum": "end_date",
    "skolbyte": "school_change",
    "skolenhetskod": "school_unit_code",
    "första skoldag": "school_start_date",
    "placerande kommun": "placing_municipality",
    "placeringskommun": "location_municipality",
    "flyttar till": "exit_destination",
    "skola efter placeringen": "school_after",
    "ensamkommande": "unaccompanied",
    "orsak till sen skolstart": "late_reason",
}
HEADER_ALIASES = {"personnr": "personal_number", "pnr": "personal_number"}  # short forms users write
# The codes, and the words a user types from Obruten's own screens ("Pojke"): K (kvinna) is
# how many registers write F.
SWEDISH_HEADERS = {english: swedish for swedish, english in SWEDISH_COLUMNS.items()}
SEX_CODES = {"f": "F", "k": "F", "m": "M", "flicka": "F", "kvinna": "F", "pojke": "M", "man": "M"}


def _word(text: str) -> str:
    return " ".join(text.split()).casefold()


def _basis_key(text: str) -> str:
    """A legal basis as written by hand or copied from the form: "LVU 3 §", "LVU3",
    "LVU 3 § (eget beteende)" and "LVU 2 och 3 §§" all reduce to their code's key."""
    return re.sub(r"\(.*?\)|§|\s|och", "", text.casefold())


EXIT_DESTINATIONS = {
    _word(text): value
    for value, label in ExitDestination.choices
    for text in (value.replace("_", " "), str(label))
}
LATE_REASON_WORDS = {
    _word(text): value
    for value, label in LateSchoolStartReason.choices
    for text in (value, value.replace("_", " "), str(label))
}
LEGAL_BASES = {
    _basis_key(text): value
    for value, label in LegalBasis.choices
    for text in (value, str(label))
    if value and _basis_key(text)
}

# Rule codes, as in docs/import-format.md.
RULES = {
    **uploads.FILE_RULES,  # F01, F06–F08
    "F02": _(
        "Rubrikraden saknar kolumnen. Rubrikerna kan skrivas på svenska eller engelska, se mallen "
        "och kolumnlistan på importsidan."
    ),
    "F03": _("Filen innehåller inga rader."),
    "R01": _("Uppgiften saknas men är obligatorisk."),
    "R02": _("Personnumret är ogiltigt."),
    "R03": _("Kön ska vara F (eller K, Flicka) eller M (Pojke)."),
    "R04": _("Okänd kommun: skriv SCB:s fyrsiffriga kod eller kommunens namn."),
    "R05": _("Okänd stadsdelsnämnd (namn eller kod)."),
    "R06": _("Stadsdelsnämnden var inte ansvarig på placeringens startdatum."),
    "R07": _("Okänd placeringsform: skriv koden eller namnet som i Obruten, till exempel hvb eller HVB."),
    "R08": _(
        "Lagrum ska vara SoL, LVU 2 §, LVU 3 §, LVU 2 och 3 §§, LVU 6 § eller SKYB (koden eller texten)."
    ),
    "R09": _("Datum ska skrivas ÅÅÅÅ-MM-DD."),
    "R10": _("Slutdatum är före startdatum."),
    "R11": _("Skolbyte ska vara ja eller nej."),
    "R12": _("Skolenhetskoden ska ha åtta siffror."),
    "R13": _("Skolenhetskod och första skoldag anges tillsammans."),
    "R14": _("Första skoldag är före placeringens startdatum."),
    "R15": _("Första skoldag ligger i framtiden."),
    "R16": _("Placeringen överlappar en annan placering för samma barn."),
    "R17": _("Stadsdelsnämnden är inte en av dina."),
    "R18": _("Samma barn har olika namn eller kön på olika rader."),
    "R19": _(
        "Personnumret hör inte till ett barn du får ändra. Ett barn som handläggs av en annan "
        "stadsdelsnämnd flyttas genom en överflyttning, inte genom import."
    ),
    "R20": _("Värdet är för långt: högst 100 tecken."),
    "R21": _("Datumet ligger utanför det som går att registrera: tidigast 1990-01-01, senast ett år fram."),
    "R22": _(
        "En placering i skyddat boende kan inte ändras till en annan placeringsform genom import. "
        "Ändra den på barnets sida, där du anger skälet."
    ),
    "R23": _("Okänd kommun: skriv SCB:s fyrsiffriga kod eller kommunens namn."),
    "R24": _("Stödboende är för unga från 16 år: placeringen börjar före 16-årsdagen."),
    "R25": _("Stödboende är för unga till och med 20 år: placeringen varar efter dagen före 21-årsdagen."),
    # The law by age and status, as the placement form applies it (obruten.lib.placement_law).
    "R26": _(
        "Lagrummet gäller bara barn som följer med en förälder till skyddat boende (medföljande); "
        "medföljande barn registreras på barnets sida."
    ),
    "R27": _(
        "Vård enligt LVU 2 § beslutas bara för barn under 18 år, enligt LVU 3 § och 6 § bara för unga "
        "under 20 år: placeringen börjar efter den åldern."
    ),
    "R28": _(
        "Vård enligt LVU upphör senast när barnet fyller 18 år (LVU 2 §) eller den unge 21 år (LVU 3 §), "
        "LVU 21 §: slutdatumet ligger efter den dagen."
    ),
    "R29": _(
        "Flyttar till ska vara hem, ny placering, eget boende, annan kommun eller annat "
        "(koden eller texten som i Obruten, till exempel ”Hem till vårdnadshavare”)."
    ),
    "R30": _("Vart barnet flyttar och skolan efteråt anges bara för en placering med slutdatum."),
    "R31": _("Ensamkommande ska vara ja eller nej (eller tomt)."),
    "R32": _(
        "Okänd orsak till sen skolstart: ingen skolplats hittad, väntade på skolans beslut, barnet kunde "
        "inte börja, skyddade uppgifter fördröjde eller annat (koden eller texten som i Obruten)."
    ),
    "R33": _("Första skoldag ligger senare än målet för skolstart efter placeringen: ange orsaken."),
    "R34": _("Orsak till sen skolstart anges bara tillsammans med första skoldag."),
}
# A placement's legal basis against the child's age and status: the codes of the rules above.
LAW_RULES = {
    "not_accompanying": ("legal_basis", "R26"),
    "lvu2_adult": ("legal_basis", "R27"),
    "lvu3_over_20": ("legal_basis", "R27"),
    "lvu2_after_18": ("end_date", "R28"),
    "lvu3_after_21": ("end_date", "R28"),
}
SCHOOL_UNIT_CODE = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class RowError:
    row: int  # the row number in the file, the header being row 1
    column: str
    rule: str
    heading: str = ""  # the column as the file names it (or as the template does, if missing)

    @property
    def message(self) -> str:
        return str(RULES[self.rule])


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    children_created: int = 0
    placements_created: int = 0
    placements_updated: int = 0
    school_starts_written: int = 0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    pnr: str
    birth_date: date
    first_name: str
    last_name: str
    sex: str
    home_municipality: Municipality
    placing_municipality: Municipality
    location_municipality: Municipality | None
    district: District
    form: PlacementForm
    legal_basis: str
    start: date
    end: date | None
    school_change: bool
    school_code: str
    school_start: date | None
    exit_destination: str = ""
    school_after_code: str = ""
    unaccompanied: bool | None = None  # None: not said in the file
    late_reason: str | None = None  # None: the file has no such column


def import_placements(content: bytes | IO[bytes], *, filename: str, actor: Any, via: str) -> ImportResult:
    """Import a file (its bytes, or an open binary file, which is checked against the
    upload limits before it is read)."""
    policy.require(actor, policy.may_import(actor))
    result = ImportResult()
    table, file_errors = read_file(content, filename, (), uploads.limits())
    headings = _headings(table[0]) if table and not file_errors else {}
    if not file_errors:
        table, file_errors = _with_english_headers(table)
    if file_errors:
        result.errors.extend(_named(RowError(*error), headings) for error in file_errors)
        return result
    result.rows = len(table)
    rows = _validate(table, actor, result.errors, via=via)
    if result.errors:
        result.errors[:] = [_named(error, headings) for error in result.errors]
        return result
    given = {name for name in OPTIONAL_COLUMNS if name in table[0]}
    _write(rows, actor=actor, via=via, result=result, optional_columns=given)
    return result


def _header_key(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).lower()


HEADERS = {_header_key(name): name for name in COLUMNS} | {
    _header_key(swedish): name for swedish, name in (SWEDISH_COLUMNS | HEADER_ALIASES).items()
}


def _headings(first_row: dict[str, str]) -> dict[str, str]:
    """Each column's name as the file writes it, by its English name."""
    return {HEADERS[_header_key(key)]: key for key in first_row if _header_key(key) in HEADERS}


def _named(error: RowError, headings: dict[str, str]) -> RowError:
    """The error with its column named as the user wrote it: the file's own header, else
    the Swedish one of the template."""
    heading = headings.get(error.column) or SWEDISH_HEADERS.get(error.column, error.column)
    return replace(error, heading=heading)


def _with_english_headers(table: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[FileError]]:
    """The rows keyed by the English column names (a Swedish header is translated, other
    columns dropped); or F02 for each missing column that is not optional."""
    names = {key: HEADERS[_header_key(key)] for key in table[0] if _header_key(key) in HEADERS}
    missing = [name for name in COLUMNS if name not in names.values() and name not in OPTIONAL_COLUMNS]
    if missing:
        return [], [(1, name, "F02") for name in missing]
    return [{names[key]: value for key, value in row.items() if key in names} for row in table], []


def _validate(table: list[dict[str, str]], actor: Any, errors: list[RowError], *, via: str) -> list[_Row]:
    today = timezone.localdate()
    municipalities = {m.code: m for m in Municipality.objects.all()}
    districts: dict[str, District] = {}
    for each in District.objects.all():
        districts[each.code.lower()] = each
        districts[each.name.lower()] = each
    forms = {key: f for f in PlacementForm.objects.all() for key in (f.code, _word(f.name))}
    by_name = {_word(m.name): m for m in municipalities.values()}
    own_municipality = municipalities[settings.OWN_MUNICIPALITY_CODE]
    own_districts = None
    if actor is not None:
        own_districts = set(policy.own_districts(actor).values_list("pk", flat=True))

    rows: list[_Row] = []
    for number, raw in enumerate(table, start=2):
        check = RowCheck(number, raw, REQUIRED, "R01", RowError)

        pnr, birth_date = "", today
        try:
            parsed = personnummer.parse(raw["personal_number"], today=today)
            pnr, birth_date = parsed.digits, parsed.birth_date
        except personnummer.InvalidPersonalNumber:
            check("personal_number", False, "R02")
        sex = SEX_CODES.get(_word(raw["sex"]), "")
        check("sex", bool(sex), "R03")
        municipality = _municipality(municipalities, by_name, raw["home_municipality"], default=None)
        check("home_municipality", municipality is not None, "R04")
        placing_code, location_code = (
            raw.get("placing_municipality", ""),
            raw.get("location_municipality", ""),
        )
        placing = _municipality(municipalities, by_name, placing_code, default=own_municipality)
        check("placing_municipality", placing is not None, "R23")
        location = _municipality(municipalities, by_name, location_code, default=None)
        check("location_municipality", location is not None or not location_code, "R23")
        district = districts.get(raw["district"].lower())
        check("district", district is not None, "R05")
        form = forms.get(_word(raw["placement_form"]))
        check("placement_form", form is not None, "R07")
        basis = LEGAL_BASES.get(_basis_key(raw["legal_basis"]))
        check("legal_basis", basis is not None, "R08")
        for name in ("first_name", "last_name"):
            check(name, len(raw[name]) <= NAME_MAX_LENGTH, "R20")
        start = iso_date(raw["start_date"])
        if check("start_date", start is not None, "R09") and start is not None:
            check("start_date", registrable_date(start, today), "R21")
        end = iso_date(raw["end_date"]) if raw["end_date"] else None
        if raw["end_date"] and check("end_date", end is not None, "R09") and end is not None:
            check("end_date", registrable_date(end, today), "R21")
        if start and end:
            check("end_date", end >= start, "R10")
        if pnr and start and basis is not None:
            # An imported placement is the child's own (medföljande children are registered
            # on the child's page), so the bases of accompanying children are refused.
            problem = placement_law.legal_basis_status_error(
                basis, start, False
            ) or placement_law.legal_basis_age_error(basis, birth_date, start, end)
            if problem is not None:
                column, rule = LAW_RULES[problem]
                check(column, False, rule)
        if pnr and form and form.code == STODBOENDE and start:
            age_error = placement_law.stodboende_age_error(birth_date, start, end)
            if age_error:
                check("placement_form", False, STODBOENDE_RULES[age_error])
        if district and start and check("district", district.is_valid_on(start), "R06"):
            check("district", own_districts is None or district.pk in own_districts, "R17")
        check("school_change", raw["school_change"].lower() in {"ja", "nej"}, "R11")
        code, school_day_text = raw["school_unit_code"], raw["school_start_date"]
        school_day = iso_date(school_day_text) if school_day_text else None
        if bool(code) != bool(school_day_text):
            check("school_unit_code" if not code else "school_start_date", False, "R13")
        if code:
            check("school_unit_code", bool(SCHOOL_UNIT_CODE.match(code)), "R12")
        if school_day_text and check("school_start_date", school_day is not None, "R09"):
            assert school_day is not None
            if start:
                check("school_start_date", school_day >= start, "R14")
            check("school_start_date", school_day <= today, "R15")
        late_reason = _late_reason(raw, start, school_day, check)
        destination_text, school_after = raw.get("exit_destination", ""), raw.get("school_after", "")
        destination = EXIT_DESTINATIONS.get(_word(destination_text), "") if destination_text else ""
        check("exit_destination", bool(destination) or not destination_text, "R29")
        if school_after:
            check("school_after", bool(SCHOOL_UNIT_CODE.match(school_after)), "R12")
        if not raw["end_date"]:
            for name in ("exit_destination", "school_after"):
                check(name, not raw.get(name), "R30")
        unaccompanied = raw.get("unaccompanied", "").lower()
        check("unaccompanied", unaccompanied in {"ja", "nej", ""}, "R31")
        if check.errors:
            errors.extend(check.errors)
            continue
        assert municipality and placing and district and form and start and basis is not None
        rows.append(
            _Row(
                number=number,
                pnr=pnr,
                birth_date=birth_date,
                first_name=raw["first_name"],
                last_name=raw["last_name"],
                sex=sex,
                home_municipality=municipality,
                placing_municipality=placing,
                location_municipality=location,
                district=district,
                form=form,
                legal_basis=basis,
                start=start,
                end=end,
                school_change=raw["school_change"].lower() == "ja",
                school_code=code,
                school_start=school_day,
                exit_destination=destination,
                school_after_code=school_after,
                unaccompanied={"ja": True, "nej": False}.get(unaccompanied),
                late_reason=late_reason,
            )
        )
    rows = _check_scope(rows, actor, errors, via)
    _check_children(rows, errors)
    errors.sort(key=lambda error: (error.row, COLUMNS.index(error.column) if error.column in COLUMNS else -1))
    return rows


def _late_reason(
    raw: dict[str, str], start: date | None, school_day: date | None, check: RowCheck
) -> str | None:
    """The row's reason for a late school start (lib/school_start.py), asked only where the
    file has the column: None where it has not."""
    if "late_reason" not in raw:
        return None
    text = raw["late_reason"]
    reason = LATE_REASON_WORDS.get(_word(text), "") if text else ""
    if not check("late_reason", bool(reason) or not text, "R32"):
        return None
    if school_day is None:
        check("late_reason", not reason, "R34")
        return reason
    if start is not None and start <= school_day <= timezone.localdate():  # else the date's own error
        goal = municipal.school_start_goal_on(start)
        problem = school_start_rule.late_reason_problem((school_day - start).days, goal, reason)
        check("late_reason", problem is None, "R33")
    return reason


NAME_MAX_LENGTH = 100
STODBOENDE = "stodboende"
STODBOENDE_RULES = {"under_16": "R24", "over_20": "R25"}


def _municipality(
    known: dict[str, Municipality],
    by_name: dict[str, Municipality],
    text: str,
    *,
    default: Municipality | None,
) -> Municipality | None:
    """The municipality of an SCB code or a name ("Stockholm"); ``default`` for an empty
    cell, None for one that is neither."""
    if not text:
        return default
    return known.get(text.zfill(4)) or by_name.get(_word(text))


def _check_scope(rows: list[_Row], actor: Any, errors: list[RowError], via: str) -> list[_Row]:
    """Rows naming a child already in the register that the importer may not change get
    R19, before any other rule about that child, so the report tells nothing about it;
    each such attempt is audited on the child's record. The other rows are returned."""
    if actor is None:
        return rows
    numbers = list({row.pnr for row in rows})
    registered = dict(
        _by_chunks(
            lambda chunk: Child.objects.filter(personal_number__in=chunk).values_list(
                "personal_number", "pk"
            ),
            numbers,
        )
    )
    visible = set(  # a child whose whereabouts are hidden from the actor is not theirs to change
        _by_chunks(
            lambda chunk: (
                policy.children_with_whereabouts_for(actor)
                .filter(personal_number__in=chunk)
                .values_list("personal_number", flat=True)
            ),
            list(registered),
        )
    )
    refused = [row for row in rows if row.pnr in registered and row.pnr not in visible]
    errors.extend(RowError(row.number, "personal_number", "R19") for row in refused)
    audit.record_many(
        audit.Entry(action=audit.Action.REFUSED, via=via, actor=actor, child_id=child_id, reason="R19")
        for child_id in dict.fromkeys(registered[row.pnr] for row in refused)
    )
    return [row for row in rows if row not in refused]


def _check_children(rows: list[_Row], errors: list[RowError]) -> None:
    """The same child's rows agree, and no two placements of one child overlap (in
    the file or against the register, a row with the same start being the same one)."""
    by_child: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_child[row.pnr].append(row)
    stored: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    in_register = _by_chunks(
        lambda chunk: Placement.objects.filter(child__personal_number__in=chunk).values_list(
            "child__personal_number", "start_date", "end_date"
        ),
        list(by_child),
    )
    for pnr, start, end in in_register:
        stored[pnr].append((start, end))
    protected_housing = {
        (pnr, start)
        for pnr, start in _by_chunks(
            lambda chunk: Placement.objects.filter(
                child__personal_number__in=chunk, form__is_protected_housing=True, accompanying=False
            ).values_list("child__personal_number", "start_date"),
            list(by_child),
        )
    }
    for pnr, child_rows in by_child.items():
        first = child_rows[0]
        starts: set[date] = set()
        for row in child_rows:
            if row is not first and (row.first_name, row.last_name, row.sex) != (
                first.first_name,
                first.last_name,
                first.sex,
            ):
                errors.append(RowError(row.number, "personal_number", "R18"))
            if row.start in starts:  # two rows for one placement
                errors.append(RowError(row.number, "start_date", "R16"))
            starts.add(row.start)
            if (pnr, row.start) in protected_housing and not row.form.is_protected_housing:
                errors.append(RowError(row.number, "placement_form", "R22"))
        periods = {start: end for start, end in stored[pnr]}
        for row in child_rows:
            periods[row.start] = row.end  # a row with a known start replaces that placement
        ordered = sorted(periods.items())
        starts_in_file = {row.start: row for row in child_rows}
        for (start_a, end_a), (start_b, _end_b) in pairwise(ordered):
            if end_a is None or end_a >= start_b:
                culprit = starts_in_file.get(start_b) or starts_in_file.get(start_a)
                if culprit is not None:
                    errors.append(RowError(culprit.number, "start_date", "R16"))


@transaction.atomic
def _write(
    rows: list[_Row], *, actor: Any, via: str, result: ImportResult, optional_columns: set[str]
) -> None:
    """Write the validated rows: bulk inserts and updates, and one audit event per child
    naming every record the import created or changed for that child. An optional column
    left out of the file leaves that field of a placement in the register as it is."""
    rows = sorted(rows, key=lambda row: (row.pnr, row.start))
    schools_after = _schools({row.school_after_code for row in rows if row.school_after_code})
    newest = {row.pnr: row for row in rows}  # each child's latest row in the file
    children = _by_chunks(lambda chunk: Child.objects.filter(personal_number__in=chunk), list(newest))
    children_by_pnr = {child.personal_number: child for child in children}
    case_worker = actor if actor is not None and actor.role == Role.CASE_WORKER else None
    new_children = [
        Child(
            personal_number=pnr,
            first_name=row.first_name,
            last_name=row.last_name,
            birth_date=row.birth_date,
            sex=row.sex,
            home_municipality=row.home_municipality,
            district=row.district,
            case_worker=case_worker,
            unaccompanied=bool(row.unaccompanied),
        )
        for pnr, row in newest.items()
        if pnr not in children_by_pnr
    ]
    Child.objects.bulk_create(new_children, batch_size=1000)
    children_by_pnr.update({child.personal_number: child for child in new_children})
    result.children_created = len(new_children)
    changes: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for child in new_children:
        changes[child.pk]["created"].append(f"child {child.pk}")

    _update_unaccompanied(rows, children_by_pnr, {c.pk for c in new_children}, changes)
    child_ids = [child.pk for child in children_by_pnr.values()]
    existing = {
        (p.child_id, p.start_date): p
        for p in _by_chunks(lambda chunk: Placement.objects.filter(child_id__in=chunk), child_ids)
    }
    placements: dict[int, Placement] = {}  # by row number
    to_create: list[Placement] = []
    to_update: list[Placement] = []
    for row in rows:
        child = children_by_pnr[row.pnr]
        values = {
            "form_id": row.form.pk,
            "legal_basis": row.legal_basis,
            "end_date": row.end,
            "district_id": row.district.pk,
            "school_change": row.school_change,
        }
        optional = {
            "placing_municipality_id": row.placing_municipality.pk,
            "location_municipality_id": row.location_municipality.pk if row.location_municipality else None,
            "exit_destination": row.exit_destination,
            "school_after_id": schools_after[row.school_after_code].pk if row.school_after_code else None,
        }
        values |= {
            key: value for key, value in optional.items() if key.removesuffix("_id") in optional_columns
        }
        if row.end is None:  # where the child goes belongs to an ending (R30), with or without the column
            values |= {"exit_destination": "", "school_after_id": None}
        placement = existing.get((child.pk, row.start))
        if placement is None:
            placement = Placement(child_id=child.pk, start_date=row.start, **(optional | values))
            to_create.append(placement)
        elif any(getattr(placement, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(placement, k, v)
            to_update.append(placement)
        placements[row.number] = placement
    Placement.objects.bulk_create(to_create, batch_size=1000)
    placement_columns = [name for name in PLACEMENT_OPTIONAL if name in optional_columns]
    fields = {*_PLACEMENT_UPDATE_FIELDS, *placement_columns}
    if any(placement.end_date is None for placement in to_update):  # cleared with the end date (R30)
        fields |= {"exit_destination", "school_after"}
    Placement.objects.bulk_update(to_update, sorted(fields), batch_size=1000)
    result.placements_created, result.placements_updated = len(to_create), len(to_update)
    for placement in to_create:
        changes[placement.child_id]["created"].append(f"placement {placement.pk}")
    for placement in to_update:
        changes[placement.child_id]["updated"].append(f"placement {placement.pk}")

    _write_school_starts(rows, placements, changes, result)
    _follow_newest_placements(newest, children_by_pnr, existing)
    audit.record_many(
        audit.Entry(
            action=audit.Action.IMPORT,
            via=via,
            actor=actor,
            child_id=child_id,
            object_type="child",
            object_id=child_id,
            changes=dict(child_changes),
        )
        for child_id, child_changes in changes.items()
    )


def _update_unaccompanied(
    rows: list[_Row], children: dict[str, Child], created: set[int], changes: dict[int, dict[str, list[Any]]]
) -> None:
    """A child already in the register is marked unaccompanied (or not) where the file says."""
    said = {row.pnr: row.unaccompanied for row in rows if row.unaccompanied is not None}
    changed = []
    for pnr, value in said.items():
        child = children[pnr]
        if child.pk not in created and child.unaccompanied != value:
            child.unaccompanied = value
            changed.append(child)
            changes[child.pk]["unaccompanied"].append(value)
    Child.objects.bulk_update(changed, ["unaccompanied"], batch_size=1000)


def _write_school_starts(
    rows: list[_Row],
    placements: dict[int, Placement],
    changes: dict[int, dict[str, list[Any]]],
    result: ImportResult,
) -> None:
    schools = _schools({row.school_code for row in rows if row.school_code})
    with_school = [row for row in rows if row.school_code and row.school_start is not None]
    stored = {
        s.placement_id: s
        for s in _by_chunks(
            lambda chunk: SchoolStart.objects.filter(placement_id__in=chunk),
            [placements[row.number].pk for row in with_school],
        )
    }
    new_starts, changed_starts = [], []
    for row in with_school:
        assert row.school_start is not None
        placement = placements[row.number]
        school = schools[row.school_code]
        days = (row.school_start - row.start).days
        current = stored.get(placement.pk)
        kept = current.late_reason if current is not None and row.late_reason is None else row.late_reason
        late = school_start_rule.is_late(days, municipal.school_start_goal_on(row.start))
        reason = (kept or "") if late else ""
        if current is None:
            current = SchoolStart(
                placement_id=placement.pk,
                school_id=school.pk,
                first_school_day=row.school_start,
                days_to_school_start=days,
                late_reason=reason,
            )
            new_starts.append(current)
        elif (current.school_id, current.first_school_day, current.late_reason) != (
            school.pk,
            row.school_start,
            reason,
        ):
            current.school_id, current.first_school_day = school.pk, row.school_start
            current.days_to_school_start, current.late_reason = days, reason
            changed_starts.append(current)
        else:
            continue
        changes[placement.child_id]["school_start"].append(f"placement {placement.pk}")
    SchoolStart.objects.bulk_create(new_starts, batch_size=1000)
    SchoolStart.objects.bulk_update(
        changed_starts, ["school", "first_school_day", "days_to_school_start", "late_reason"], batch_size=1000
    )
    result.school_starts_written = len(new_starts) + len(changed_starts)


_PLACEMENT_UPDATE_FIELDS = ("form", "legal_basis", "end_date", "district", "school_change")
T = TypeVar("T")


def _by_chunks(query: Callable[[list[Any]], Iterable[T]], keys: list[Any], size: int = 900) -> list[T]:
    """Run ``query`` over ``keys`` in chunks (SQLite limits the parameters of a query)."""
    found: list[T] = []
    for start in range(0, len(keys), size):
        found.extend(query(keys[start : start + size]))
    return found


def _schools(codes: set[str]) -> dict[str, School]:
    """Schools by unit code; a code not yet in the register is added with a placeholder
    name until Skolverket's school register is loaded."""
    known = {s.unit_code: s for s in School.objects.filter(unit_code__in=codes)}
    missing = [School(unit_code=code, name=f"Skolenhet {code}") for code in codes - known.keys()]
    School.objects.bulk_create(missing)
    known.update({school.unit_code: school for school in missing})
    return known


def _follow_newest_placements(
    newest: dict[str, _Row], children: dict[str, Child], existing: dict[tuple[int, date], Placement]
) -> None:
    """A child's responsible district is that of its newest placement, in the file or
    already in the register."""
    latest_stored: dict[int, Placement] = {}
    for (child_id, start), placement in existing.items():
        if child_id not in latest_stored or start > latest_stored[child_id].start_date:
            latest_stored[child_id] = placement
    changed = []
    for pnr, row in newest.items():
        child = children[pnr]
        stored = latest_stored.get(child.pk)
        district_id = stored.district_id if stored and stored.start_date > row.start else row.district.pk
        if child.district_id != district_id:
            child.district_id = district_id
            changed.append(child)
    Child.objects.bulk_update(changed, ["district"], batch_size=1000)
