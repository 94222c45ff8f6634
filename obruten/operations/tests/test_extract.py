"""The child's register extract (GDPR art. 15, OSL): everything Obruten holds on the child
and who has read the record, by name, as XLSX and PDF; for the responsible case worker and
the district's enhetschef only, audited as an export."""

from __future__ import annotations

import io

import openpyxl
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conftest import World
from obruten.audit.models import AuditEvent


def _download(world: World, role: str, child: str, fmt: str) -> tuple[int, bytes]:
    client = Client()
    client.force_login(world.users[role])
    response = client.get(reverse(f"operations:extract_{fmt}", args=[getattr(world, child).pk]))
    return response.status_code, response.content


def _cells(content: bytes) -> dict[str, str]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {
        sheet.title: "\n".join(" | ".join(str(v) for v in row if v is not None) for row in sheet.values)
        for sheet in book.worksheets
    }


def test_the_case_worker_gets_every_record_and_who_read_it_by_name(world: World) -> None:
    colleague = world.users["case_worker_2"]
    colleague.first_name, colleague.last_name = "Karin", "Kollega"
    colleague.save()
    client = Client()
    client.force_login(colleague)
    client.get(reverse("register:child_detail", args=[world.own.pk]))
    status, content = _download(world, "case_worker", "own", "xlsx")
    assert status == 200
    sheets = _cells(content)
    everything = "\n".join(sheets.values())
    for expected in [
        "Alva",
        world.own.personal_number,
        "Synligvägen 1",
        "Familjehemmet Ek",
        "Ekvägen 2",
        "Hemligbyskolan",
        "Övervägande",
    ]:
        assert expected in everything, expected
    readers = sheets["Vem har tagit del av uppgiftern"]
    assert "Karin Kollega" in readers and "cw2_farsta" not in readers
    assert world.other.first_name not in everything  # nobody else's records
    export = AuditEvent.objects.latest("sequence")
    assert (export.action, export.child_id, export.actor_id) == (
        "export",
        world.own.pk,
        world.users["case_worker"].pk,
    )


def test_the_pdf_holds_the_same(world: World) -> None:
    status, content = _download(world, "case_worker", "own", "pdf")
    assert status == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for expected in ["Registerutdrag", "Alva Testsson", "Familjehemmet Ek", "Hemligbyskolan", "cw_farsta"]:
        assert expected in text, expected


def test_the_enhetschef_gets_it_without_a_protected_childs_whereabouts(world: World) -> None:
    status, content = _download(world, "unit_manager", "protected", "xlsx")
    everything = "\n".join(_cells(content).values())
    assert status == 200 and "Cilla" in everything and "Skyddad uppgift" in everything
    for secret in ["Hemligvägen 7", "Skyddsboendet Lönn", "Lönngatan 9", "Hemligbyskolan"]:
        assert secret not in everything
    _status, own_content = _download(world, "case_worker", "protected", "xlsx")
    assert "Lönngatan 9" in "\n".join(_cells(own_content).values())


def test_a_colleague_is_refused_and_nothing_is_exported(world: World) -> None:
    exports = AuditEvent.objects.filter(action="export").count()
    assert _download(world, "case_worker_2", "own", "pdf")[0] == 403
    assert _download(world, "case_worker_bromma", "own", "xlsx")[0] == 404
    assert _download(world, "administrator", "own", "xlsx")[0] == 403
    assert AuditEvent.objects.filter(action="export").count() == exports
