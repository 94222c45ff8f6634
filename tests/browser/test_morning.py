"""A case worker's morning (issue 12, "Done when"): her start page lists her own tasks apart
from the steps others own; she opens a danger alert from the child's page and acknowledges
it with a note; she imports a Windows-1252 CSV with Swedish headers saved from the template;
she sorts and exports the list of late school starts; she prints a child's summary."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from obruten.lib.personnummer import luhn_check_digit
from tests.browser.test_case_worker_journey import log_in

pytestmark = pytest.mark.browser

SETUP = """
from datetime import timedelta
from django.utils import timezone
from obruten.accounts.models import User
from obruten.lib.personnummer import luhn_check_digit
from obruten.participation import services as participation
from obruten.participation.models import Question, Template
from obruten.register import services
from obruten.register.models import District, Municipality, PlacementForm
today = timezone.localdate()
worker = User.objects.get(username="farsta")
farsta, stockholm = District.objects.get(code="farsta"), Municipality.objects.get(code="0180")
child = services.register_child(actor=worker, via="setup", data=services.ChildData(
    personal_number="20" + "100809345" + str(luhn_check_digit("100809345")), first_name="Morgon",
    last_name="Larmsson", sex="F", home_municipality=stockholm, district=farsta))
services.register_placement(actor=worker, child=child, via="setup", data=services.PlacementData(
    form=PlacementForm.objects.get(code="familjehem"), legal_basis="SoL",
    start_date=today - timedelta(days=60), district=farsta, placing_municipality=stockholm,
    school_change=True))
template = Template.objects.get(code="barnets-rost", version=1)
invitation, _ = participation.create_invitation(actor=worker, child=child, template=template, language="sv",
                                                via="setup")
text = template.questions.filter(kind=Question.Kind.TEXT).first()
participation.save_answers(invitation=invitation, submit=True,
                           answers={text.pk: participation.Given("Jag vill inte vara här", urgent=True)})
"""


def personal_number(nine: str) -> str:
    return f"20{nine[:6]}-{nine[6:]}{luhn_check_digit(nine)}"


def csv_from_template(template: Path, out: Path) -> str:
    """Fill the downloaded template's example row with a new child and save the first
    sheet as Swedish Excel does: semicolons, Windows-1252."""
    today = timezone.localdate()
    sheet = openpyxl.load_workbook(template).worksheets[0]
    headers, example = ([cell.value for cell in row] for row in sheet.iter_rows(max_row=2))
    assert "personnummer" in [str(header).lower() for header in headers]
    row = dict(zip(headers, example, strict=True))
    number = personal_number("111213456")
    row.update(
        {
            headers[0]: number,
            headers[1]: "Åsa",
            headers[2]: "Ödmark",
            **{header: "ja" for header in headers if str(header).lower() == "skolbyte"},
            **{
                header: (today - timedelta(days=20)).isoformat()
                for header in headers
                if str(header).lower() == "startdatum"
            },
        }
    )
    with out.open("w", encoding="cp1252", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(headers)
        writer.writerow(["" if value is None else value for value in row.values()])
    return number


def test_a_case_workers_morning(server: str, browser: Any, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": os.environ["OBRUTEN_BROWSER_DATABASE_URL"]}
    subprocess.run([sys.executable, "-m", "obruten.cli", "shell", "-c", SETUP], env=env, check=True)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True, accept_downloads=True
    )
    page = context.new_page()
    log_in(page, server, "farsta")

    # The start page: her own tasks, and apart from them the steps the schools own.
    page.get_by_role("heading", name="Mina uppgifter").wait_for()
    mine = page.get_by_role("table", name="Mina uppgifter för mina barn")
    watched = page.get_by_role("table", name="Andras steg för mina barn")
    assert mine.get_by_role("row").filter(has_text="Larmsson").count() > 0
    assert "Rektor" not in mine.inner_text()
    assert "Rektor" in watched.filter(has_text="Larmsson").inner_text()

    # The alert, from the child's page, acknowledged with what was done.
    mine.get_by_role("link", name="Larmsson").first.click()
    banner = page.get_by_role("alert").filter(has_text="Barnets svar signalerar fara")
    banner.get_by_role("link", name="Se svaren och kvittera").click()
    page.get_by_label("Vad har du gjort?").fill(
        "Ringde Morgon och familjehemmet; hon är trygg, möte bokat i morgon."
    )
    page.get_by_role("button", name="Kvittera larmet").click()
    page.get_by_text("Larmet är kvitterat.").wait_for()
    assert "hon är trygg, möte bokat i morgon" in page.content()
    page.get_by_role("link", name="Tillbaka till barnet").click()
    assert page.get_by_text("Barnets svar signalerar fara").count() == 0
    child_url = page.url

    # The import: the template, filled in and saved as a Windows-1252 CSV.
    page.goto(f"{server}/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ned en mall (Excel)").click()
    template = tmp_path / "mall.xlsx"
    download.value.save_as(template)
    upload = tmp_path / "placeringar.csv"
    number = csv_from_template(template, upload)
    assert "Åsa;Ödmark".encode("cp1252") in upload.read_bytes()
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(upload)
    page.get_by_role("button", name="Importera").click()
    page.get_by_role("heading", name="Importen är klar").wait_for()
    assert number  # the imported child is now in the register, and late for school

    # The list of late school starts, sorted by child and exported as it is sorted.
    page.get_by_role("navigation").get_by_role("link", name="Skolstart").click()
    page.get_by_role("columnheader", name="Barn").get_by_role("link").click()
    page.get_by_role("columnheader", name="Barn", exact=True).and_(page.locator("[aria-sort]")).wait_for()
    on_screen = page.get_by_role("table").locator("tbody th").all_inner_texts()
    assert on_screen.index("Larmsson, Morgon") < on_screen.index("Ödmark, Åsa")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som Excel (XLSX)").click()
    exported = tmp_path / "skolstart.xlsx"
    download.value.save_as(exported)
    rows = list(openpyxl.load_workbook(exported).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Barn"
    assert [row[0] for row in rows[1:]] == on_screen

    # The child's summary, printed: the print stylesheet applies and the menu is gone.
    page.goto(child_url)
    page.get_by_role("link", name="Sammanfattning för utskrift").click()
    page.emulate_media(media="print")
    assert page.locator(".site-header nav").is_hidden()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Georgia" in font
    assert "Morgon Larmsson" in page.locator("main").inner_text()
    context.close()
