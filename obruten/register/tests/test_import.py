"""Importing placements: all-or-nothing, every error named by row, column and rule."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.register.imports import COLUMNS, import_placements
from obruten.register.models import Child, Placement, SchoolStart

HEADER = ",".join(COLUMNS)
GOOD = [
    "200607092384,Hedda,Import,F,0180,Farsta,hvb,LVU3,2025-01-10,2025-06-30,ja,87654321,2025-01-14",
    "200607092384,Hedda,Import,F,0180,farsta,familjehem,SoL,2025-07-01,,nej,,",
    "200306062381,Ivar,Import,M,1280,Järva,stodboende,SoL,2024-03-01,2024-05-31,ja,,",
]


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_it_imports_a_good_file(db: None) -> None:
    result = import_placements(_csv(*GOOD), filename="p.csv", actor=None, via="test")
    assert result.ok, result.errors
    assert (result.children_created, result.placements_created, result.school_starts_written) == (2, 3, 1)
    hedda = Child.objects.get(personal_number="200607092384")
    assert hedda.district.code == "farsta"
    assert SchoolStart.objects.get(placement__child=hedda).days_to_school_start == 4
    (event,) = AuditEvent.objects.filter(child=hedda, action="import")
    assert len(event.changes["created"]) == 3  # the child and its two placements
    assert len(event.changes["school_start"]) == 1


def test_reimporting_the_same_file_creates_no_duplicates(db: None) -> None:
    import_placements(_csv(*GOOD), filename="p.csv", actor=None, via="test")
    result = import_placements(_csv(*GOOD), filename="p.csv", actor=None, via="test")
    assert result.ok
    assert (result.children_created, result.placements_created, result.placements_updated) == (0, 0, 0)
    assert (Child.objects.count(), Placement.objects.count(), SchoolStart.objects.count()) == (2, 3, 1)


def test_a_changed_row_updates_the_same_placement(db: None) -> None:
    import_placements(_csv(*GOOD), filename="p.csv", actor=None, via="test")
    changed = GOOD[1].replace(",,nej,,", ",2025-12-31,nej,,")
    result = import_placements(_csv(GOOD[0], changed, GOOD[2]), filename="p.csv", actor=None, via="test")
    assert result.placements_updated == 1
    assert str(Placement.objects.get(start_date="2025-07-01").end_date) == "2025-12-31"


# Each bad row, with the (row, column, rule) the report must name.
BAD_ROWS = [
    ("200607092385,A,B,F,0180,Farsta,hvb,SoL,2025-01-10,,ja,,", ("personal_number", "R02")),
    ("200607092384,A,B,X,0180,Farsta,hvb,SoL,2025-01-10,,ja,,", ("sex", "R03")),
    ("200607092384,A,B,F,9999,Farsta,hvb,SoL,2025-01-10,,ja,,", ("home_municipality", "R04")),
    ("200607092384,A,B,F,0180,Atlantis,hvb,SoL,2025-01-10,,ja,,", ("district", "R05")),
    ("200607092384,A,B,F,0180,Järva,hvb,SoL,2021-01-10,,ja,,", ("district", "R06")),
    ("200607092384,A,B,F,0180,Farsta,slott,SoL,2025-01-10,,ja,,", ("placement_form", "R07")),
    ("200607092384,A,B,F,0180,Farsta,hvb,LVU9,2025-01-10,,ja,,", ("legal_basis", "R08")),
    ("200607092384,A,B,F,0180,Farsta,hvb,SoL,10/01/2025,,ja,,", ("start_date", "R09")),
    ("200607092384,A,B,F,0180,Farsta,hvb,SoL,2025-01-10,2025-01-01,ja,,", ("end_date", "R10")),
    ("200607092384,A,B,F,0180,Farsta,hvb,SoL,2025-01-10,,kanske,,", ("school_change", "R11")),
    ("200607092384,A,B,F,0180,Farsta,hvb,SoL,2025-01-10,,ja,123,2025-01-12", ("school_unit_code", "R12")),
    ("200607092384,A,B,F,0180,Farsta,hvb,SoL,2025-01-10,,ja,12345678,", ("school_start_date", "R13")),
    (
        "200607092384,A,B,F,0180,Farsta,hvb,SoL,2025-01-10,,ja,12345678,2025-01-01",
        ("school_start_date", "R14"),
    ),
    (
        "200607092384,A,B,F,0180,Farsta,hvb,SoL,2025-01-10,,ja,12345678,2099-01-01",
        ("school_start_date", "R15"),
    ),
    (",A,B,F,0180,Farsta,hvb,SoL,2025-01-10,,ja,,", ("personal_number", "R01")),
    # The law the placement form applies (issue 20): synthetic numbers with a valid check digit.
    ("200606012383,A,B,F,0180,Farsta,hvb,LVU2,2025-02-01,,ja,,", ("legal_basis", "R27")),  # 18 in 2024
    ("200607092384,A,B,F,0180,Farsta,hvb,LVU2,2024-01-10,2024-08-01,ja,,", ("end_date", "R28")),  # LVU 21 §
    ("200607092384,A,B,F,0180,Farsta,hvb,SKYB,2025-01-10,,ja,,", ("legal_basis", "R26")),  # not medföljande
]


@pytest.mark.parametrize(("row", "expected"), BAD_ROWS)
def test_one_bad_row_writes_nothing_and_is_named(db: None, row: str, expected: tuple[str, str]) -> None:
    result = import_placements(_csv(GOOD[2], row), filename="p.csv", actor=None, via="test")
    assert [(e.row, e.column, e.rule) for e in result.errors] == [(3, *expected)]
    assert Child.objects.count() == 0 and Placement.objects.count() == 0


def test_every_bad_row_is_reported_at_once(db: None) -> None:
    rows = [GOOD[2], BAD_ROWS[0][0], BAD_ROWS[2][0], BAD_ROWS[5][0]]
    result = import_placements(_csv(*rows), filename="p.csv", actor=None, via="test")
    assert [(e.row, e.rule) for e in result.errors] == [(3, "R02"), (4, "R04"), (5, "R07")]


def test_overlapping_rows_of_one_child_are_refused(db: None) -> None:
    overlapping = GOOD[1].replace("2025-07-01", "2025-06-01")
    result = import_placements(_csv(GOOD[0], overlapping), filename="p.csv", actor=None, via="test")
    assert [(e.row, e.column, e.rule) for e in result.errors] == [(3, "start_date", "R16")]


def test_a_row_overlapping_the_register_is_refused(world: World) -> None:
    row = f"{world.own.personal_number},Alva,Testsson,F,0180,Farsta,hvb,SoL,2020-01-01,,nej,,"
    result = import_placements(_csv(row), filename="p.csv", actor=None, via="test")
    assert [(e.row, e.rule) for e in result.errors] == [(2, "R16")]


def test_error_messages_never_repeat_school_values(db: None) -> None:
    row = "200607092384,A,B,F,0180,Farsta,hvb,SoL,2025-01-10,,ja,12345678,2099-01-01"
    result = import_placements(_csv(row), filename="p.csv", actor=None, via="test")
    assert all("12345678" not in e.message and "2099" not in e.message for e in result.errors)


def test_a_missing_column_and_an_unreadable_file_are_file_level_errors(db: None) -> None:
    no_school = _csv(*GOOD).replace(b",school_start_date", b"")
    assert [
        (e.row, e.column, e.rule)
        for e in import_placements(no_school, filename="p.csv", actor=None, via="t").errors
    ] == [(1, "school_start_date", "F02")]
    assert [
        e.rule for e in import_placements(b"\x00\xff\xfe", filename="p.xlsx", actor=None, via="t").errors
    ] == ["F01"]


def test_it_reads_xlsx(db: None) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in GOOD:
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_placements(buffer.getvalue(), filename="p.xlsx", actor=None, via="test")
    assert result.ok and result.placements_created == 3


def test_the_command_imports_and_reports_errors(db: None, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(*GOOD))
    call_command("import_placements", str(good))
    assert Placement.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(BAD_ROWS[0][0]))
    with pytest.raises(CommandError, match="Nothing imported: 1 error"):
        call_command("import_placements", str(bad))


def test_a_case_worker_imports_only_into_own_districts(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    upload = io.BytesIO(_csv(GOOD[2]))
    upload.name = "p.csv"
    response = client.post(reverse("register:import"), {"file": upload})
    body = response.content.decode()
    assert "R17" in body and "Ingenting importerades" in body
    new_child = [row.replace("200607092384", "202509012387") for row in GOOD[:2]]
    upload = io.BytesIO(_csv(*new_child))
    upload.name = "p.csv"
    body = client.post(reverse("register:import"), {"file": upload}).content.decode()
    assert "Importen är klar" in body
    assert Child.objects.get(personal_number="202509012387").case_worker == world.users["case_worker"]


def test_the_users_own_words_are_understood_and_errors_name_her_columns(world: World) -> None:
    """Issue 23: labels copied from Obruten's screens ("Särskilt ungdomshem (SiS/§12)",
    "LVU 3 §", "Stockholm", "Pojke") were refused, errors named English columns, and a
    "Personnr" header gave "Rubrikraden saknar kolumner" without saying which."""
    swedish = (
        "Personnr;Förnamn;Efternamn;Kön;Hemkommun;Stadsdel;Placeringsform;Lagrum;Startdatum;Slutdatum;"
        "Skolbyte;Skolenhetskod;Första skoldag\n"
    )
    rows = [
        "200607092384;Hedda;Import;Flicka;Stockholm;Farsta;Särskilt ungdomshem (SiS/§12);LVU 3 §;"
        "2025-01-10;2025-06-30;Ja;;",
        "200306062381;Ivar;Import;Pojke;0180;Farsta;HVB;SoL (frivillig);2024-03-01;2024-05-31;nej;;",
    ]
    result = import_placements(
        (swedish + "\n".join(rows) + "\n").encode(), filename="p.csv", actor=None, via="test"
    )
    assert result.ok, result.errors
    hedda = Placement.objects.get(child__personal_number="200607092384")
    assert (hedda.form.code, hedda.legal_basis, hedda.child.home_municipality.code) == ("sis", "LVU3", "0180")
    assert Child.objects.get(personal_number="200306062381").sex == "M"

    bad = rows[1].replace("Pojke", "Okänt").replace("200306062381", "200607092384")
    client = Client()
    client.force_login(world.users["case_worker"])
    upload = io.BytesIO((swedish + bad + "\n").encode())
    upload.name = "p.csv"
    body = client.post(reverse("register:import"), {"file": upload}).content.decode()
    assert "<td>kön</td><td>R03</td>" in body and "<td>sex</td>" not in body
    no_header = swedish.replace("Skolbyte;", "")
    (error,) = import_placements((no_header + rows[0]).encode(), filename="p.csv", actor=None, via="t").errors
    assert (error.heading, error.rule) == ("skolbyte", "F02")
    assert "Rubrikerna kan skrivas på svenska eller engelska" in error.message


def test_where_the_child_went_and_the_school_after_are_imported_in_the_users_words(db: None) -> None:
    """Issue 24: the leaving-care fields with their Swedish headers; only with an end date."""
    header = (
        "personnummer,förnamn,efternamn,kön,hemkommun,stadsdel,placeringsform,lagrum,startdatum,slutdatum,"
    )
    header += "skolbyte,skolenhetskod,första skoldag,flyttar till,skola efter placeringen"
    ended = "200607092384,Hedda,Import,F,0180,Farsta,hvb,SoL,2025-01-10,2025-06-30,nej,,,"
    good = f"{header}\n{ended}Hem till vårdnadshavare,87654321\n".encode()
    result = import_placements(good, filename="p.csv", actor=None, via="test")
    assert result.ok, result.errors
    placement = Placement.objects.get()
    assert placement.school_after is not None
    assert (placement.exit_destination, placement.school_after.unit_code) == ("hem", "87654321")
    # The end date taken away by a file without the leaving-care columns: the placement is
    # ongoing again, and where the child went and the school after go with the ending (R30).
    reopened = "200607092384,Hedda,Import,F,0180,Farsta,hvb,SoL,2025-01-10,,nej,,"
    base = header.removesuffix(",flyttar till,skola efter placeringen")
    assert import_placements(f"{base}\n{reopened}\n".encode(), filename="p.csv", actor=None, via="test").ok
    assert Placement.objects.values_list("exit_destination", "school_after").get() == ("", None)
    ongoing = "200306062381,Ivar,Import,M,0180,Farsta,hvb,SoL,2024-03-01,,nej,,,"
    bad = f"{header}\n{ended}semester,\n{ongoing}hem,12345678\n".encode()
    result = import_placements(bad, filename="p.csv", actor=None, via="test")
    assert [(e.row, e.heading, e.rule) for e in result.errors] == [
        (2, "flyttar till", "R29"),
        (3, "flyttar till", "R30"),
        (3, "skola efter placeringen", "R30"),
    ]


def test_unaccompanied_children_are_marked_by_the_import(db: None) -> None:
    """Issue 24: ``ensamkommande`` ja/nej; empty leaves the register as it is."""
    header = "personnummer,förnamn,efternamn,kön,hemkommun,stadsdel,placeringsform,lagrum,startdatum,"
    header += "slutdatum,skolbyte,skolenhetskod,första skoldag,ensamkommande"
    row = "200607092384,Hedda,Import,F,0180,Farsta,hvb,SoL,2025-01-10,,nej,,,"
    assert import_placements(f"{header}\n{row}ja\n".encode(), filename="p.csv", actor=None, via="test").ok
    assert Child.objects.get().unaccompanied
    assert import_placements(f"{header}\n{row}\n".encode(), filename="p.csv", actor=None, via="test").ok
    assert Child.objects.get().unaccompanied  # not said: as it was
    import_placements(f"{header}\n{row}nej\n".encode(), filename="p.csv", actor=None, via="test")
    assert not Child.objects.get().unaccompanied
    bad = import_placements(f"{header}\n{row}kanske\n".encode(), filename="p.csv", actor=None, via="test")
    assert [(e.heading, e.rule) for e in bad.errors] == [("ensamkommande", "R31")]


def test_a_late_school_start_names_its_reason_where_the_file_has_the_column(db: None, settings: Any) -> None:
    """Issue 21: the reason for a late start, by code or as Obruten writes it; a file
    without the column imports as before (the reason is then not known)."""
    settings.SCHOOL_START_GOAL_DAYS = 7
    base = "personnummer,förnamn,efternamn,kön,hemkommun,stadsdel,placeringsform,lagrum,startdatum,"
    base += "slutdatum,skolbyte,skolenhetskod,första skoldag"
    late = "200607092384,Hedda,Import,F,0180,Farsta,hvb,SoL,2025-01-10,,ja,87654321,2025-01-30"
    header = base + ",orsak till sen skolstart"
    good = import_placements(
        f"{header}\n{late},Väntade på skolans beslut\n".encode(), filename="p.csv", actor=None, via="test"
    )
    assert good.ok, good.errors
    assert SchoolStart.objects.get().late_reason == "vantar_beslut"
    assert import_placements(f"{base}\n{late}\n".encode(), filename="p.csv", actor=None, via="test").ok
    assert SchoolStart.objects.get().late_reason == "vantar_beslut"  # not said: as it was
    by_code = f"{header}\n{late},ingen_skola\n".encode()  # the code as the API and the docs write it
    assert import_placements(by_code, filename="p.csv", actor=None, via="test").ok
    assert SchoolStart.objects.get().late_reason == "ingen_skola"
    no_start = "200306062381,Ivar,Import,M,0180,Farsta,hvb,SoL,2024-03-01,,ja,,"
    bad = import_placements(
        f"{header}\n{late},\n{late},kanske\n{no_start},annat\n".encode(),
        filename="p.csv",
        actor=None,
        via="test",
    )
    assert [(e.row, e.heading, e.rule) for e in bad.errors] == [
        (2, "orsak till sen skolstart", "R33"),
        (3, "orsak till sen skolstart", "R32"),
        (4, "orsak till sen skolstart", "R34"),
    ]
    assert SchoolStart.objects.get().late_reason == "ingen_skola"  # a bad file changes nothing
