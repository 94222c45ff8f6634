"""The monthly statistics file: an internal exchange between a district and the city's
central office (docs/statistics.md, "The monthly statistics file"). The export carries exact
counts and is marked secret on every sheet; the import feeds the reports, each row only in
the month its file describes."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten import municipal, spreadsheets, uploads
from obruten.accounts import policy
from obruten.audit import log as audit
from obruten.lib import school_start as school_start_rule
from obruten.lib.calendar import period_bounds
from obruten.lib.tabular import RowCheck, iso_date, read_file
from obruten.register.models import District, Placement, PlacementForm

from .models import ImportedPlacement, StatisticsImport

# The legal marking stays Swedish in every language: it cites Swedish law, and the file
# goes to Swedish offices.
SECRECY = (
    "Sekretess enligt offentlighets- och sekretesslagen (2009:400) 26 kap. 1 § – "
    "internt underlag, får inte publiceras"
)
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

COLUMNS = (
    "district",
    "month",
    "placement_form",
    "sex",
    "start_date",
    "end_date",
    "school_change",
    "school_start_date",
)
REQUIRED = ("district", "month", "placement_form", "sex", "start_date", "school_change")
RULES: dict[str, Any] = {
    **uploads.FILE_RULES,  # F01, F06–F08
    "F02": _("Rubrikraden saknar kolumner."),
    "F03": _("Filen innehåller inga rader."),
    "F04": _("Filen ska gälla en stadsdelsnämnd och en månad."),
    "F05": _("Stadsdelsnämnden har redan placeringar i Obruten den månaden; de skulle räknas två gånger."),
    "S01": _("Uppgiften saknas men är obligatorisk."),
    "S02": _("Okänd stadsdelsnämnd (namn eller kod)."),
    "S03": _("Månaden ska skrivas ÅÅÅÅ-MM."),
    "S04": _("Okänd placeringsform."),
    "S05": _("Kön ska vara F eller M."),
    "S06": _("Datum ska skrivas ÅÅÅÅ-MM-DD."),
    "S07": _("Slutdatum är före startdatum."),
    "S08": _("Placeringen började inte under filens månad."),
    "S09": _("Skolbyte ska vara ja eller nej."),
    "S10": _("Första skoldag är före placeringens startdatum."),
    "S11": _("Första skoldag anges bara för placeringar med skolbyte."),
    "S12": _("Stadsdelsnämnden fanns inte den månaden."),
    "S13": _("Månaden har inte börjat än."),
    "S14": _("Raden ska gälla en enda månad: skriv ÅÅÅÅ-MM, utan intervall, annan dag eller ”och framåt”."),
    "S15": _("Du kan bara importera månadsfiler för dina egna stadsdelsnämnder."),
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    rule: str

    @property
    def message(self) -> str:
        return str(RULES[self.rule])


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    replaced: bool = False
    district: str = ""
    month: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def read_month(text: str) -> tuple[date | None, str]:
    """The one month a cell names, or the rule it breaks. ``YYYY-MM`` and the month's
    first day (how Excel stores a typed month) name one month; a cell that names a month
    and more (a range, another day, "och framåt") is open-ended (S14)."""
    text = text.strip()
    found = MONTH.search(text)
    try:
        month = date(int(found[1]), int(found[2]), 1) if found else None
    except ValueError:
        month = None
    if month is None:
        return None, "S03"
    if text not in {f"{month:%Y-%m}", f"{month:%Y-%m}-01"}:
        return None, "S14"
    return month, ""


def existed(district: District, month: date) -> bool:
    """The district was valid some day of the month."""
    last = period_bounds(month.year, f"{month:%Y-%m}")[1]
    return (district.valid_from is None or district.valid_from <= last) and (
        district.valid_to is None or district.valid_to >= month
    )


@dataclass(frozen=True)
class _Known:
    districts: dict[str, District]
    forms: dict[str, PlacementForm]
    allowed: set[int]  # the districts the actor may import
    this_month: date


def _known(actor: Any) -> _Known:
    districts: dict[str, District] = {}
    for each in District.objects.all():
        districts[each.code.lower()] = districts[each.name.lower()] = each
    return _Known(
        districts=districts,
        forms={form.code: form for form in PlacementForm.objects.all()},
        allowed=set(policy.monthly_file_districts(actor).values_list("pk", flat=True)),
        this_month=timezone.localdate().replace(day=1),
    )


def _check_row(
    number: int, raw: dict[str, str], known: _Known
) -> tuple[list[RowError], tuple[District, date] | None, ImportedPlacement | None]:
    """The row's errors, or the district and month it describes and the row to write."""
    check = RowCheck(number, raw, REQUIRED, "S01", RowError)
    district = known.districts.get(raw["district"].lower())
    if check("district", district is not None, "S02") and district:
        check("district", district.pk in known.allowed, "S15")
    month, month_rule = read_month(raw["month"])
    if check("month", month is not None, month_rule) and month:
        check("month", month <= known.this_month, "S13")
        if district:
            check("month", existed(district, month), "S12")
    form = known.forms.get(raw["placement_form"].lower())
    check("placement_form", form is not None, "S04")
    check("sex", raw["sex"].upper() in {"F", "M"}, "S05")
    start = iso_date(raw["start_date"])
    check("start_date", start is not None, "S06")
    end = iso_date(raw["end_date"]) if raw["end_date"] else None
    if raw["end_date"] and check("end_date", end is not None, "S06") and start and end:
        check("end_date", end >= start, "S07")
    if start and month:
        check("start_date", (start.year, start.month) == (month.year, month.month), "S08")
    change = raw["school_change"].lower()
    check("school_change", change in {"ja", "nej"}, "S09")
    school_day = iso_date(raw["school_start_date"]) if raw["school_start_date"] else None
    if raw["school_start_date"] and check("school_start_date", school_day is not None, "S06"):
        check("school_start_date", change != "nej", "S11")
        if start and school_day:
            check("school_start_date", school_day >= start, "S10")
    if check.errors:
        return check.errors, None, None
    assert district and month and form and start
    row = ImportedPlacement(
        district=district,
        form=form,
        sex=raw["sex"].upper(),
        start_date=start,
        end_date=end,
        school_change=change == "ja",
        days_to_school_start=(school_day - start).days if school_day else None,
    )
    return [], (district, month), row


