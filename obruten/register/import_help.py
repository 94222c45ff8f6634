"""What the import page offers beside the upload: the help page's column table and a
template workbook with the Swedish headers, an example row and a drop-down for each code
list (docs/import-format.md)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from obruten.accounts import policy

from .imports import COLUMNS, OPTIONAL_COLUMNS, REQUIRED, SWEDISH_HEADERS
from .models import ExitDestination, LateSchoolStartReason, LegalBasis, Municipality, PlacementForm

# Skatteverket's published test number: the example names no real person.
EXAMPLE = {
    "personal_number": "20250418-2391",
    "first_name": "Testa",
    "last_name": "Testsson",
    "sex": "F",
    "home_municipality": "0180",
    "placement_form": "familjehem",
    "legal_basis": "SoL",
    "start_date": "2025-09-01",
    "end_date": "",
    "school_change": "nej",
    "school_unit_code": "",
    "school_start_date": "",
    "placing_municipality": "0180",
    "location_municipality": "0180",
    "exit_destination": "",
    "school_after": "",
    "unaccompanied": "nej",
    "late_reason": "",
}
CONTENT = {
    "personal_number": _("Personnummer eller samordningsnummer, 10 eller 12 siffror."),
    "first_name": _("Förnamn."),
    "last_name": _("Efternamn."),
    "sex": _("F (eller K) eller M."),
    "home_municipality": _("Hemkommunens kod, SCB:s fyra siffror."),
    "district": _(
        "Ansvarig stadsdelsnämnd, namn eller kod. För ett barn som en annan kommun placerat: "
        "nämnden där barnet bor under placeringen."
    ),
    "placement_form": _("Placeringsformens kod, se kodlistan."),
    "legal_basis": _("SoL, LVU2, LVU3, LVU23, LVU6 eller SKYB."),
    "start_date": _("Placeringens startdatum, ÅÅÅÅ-MM-DD."),
    "end_date": _("Slutdatum, tomt för en pågående placering."),
    "school_change": _("ja eller nej."),
    "school_unit_code": _("Skolverkets skolenhetskod, åtta siffror, eller tomt."),
    "school_start_date": _("Första dagen med faktisk skolgång, eller tomt."),
    "placing_municipality": _("Placerande kommun, SCB:s kod. Tomt: den egna kommunen."),
    "location_municipality": _("Kommunen där barnet bor under placeringen. Skyddas som adressen."),
    "exit_destination": _(
        "Vart barnet flyttar när placeringen upphör: hem, ny placering, eget boende, annan kommun "
        "eller annat. Bara med slutdatum."
    ),
    "school_after": _("Skolenhetskoden för skolan barnet går i efter placeringen. Bara med slutdatum."),
    "unaccompanied": _("ja om barnet är ensamkommande, annars nej. Tomt: oförändrat."),
    "late_reason": _(
        "Om första skoldag ligger senare än målet: varför (ingen skolplats hittad, väntade på skolans "
        "beslut, barnet kunde inte börja, skyddade uppgifter fördröjde eller annat). Krävs då, om "
        "kolumnen finns."
    ),
}


@dataclass(frozen=True)
class ColumnHelp:
    name: str
    swedish: str
    content: str | Promise
    required: bool
    optional_column: bool


def columns() -> list[ColumnHelp]:
    return [
        ColumnHelp(name, SWEDISH_HEADERS[name], CONTENT[name], name in REQUIRED, name in OPTIONAL_COLUMNS)
        for name in COLUMNS
    ]


def template_workbook(actor: Any) -> bytes:
    """The first sheet is the one imported; the code lists are on the second (the districts
    those the actor may import into)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Placeringar"
    codes = book.create_sheet("Kodlistor")
    lists = {
        "sex": ["F", "M"],
        "home_municipality": list(Municipality.objects.order_by("code").values_list("code", flat=True)),
        "district": _valid_districts(actor),
        "placement_form": list(PlacementForm.objects.order_by("sort_order").values_list("code", flat=True)),
        "legal_basis": [value for value in LegalBasis.values if value],
        "school_change": ["ja", "nej"],
        "exit_destination": [value for value in ExitDestination.values],
        "unaccompanied": ["ja", "nej"],
        "late_reason": [value for value in LateSchoolStartReason.values],
    }
    example = EXAMPLE | {"district": lists["district"][0] if lists["district"] else ""}
    sheet.append([SWEDISH_HEADERS[name] for name in COLUMNS])
    sheet.append([example[name] for name in COLUMNS])
    for cell in sheet[2]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # the example's district name is text, as below
    ranges = {}  # column name -> its code list's cells on the code sheet
    for index, (name, values) in enumerate(lists.items(), start=1):
        codes.cell(row=1, column=index, value=SWEDISH_HEADERS[name])
        for row, value in enumerate(values, start=2):
            # A district's name as typed in the admin is text, never a formula (openpyxl
            # reads a value that starts with "=" as one).
            codes.cell(row=row, column=index, value=value).data_type = "s"
        letter = get_column_letter(index)
        ranges[name] = f"Kodlistor!${letter}$2:${letter}${len(values) + 1}"
    ranges["placing_municipality"] = ranges["location_municipality"] = ranges["home_municipality"]
    for index, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(SWEDISH_HEADERS[name]) + 4)
        if name in ranges:
            _drop_down(sheet, letter, ranges[name])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _valid_districts(actor: Any) -> list[str]:
    today = timezone.localdate()
    return [d.name for d in policy.own_districts(actor).order_by("sort_order") if d.is_valid_on(today)]


def _drop_down(sheet: Worksheet, letter: str, values: str) -> None:
    """A drop-down on rows 2–1000 of column ``letter`` offering the cells ``values``."""
    validation = DataValidation(type="list", formula1=values, allow_blank=True)
    sheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}1000")
