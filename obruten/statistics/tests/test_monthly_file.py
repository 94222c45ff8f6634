"""The monthly statistics file: all-or-nothing import with rule codes, replacement of the
same district and month, export with a sheet of exact counts per district."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.models import ImportedPlacement, StatisticsImport
from obruten.statistics.monthly import COLUMNS, import_statistics
from obruten.statistics.protection import run_report

HEADER = ",".join(COLUMNS)
GOOD = [
    "Skärholmen,2025-03,hvb,F,2025-03-02,,ja,2025-03-05",
    "Skärholmen,2025-03,familjehem,M,2025-03-10,2025-06-01,ja,2025-03-28",
    "Skärholmen,2025-03,jourhem,F,2025-03-15,,nej,",
    "Skärholmen,2025-03,jourhem,M,2025-03-20,,ja,",
]


def _file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_it_imports_a_districts_month(db: None) -> None:
    result = import_statistics(_file(*GOOD), filename="skarholmen-2025-03.csv", actor=None, via="test")
    assert result.ok and result.rows == 4
    days = list(ImportedPlacement.objects.values_list("days_to_school_start", flat=True))
    assert sorted(d for d in days if d is not None) == [3, 18] and days.count(None) == 2


# (bad row, column, rule)
BAD = [
    ("Atlantis,2025-03,hvb,F,2025-03-02,,ja,", "district", "S02"),
    ("Skärholmen,mars,hvb,F,2025-03-02,,ja,", "month", "S03"),
    ("Skärholmen,2025-03,slott,F,2025-03-02,,ja,", "placement_form", "S04"),
    ("Skärholmen,2025-03,hvb,X,2025-03-02,,ja,", "sex", "S05"),
    ("Skärholmen,2025-03,hvb,F,2 mars,,ja,", "start_date", "S06"),
    ("Skärholmen,2025-03,hvb,F,2025-03-02,2025-03-01,ja,", "end_date", "S07"),
    ("Skärholmen,2025-03,hvb,F,2025-04-02,,ja,", "start_date", "S08"),
    ("Skärholmen,2025-03,hvb,F,2025-03-02,,kanske,", "school_change", "S09"),
    ("Skärholmen,2025-03,hvb,F,2025-03-02,,ja,2025-03-01", "school_start_date", "S10"),
    ("Skärholmen,2025-03,hvb,F,2025-03-02,,nej,2025-03-03", "school_start_date", "S11"),
    (",2025-03,hvb,F,2025-03-02,,ja,", "district", "S01"),
]


@pytest.mark.parametrize(("row", "column", "rule"), BAD)
def test_one_bad_row_writes_nothing_and_names_row_column_and_rule(
    db: None, row: str, column: str, rule: str
) -> None:
    result = import_statistics(_file(*GOOD, row), filename="f.csv", actor=None, via="test")
    assert [(e.row, e.column, e.rule) for e in result.errors] == [(6, column, rule)]
    assert not ImportedPlacement.objects.exists() and not StatisticsImport.objects.exists()


def test_file_level_errors(db: None) -> None:
    assert [
        e.rule for e in import_statistics(b"\x00\x01", filename="f.xlsx", actor=None, via="t").errors
    ] == ["F01"]
    two_districts = _file(GOOD[0], GOOD[1].replace("Skärholmen", "Farsta"))
    assert [
        e.rule for e in import_statistics(two_districts, filename="f.csv", actor=None, via="t").errors
    ] == ["F04"]


def test_a_district_already_in_obruten_for_the_month_is_refused(world: World) -> None:
    month = world.own_placement.start_date
    row = f"Farsta,{month:%Y-%m},hvb,F,{month},,nej,"
    result = import_statistics(_file(row), filename="f.csv", actor=None, via="t")
    assert [e.rule for e in result.errors] == ["F05"]


def test_importing_the_same_month_again_replaces_it_and_is_audited(db: None) -> None:
    import_statistics(_file(*GOOD), filename="f.csv", actor=None, via="test")
    result = import_statistics(_file(*GOOD[:2]), filename="f2.csv", actor=None, via="test")
    assert result.replaced
    assert ImportedPlacement.objects.count() == 2 and StatisticsImport.objects.count() == 1
    event = AuditEvent.objects.filter(action="import").latest("id")
    assert event.changes["rows"] == [4, 2]


def test_imported_rows_feed_the_reports(db: None) -> None:
    import_statistics(_file(*GOOD), filename="f.csv", actor=None, via="test")
    table = run_report("placements", Params(year=2025, district="skarholmen"), actor=None, via="t").table
    assert table.grid[-1][-1] == 4  # four placements, counted as four children
    # A month is not a published period; its count is what the monthly file carries.
    start = REPORTS["school-start"].compute(Params(year=2025, period="2025-03"))
    row = start.row_labels.index("Skärholmen")
    assert list(start.cells[row]) == [1, 1, 1]  # within 7 days, later, none yet: 3 with a school change


def test_the_export_has_a_sheet_per_district_with_exact_counts(db: None, tmp_path: Path) -> None:
    import_statistics(_file(*GOOD), filename="f.csv", actor=None, via="test")
    out = tmp_path / "month.xlsx"
    call_command("export_statistics", "2025-03", "--out", str(out))
    workbook = load_workbook(out)
    assert len(workbook.sheetnames) == 11  # the districts of 2025
    sheet = workbook["Skärholmen"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    # no school change, within 7 days, later, none yet, begun: counts of 1 are not hidden
    assert rows["HVB"] == (0, 1, 0, 0, 1)
    assert rows["Familjehem"] == (0, 0, 1, 0, 1)
    assert rows["Jourhem"] == (1, 0, 0, 1, 2)
    assert rows["Totalt"] == (1, 1, 1, 1, 4)
    with pytest.raises(CommandError):
        call_command("export_statistics", "mars", "--out", str(out))


def test_the_analyst_imports_on_the_page(world: World) -> None:
    client = Client()
    client.force_login(world.users["analyst"])
    upload = io.BytesIO(_file(*GOOD, BAD[0][0]))
    upload.name = "f.csv"
    body = client.post(reverse("statistics:monthly"), {"file": upload}).content.decode()
    assert "Ingenting importerades" in body and "S02" in body
    upload = io.BytesIO(_file(*GOOD))
    upload.name = "f.csv"
    body = client.post(reverse("statistics:monthly"), {"file": upload}).content.decode()
    assert "Importen är klar" in body
    response = client.get(reverse("statistics:monthly_export"), {"month": "2025-03"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