def import_statistics(content: bytes | IO[bytes], *, filename: str, actor: Any, via: str) -> ImportResult:
    """Validate every row, then write all or nothing (an open file is checked against the
    upload limits before it is read). Only the analyst and the district's own enhetschef
    may import (S15 for another district)."""
    policy.require(actor, policy.may_exchange_monthly_file(actor))
    result = ImportResult()
    table, file_errors = read_file(content, filename, COLUMNS, uploads.limits())
    if file_errors:
        result.errors.extend(RowError(*error) for error in file_errors)
        return result
    known = _known(actor)
    rows: list[ImportedPlacement] = []
    keys: set[tuple[int, date]] = set()
    for number, raw in enumerate(table, start=2):
        errors, key, row = _check_row(number, raw, known)
        result.errors.extend(errors)
        if key and row:
            keys.add((key[0].pk, key[1]))
            rows.append(row)
    if any(error.rule == "S15" for error in result.errors):
        audit.record(
            actor=actor,
            action=audit.Action.REFUSED,
            via=via,
            reason="S15",
            changes={"file": [None, filename[:200]]},
        )
    if result.errors:
        return result
    if len(keys) != 1:
        result.errors.append(RowError(0, "district", "F04"))
        return result
    ((district_id, month),) = keys
    start, end = period_bounds(month.year, f"{month:%Y-%m}")
    if Placement.objects.filter(district_id=district_id, start_date__range=(start, end)).exists():
        result.errors.append(RowError(0, "district", "F05"))
        return result
    _write(rows, district_id, month, actor=actor, via=via, filename=filename, result=result)
    return result


@transaction.atomic
def _write(
    rows: list[ImportedPlacement],
    district_id: int,
    month: date,
    *,
    actor: Any,
    via: str,
    filename: str,
    result: ImportResult,
) -> None:
    source, created = StatisticsImport.objects.update_or_create(
        district_id=district_id,
        month=month,
        defaults={"imported_by": actor if getattr(actor, "pk", None) else None, "filename": filename[:200]},
    )
    replaced = 0 if created else source.placements.all().delete()[0]
    for row in rows:
        row.source = source
    ImportedPlacement.objects.bulk_create(rows)
    audit.record(
        actor=actor,
        action=audit.Action.IMPORT,
        via=via,
        obj=source,
        changes={
            "district": [None, district_id],
            "month": [None, f"{month:%Y-%m}"],
            "rows": [replaced or None, len(rows)],
        },
    )
    result.rows, result.replaced = len(rows), not created
    result.district, result.month = source.district.name, f"{month:%Y-%m}"


