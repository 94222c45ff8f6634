"""The import takes the files people have (issue 12): a CSV saved by Swedish Excel
(Windows-1252, semicolons, Swedish headers), an XLSX with Swedish headers, and every
broken rule of every row reported at once."""

from __future__ import annotations

import io

from openpyxl import Workbook

from obruten.register.imports import import_placements
from obruten.register.models import Child, Placement

SWEDISH_HEADER = [
    "Personnummer",
    "Förnamn",
    "Efternamn",
    "Kön",
    "Hemkommun",
    "Stadsdel",
    "Placeringsform",
    "Lagrum",
    "Startdatum",
    "Slutdatum",
    "Skolbyte",
    "Skolenhetskod",
    "Första skoldag",
    "Placerande kommun",
]
ÅSA = [
    "20060709-2384",
    "Åsa",
    "Öberg",
    "K",
    "0380",
    "Farsta",
    "familjehem",
    "LVU3",  # 18 when placed: LVU 2 § no longer applies (LVU 1 §)
    "2025-01-10",
    "",
    "ja",
    "",
    "",
]
ÖRJAN = [
    "20030606-2381",
    "Örjan",
    "Ärlig",
    "M",
    "0180",
    "Järva",
    "hvb",
    "SoL",
    "2024-03-01",
    "",
    "nej",
    "",
    "",
]


def _excel_csv(*rows: list[str]) -> bytes:
    """What Swedish Excel writes for "CSV (semikolonavgränsad)"."""
    lines = [";".join(SWEDISH_HEADER), *(";".join(row) for row in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _errors(content: bytes, filename: str = "p.csv") -> list[tuple[int, str, str]]:
    result = import_placements(content, filename=filename, actor=None, via="test")
    return [(e.row, e.column, e.rule) for e in result.errors]


def test_a_windows_1252_csv_with_swedish_headers_imports(db: None) -> None:
    assert _errors(_excel_csv([*ÅSA, "0380"], [*ÖRJAN, ""])) == []
    åsa = Child.objects.get(first_name="Åsa")
    assert (åsa.last_name, åsa.sex) == ("Öberg", "F")
    assert Placement.objects.get(child=åsa).placing_municipality.name == "Uppsala"
    assert Placement.objects.get(child__first_name="Örjan").placing_municipality.name == "Stockholm"


def test_an_xlsx_with_swedish_headers_imports(db: None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(SWEDISH_HEADER)
    sheet.append([*ÅSA, "0380"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _errors(buffer.getvalue(), "p.xlsx") == []
    assert Placement.objects.get().placing_municipality.code == "0380"


def test_one_bad_row_writes_nothing_and_every_broken_rule_is_named(db: None) -> None:
    bad = [
        "20060709-2385",
        "Åsa",
        "Öberg",
        "X",
        "0380",
        "Farsta",
        "slott",
        "LVU9",
        "10/01/2025",
        "",
        "kanske",
        "",
        "",
    ]
    errors = _errors(_excel_csv([*ÖRJAN, ""], [*bad, "9999"]))
    assert errors == [
        (3, "personal_number", "R02"),
        (3, "sex", "R03"),
        (3, "placement_form", "R07"),
        (3, "legal_basis", "R08"),
        (3, "start_date", "R09"),
        (3, "school_change", "R11"),
        (3, "placing_municipality", "R23"),
    ]
    assert Child.objects.count() == 0


def test_missing_swedish_columns_are_named_once_each(db: None) -> None:
    content = ";".join(SWEDISH_HEADER[:-3]).encode("cp1252") + b"\r\n" + ";".join(ÅSA[:-2]).encode("cp1252")
    assert _errors(content) == [(1, "school_unit_code", "F02"), (1, "school_start_date", "F02")]
