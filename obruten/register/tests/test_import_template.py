"""The import page offers a template workbook and a help page inside the app (issue 12)."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import World
from obruten.register.imports import COLUMNS, RULES, SWEDISH_COLUMNS
from obruten.register.models import Child, Placement


def _client(world: World, role: str = "case_worker") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _template(world: World) -> bytes:
    response = _client(world).get(reverse("register:import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="obruten-importmall.xlsx"'
    return response.content


def _upload(world: World, content: bytes, name: str) -> str:
    upload = io.BytesIO(content)
    upload.name = name
    return _client(world).post(reverse("register:import"), {"file": upload}).content.decode()


def test_the_template_has_swedish_headers_an_example_and_drop_downs(world: World) -> None:
    book = load_workbook(io.BytesIO(_template(world)))
    sheet = book.worksheets[0]
    header, example = ([cell.value for cell in row] for row in sheet.iter_rows(max_row=2))
    assert [SWEDISH_COLUMNS[name] for name in header] == list(COLUMNS)
    assert example[0] == "20250418-2391"  # Skatteverket's test number, no real person
    assert example[COLUMNS.index("district")] == "Farsta"  # one the case worker may import into
    columns = sorted(str(validation.sqref)[0] for validation in sheet.data_validations.dataValidation)
    assert columns == list(
        "DEFGHKNOPRS"
    )  # sex, municipalities, district, form, legal basis, school change, exit, late reason
    districts = [row[2] for row in book["Kodlistor"].iter_rows(min_row=2, values_only=True) if row[2]]
    assert districts == ["Farsta"]


def test_the_template_imports_as_downloaded(world: World) -> None:
    body = _upload(world, _template(world), "mall.xlsx")
    assert "Importen är klar" in body
    assert Placement.objects.get(child__personal_number="202504182391").placing_municipality.code == "0180"


def test_the_template_saved_as_csv_by_swedish_excel_imports(world: World) -> None:
    sheet = load_workbook(io.BytesIO(_template(world))).worksheets[0]
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    for row in sheet.iter_rows(values_only=True):
        writer.writerow(["" if value is None else value for value in row])
    body = _upload(world, text.getvalue().replace("Testa", "Åsa").encode("cp1252"), "mall.csv")
    assert "Importen är klar" in body
    assert Child.objects.get(personal_number="202504182391").first_name == "Åsa"


def test_the_help_page_names_every_column_and_rule(world: World) -> None:
    import_page = _client(world).get(reverse("register:import")).content.decode()
    assert (
        reverse("register:import_help") in import_page and reverse("register:import_template") in import_page
    )
    body = _client(world).get(reverse("register:import_help")).content.decode()
    assert all(f"<td>{swedish}</td>" in body for swedish in SWEDISH_COLUMNS)
    assert all(f"<td>{code}</td>" in body for code in RULES)