def _counts(district: District, forms: list[PlacementForm], start: date, end: date) -> list[list[int]]:
    """Per placement form: no school change, school start within the goal, later, none
    yet; the register's placements begun in the month and the rows of the month's file."""
    goals = municipal.school_start_goals()
    counts = {form.pk: [0, 0, 0, 0] for form in forms}
    placements = Placement.objects.filter(district=district, start_date__range=(start, end)).values_list(
        "form_id", "school_change", "school_start__days_to_school_start", "start_date"
    )
    imported = ImportedPlacement.objects.filter(district=district, source__month=start).values_list(
        "form_id", "school_change", "days_to_school_start", "start_date"
    )
    for form_id, change, days, began in [*placements, *imported]:
        late = days is not None and school_start_rule.is_late(days, goals.on(began))
        column = 0 if not change else 3 if days is None else 2 if late else 1
        counts[form_id][column] += 1
    return [counts[form.pk] for form in forms]


def export_month(year: int, month: int, *, actor: Any, via: str) -> bytes:
    """One XLSX, a sheet per district the actor may exchange files for (the analyst all,
    an enhetschef their own): placements begun in the month per placement form, by school
    change and days to school start, in exact counts. It is an internal exchange, not a
    publication: every sheet carries the secrecy marking, and the export is audited."""
    policy.require(actor, policy.may_exchange_monthly_file(actor))
    start, end = period_bounds(year, f"{year:04d}-{month:02d}")
    forms = list(PlacementForm.objects.order_by("sort_order"))
    districts = list(
        policy.monthly_file_districts(actor).filter(District.valid_between(start, end)).order_by("sort_order")
    )
    buffer = io.BytesIO()
    workbook = spreadsheets.workbook(buffer)
    workbook.set_properties({"title": f"Månadsstatistik {start:%Y-%m}", "comments": SECRECY})
    sheet = _Sheet(workbook, f"{start:%Y-%m}", municipal.school_start_goals().between(start, end))
    for district in districts:
        sheet.write(district.name, [f.name for f in forms], _counts(district, forms, start, end))
    if not districts:
        sheet.write("Inga stadsdelsnämnder", [], [])
    workbook.close()
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        via=via,
        changes={
            "monthly_file": [None, f"{start:%Y-%m}"],
            "districts": [None, [district.code for district in districts]],
        },
    )
    return buffer.getvalue()


class _Sheet:
    """Writes one district's sheet: the secrecy marking (in the first row and the printed
    header), the title, the table with totals, and what the figures are."""

    def __init__(self, workbook: Any, month: str, goals: set[int]) -> None:
        self.workbook, self.month = workbook, month
        self.secret = workbook.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        self.bold = workbook.add_format({"bold": True})
        self.head = workbook.add_format({"bold": True, "bg_color": "#DDE3EA", "border": 1, "text_wrap": True})
        self.cell = workbook.add_format({"border": 1})
        self.total = workbook.add_format({"border": 1, "bold": True})
        # Each placement against the goal of its start: a month with two goals says "målet".
        goal = f"{min(goals)} dagar" if len(goals) == 1 else "målet"
        self.columns = [
            "Utan skolbyte",
            f"Skolstart inom {goal}",
            f"Skolstart efter {'mer än ' if len(goals) == 1 else ''}{goal}",
            "Ingen skolstart ännu",
            "Påbörjade placeringar",
        ]

    def write(self, name: str, forms: list[str], counts: list[list[int]]) -> None:
        sheet = self.workbook.add_worksheet(spreadsheets.sheet_name(name, self.workbook.sheetnames))
        sheet.set_header(f"&C&B{SECRECY}")
        sheet.merge_range(0, 0, 0, len(self.columns), SECRECY, self.secret)
        sheet.write(1, 0, f"{name}: placeringar som började {self.month}", self.bold)
        sheet.write_row(3, 0, ["Placeringsform", *self.columns], self.head)
        rows = [[*row, sum(row)] for row in counts]
        totals = [sum(column) for column in zip(*rows, strict=True)] if rows else [0] * len(self.columns)
        for r, (label, row) in enumerate([*zip(forms, rows, strict=True), ("Totalt", totals)]):
            style = self.total if label == "Totalt" else self.cell
            sheet.write(4 + r, 0, label, style)
            sheet.write_row(4 + r, 1, row, style)
        sheet.write(
            6 + len(rows),
            0,
            "Exakta antal, för stadens sammanställning. Siffrorna publiceras bara genom "
            "Obrutens skyddade rapporter.",
        )
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, len(self.columns), 16)
