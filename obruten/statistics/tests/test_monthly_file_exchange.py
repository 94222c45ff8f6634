"""The monthly file is an internal exchange between a district and the central office
(issue 10.2 and 10.10): its rows count only in the month they describe, a month the
district did not exist or that has not begun is refused, only the analyst and the
district's own enhetschef import and export it, the export carries exact counts marked
secret on every sheet, and every export is audited."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import World, make_user
from obruten.accounts.models import Role
from obruten.audit.models import AuditEvent
from obruten.statistics.definitions import Params, placements
from obruten.statistics.models import ImportedPlacement
from obruten.statistics.monthly import COLUMNS, SECRECY, import_statistics
from obruten.statistics.protection import run_report


def _file(*rows: str) -> bytes:
    return ("\n".join([",".join(COLUMNS), *rows]) + "\n").encode()


def _rows(district: str, month: str, n: int = 1, end: str = "") -> list[str]:
    return [f"{district},{month},hvb,{'FM'[i % 2]},{month}-02,{end},nej," for i in range(n)]


def _rules(content: bytes, actor: object = None) -> list[tuple[str, str]]:
    result = import_statistics(content, filename="f.csv", actor=actor, via="test")
    return [(e.column, e.rule) for e in result.errors]


def _farsta(table: object) -> int:
    labels, grid = table.row_labels, table.grid  # type: ignore[attr-defined]
    return grid[labels.index("Farsta")][-1] if "Farsta" in labels else 0


# Counting


def imported_count(params: Params) -> int:
    """How many of the placements report's children come from monthly files."""
    return placements(params).imported


def test_rows_without_an_end_date_count_only_in_their_month(db: None) -> None:
    """The issue's reproduction: 25 rows for 2000-01 with no end date padded every later
    period's figures, so subtracting them revealed the hidden counts."""
    assert _rules(_file(*_rows("Farsta", "2000-01", 25))) == []
    assert imported_count(Params(year=2000, period="2000-01")) == 25
    assert imported_count(Params(year=2000, period="T1")) == 25
    assert imported_count(Params(year=2000)) == 25
    for later in [Params(year=2000, period="2000-02"), Params(year=2000, period="T2"), Params(year=2025)]:
        assert imported_count(later) == 0
        if later.period != "2000-02":  # a month is not a published period
            assert _farsta(run_report("placements", later, actor=None, via="test").table) == 0


def test_a_row_counts_in_its_month_even_if_it_ends_in_a_later_one(db: None) -> None:
    import_statistics(
        _file(*_rows("Farsta", "2025-03", 5, end="2025-09-30")), filename="f.csv", actor=None, via="t"
    )
    assert imported_count(Params(year=2025, period="2025-03")) == 5
    assert imported_count(Params(year=2025, period="2025-04")) == 0
    assert imported_count(Params(year=2025, period="T2")) == 0


def test_the_count_follows_the_reports_filters(db: None) -> None:
    import_statistics(_file(*_rows("Farsta", "2025-03", 5)), filename="f.csv", actor=None, via="t")
    assert imported_count(Params(year=2025, sex="F")) == 3
    assert imported_count(Params(year=2025, district="bromma")) == 0
    assert imported_count(Params(year=2025, form="hvb")) == 5


# Months the file may describe


def test_a_month_the_district_did_not_exist_is_refused(db: None) -> None:
    assert _rules(_file(*_rows("Järva", "2023-06"))) == [("month", "S12")]  # formed 2023-07-01
    assert _rules(_file(*_rows("Rinkeby-Kista", "2023-07"))) == [("month", "S12")]  # merged into Järva
    assert _rules(_file(*_rows("Järva", "2023-07"))) == []
    assert _rules(_file(*_rows("Rinkeby-Kista", "2023-06"))) == []


def test_a_month_after_the_current_month_is_refused(db: None) -> None:
    this_month = timezone.localdate().replace(day=1)
    next_month = (this_month + timedelta(days=31)).replace(day=1)
    assert _rules(_file(*_rows("Farsta", f"{next_month:%Y-%m}"))) == [("month", "S13")]
    assert _rules(_file(*_rows("Farsta", f"{this_month:%Y-%m}"))) == []


@pytest.mark.parametrize(
    "cell", ["2025-03–", "2025-03 och framåt", "2025-03/2025-05", "2025-03-15", "fr.o.m. 2025-03"]
)
def test_an_open_ended_month_is_refused(db: None, cell: str) -> None:
    """The month cell must name one month; the old reader took its first seven characters."""
    row = f"Farsta,{cell},hvb,F,2025-03-02,,nej,"
    assert _rules(_file(row)) == [("month", "S14")]
    assert not ImportedPlacement.objects.exists()


def test_a_month_as_excel_stores_it_is_one_month(db: None) -> None:
    assert _rules(_file("Farsta,2025-03-01,hvb,F,2025-03-02,,nej,")) == []
    assert _rules(_file("Farsta,mars,hvb,F,2025-03-02,,nej,")) == [("month", "S03")]


# Who may import


