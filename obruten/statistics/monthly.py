"""The monthly statistics file: export of each district's month, and import of a
district's file (docs/statistics.md, "The monthly statistics file")."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

import xlsxwriter
from django.db import transaction

from obruten import uploads
from obruten.audit import log as audit
from obruten.lib.calendar import period_bounds
from obruten.lib.disclosure import protect
from obruten.lib.tabular import RowCheck, iso_date, read_file
from obruten.register.models import District, Placement, PlacementForm

from .models import ImportedPlacement, StatisticsImport
from .protection import rules

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
RULES: dict[str, str] = {
    **uploads.FILE_RULES,  # F01, F06–F08
    "F02": "Rubrikraden saknar kolumner.",
    "F03": "Filen innehåller inga rader.",
    "F04": "Filen ska gälla en stadsdelsnämnd och en månad.",
    "F05": "Stadsdelsnämnden har redan placeringar i Obruten den månaden; de skulle räknas två gånger.",
    "S01": "Uppgiften saknas men är obligatorisk.",
    "S02": "Okänd stadsdelsnämnd (namn eller kod).",
    "S03": "Månaden ska skrivas ÅÅÅÅ-MM.",
    "S04": "Okänd placeringsform.",
    "S05": "Kön ska vara F eller M.",
    "S06": "Datum ska skrivas ÅÅÅÅ-MM-DD.",
    "S07": "Slutdatum är före startdatum.",
    "S08": "Placeringen började inte under filens månad.",
    "S09": "Skolbyte ska vara ja eller nej.",
    "S10": "Första skoldag är före placeringens startdatum.",
    "S11": "Första skoldag anges bara för placeringar med skolbyte.",
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


def _month(text: str) -> date | None:
    try:
        year, month = (int(part) for part in text[:7].split("-"))
        return date(year, month, 1)
    except ValueError:
        return None


def import_statistics(
    content: bytes | IO[bytes], *, filename: str, actor: Any, via: str
) -> ImportResult:
    """Validate every row, then write all or nothing (an open file is checked against the
    upload limits before it is read)."""
    result = ImportResult()
    table, file_errors = read_file(content, filename, COLUMNS, uploads.limits())
    if file_errors:
        result.errors.extend(RowError(*error) for error in file_errors)
        return result
    districts: dict[str, District] = {}
    for each in District.objects.all():
        districts[each.code.lower()] = districts[each.name.lower()] = each
    forms = {form.code: form for form in PlacementForm.objects.all()}
    rows: list[ImportedPlacement] = []
    keys: set[tuple[int, date]] = set()
    for number, raw in enumerate(table, start=2):
        check = RowCheck(number, raw, REQUIRED, "S01", RowError)

        district = districts.get(raw["district"].lower())
        check("district", district is not None, "S02")
        month = _month(raw["month"])
        check("month", month is not None, "S03")
        form = forms.get(raw["placement_form"].lower())
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
            result.errors.extend(check.errors)
            continue
        assert district and month and form and start
        keys.add((district.pk, month))
        rows.append(
            ImportedPlacement(
                district=district,
                form=form,
                sex=raw["sex"].upper(),
                start_date=start,
                end_date=end,
                school_change=change == "ja",
                days_to_school_start=(school_day - start).days if school_day else None,
            )
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


def export_month(year: int, month: int, *, actor: Any, via: str) -> bytes:
    """One XLSX, a sheet per district: placements begun in the month per placement form,
    by school change and days to school start, protected like every report."""
    start, end = period_bounds(year, f"{year:04d}-{month:02d}")
    forms = list(PlacementForm.objects.order_by("sort_order"))
    districts = District.objects.filter(District.valid_between(start, end)).order_by("sort_order")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    head = workbook.add_format({"bold": True, "bg_color": "#DDE3EA", "border": 1, "text_wrap": True})
    cell = workbook.add_format({"border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    columns = [
        "Utan skolbyte",
        "Skolstart inom 7 dagar",
        "Skolstart efter mer än 7 dagar",
        "Ingen skolstart ännu",
    ]
    disclosure = rules()
    for district in districts:
        counts = {form.pk: [0, 0, 0, 0] for form in forms}
        placements = Placement.objects.filter(district=district, start_date__range=(start, end)).values_list(
            "form_id", "school_change", "school_start__days_to_school_start"
        )
        imported = ImportedPlacement.objects.filter(
            district=district, start_date__range=(start, end)
        ).values_list("form_id", "school_change", "days_to_school_start")
        for form_id, change, days in [*placements, *imported]:
            column = 0 if not change else 3 if days is None else 1 if days <= 7 else 2
            counts[form_id][column] += 1
        table = protect([f.name for f in forms], columns, [counts[f.pk] for f in forms], disclosure)
        sheet = workbook.add_worksheet(district.name[:31])
        sheet.write(0, 0, f"{district.name}: placeringar som började {year:04d}-{month:02d}", bold)
        sheet.write_row(2, 0, ["Placeringsform", *columns, "Påbörjade placeringar"], head)
        for r, label in enumerate(table.row_labels):
            sheet.write(3 + r, 0, label, cell)
            for c in range(len(table.grid[0])):
                value = table.value(r, c)
                sheet.write(3 + r, 1 + c, disclosure.symbol if value is None else value, cell)
        note_row = 4 + len(table.row_labels)
        sheet.merge_range(
            note_row,
            0,
            note_row,
            5,
            f"{disclosure.symbol} = dolt för att inget barn ska kunna pekas ut (antal 1–"
            f"{disclosure.threshold - 1} och celler som annars skulle avslöja dem).",
            wrap,
        )
        sheet.set_row(note_row, 30)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 5, 16)
    workbook.close()
    audit.record(
        actor=actor,
        action=audit.Action.EXPORT,
        via=via,
        changes={"monthly_file": [None, f"{year:04d}-{month:02d}"]},
    )
    return buffer.getvalue()