def test_an_enhetschef_imports_only_their_own_districts(world: World) -> None:
    chef = world.users["unit_manager"]  # Farsta
    assert _rules(_file(*_rows("Skärholmen", "2025-03", 2)), chef) == [("district", "S15")] * 2
    assert not ImportedPlacement.objects.exists()
    attempt = AuditEvent.objects.get(action="refused", reason="S15")
    assert attempt.actor == chef and attempt.changes == {"file": [None, "f.csv"]}
    assert _rules(_file(*_rows("Farsta", "2025-03", 2)), chef) == []


def test_an_enhetschef_imports_the_history_of_districts_merged_into_theirs(db: None) -> None:
    chef = make_user("chef_jarva", Role.UNIT_MANAGER, ["jarva"])
    assert _rules(_file(*_rows("Rinkeby-Kista", "2022-05")), chef) == []


def test_the_analyst_imports_any_district(world: World) -> None:
    assert _rules(_file(*_rows("Skärholmen", "2025-03")), world.users["analyst"]) == []


@pytest.mark.parametrize("persona", ["case_worker", "school_coordinator", "administrator"])
def test_other_roles_may_not_import(world: World, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        import_statistics(
            _file(*_rows("Farsta", "2025-03")), filename="f.csv", actor=world.users[persona], via="t"
        )
    assert not ImportedPlacement.objects.exists()


def test_the_page_refuses_another_districts_file(world: World) -> None:
    client = Client()
    client.force_login(world.users["unit_manager"])
    upload = io.BytesIO(_file(*_rows("Skärholmen", "2025-03")))
    upload.name = "f.csv"
    body = client.post(reverse("statistics:monthly"), {"file": upload}).content.decode()
    assert "Ingenting importerades" in body and "S15" in body
    assert not ImportedPlacement.objects.exists()


def test_the_command_refuses_another_districts_file(world: World, tmp_path: Path) -> None:
    path = tmp_path / "skarholmen.csv"
    path.write_bytes(_file(*_rows("Skärholmen", "2025-03")))
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_statistics", str(path), "--user", "chef_farsta")
    with pytest.raises(CommandError, match="may not import"):
        call_command("import_statistics", str(path), "--user", "cw_farsta")
    assert not ImportedPlacement.objects.exists()
    call_command("import_statistics", str(path), "--user", "analyst")
    assert ImportedPlacement.objects.count() == 1


# The export


def _export(client: Client, month: str = "2025-03") -> object:
    response = client.get(reverse("statistics:monthly_export"), {"month": month})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def test_every_sheet_is_marked_secret_under_osl(world: World) -> None:
    client = Client()
    client.force_login(world.users["analyst"])
    workbook = _export(client)
    assert len(workbook.sheetnames) == 11  # type: ignore[attr-defined]
    for sheet in workbook.worksheets:  # type: ignore[attr-defined]
        assert sheet["A1"].value == SECRECY
        assert SECRECY in sheet.oddHeader.center.text  # printed on every page
    assert "26 kap. 1 §" in SECRECY and "får inte publiceras" in SECRECY


def test_the_export_carries_exact_counts(world: World) -> None:
    import_statistics(_file(*_rows("Farsta", "2025-03", 3)), filename="f.csv", actor=None, via="t")
    client = Client()
    client.force_login(world.users["analyst"])
    sheet = _export(client)["Farsta"]  # type: ignore[index]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert rows["HVB"] == (3, 0, 0, 0, 3)  # a count of 3 is not hidden


def test_an_enhetschef_exports_only_their_own_districts(world: World, tmp_path: Path) -> None:
    client = Client()
    client.force_login(world.users["unit_manager"])
    assert _export(client).sheetnames == ["Farsta"]  # type: ignore[attr-defined]
    out = tmp_path / "month.xlsx"
    call_command("export_statistics", "2025-03", "--out", str(out), "--user", "chef_farsta")
    assert load_workbook(out).sheetnames == ["Farsta"]
    with pytest.raises(CommandError, match="may not export"):
        call_command("export_statistics", "2025-03", "--out", str(out), "--user", "cw_farsta")


def test_a_case_worker_may_not_export(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    assert client.get(reverse("statistics:monthly_export"), {"month": "2025-03"}).status_code == 403


def test_every_export_is_audited_with_who_which_month_and_which_districts(world: World) -> None:
    client = Client()
    client.force_login(world.users["unit_manager"])
    _export(client, "2024-11")
    event = AuditEvent.objects.filter(action="export").latest("id")
    assert event.actor == world.users["unit_manager"]
    assert event.changes == {"monthly_file": [None, "2024-11"], "districts": [None, ["farsta"]]}
    client.force_login(world.users["analyst"])
    _export(client, "2023-06")  # before the merger: the dissolved districts and not Järva
    districts = AuditEvent.objects.filter(action="export").latest("id").changes["districts"][1]
    assert "rinkeby-kista" in districts and "jarva" not in districts and len(districts) == 13


def test_the_page_says_the_file_is_internal_and_whose_districts(world: World) -> None:
    client = Client()
    client.force_login(world.users["unit_manager"])
    body = client.get(reverse("statistics:monthly")).content.decode()
    assert "inte en publikation" in body and "Farsta" in body and "Skärholmen" not in body
