"""The trail is read by an enhetschef, not a developer: Swedish page names, field names
as the forms show them, people's names, and refusals called refusals (issue 12)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
from django.test import Client
from django.urls import reverse

from conftest import World
from obruten.audit import labels, log
from obruten.audit.models import AuditEvent


def test_every_page_that_writes_the_log_has_a_swedish_name() -> None:
    code = "\n".join(path.read_text() for path in Path("obruten").rglob("*.py") if "tests" not in path.parts)
    named = set(re.findall(r'via="([a-z_]+:[a-z_]+)"', code))
    assert named, "the scan found no via names"
    unnamed = {via for via in named if labels.via_label(via) == via}
    assert unnamed == set()


def test_the_trail_shows_names_swedish_labels_and_refusals(world: World) -> None:
    case_worker = world.users["case_worker"]
    case_worker.first_name, case_worker.last_name = "Saga", "Socialsekreterare"
    case_worker.save()
    log.record(
        actor=case_worker,
        action=log.Action.UPDATE,
        via="register:child_edit",
        child=world.own,
        obj=world.own,
        changes={"last_name": ["Gammal", "Ny"]},
    )
    log.record(
        actor=world.users["case_worker_2"],
        action=log.Action.REFUSED,
        via="register:child_detail",
        child=world.own,
    )
    manager = Client()
    manager.force_login(world.users["unit_manager"])
    body = manager.get(reverse("audit:child_trail", kwargs={"child_id": world.own.pk})).content.decode()
    assert "Saga Socialsekreterare (Socialsekreterare)" in body
    assert "Ändra barnets uppgifter" in body and "register:child_edit" not in body
    assert "efternamn" in body and "last_name" not in body
    assert "nekad" in body


def test_the_trail_downloads_as_xlsx_and_the_download_is_logged(world: World) -> None:
    manager = Client()
    manager.force_login(world.users["unit_manager"])
    response = manager.get(reverse("audit:child_trail_xlsx", kwargs={"child_id": world.own.pk}))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[3][:4] == ["Tid", "Vem", "Händelse", "Sida eller export"]
    assert any(row[3] == "Vem har sett detta barn? (Excel)" for row in rows[4:])
    assert AuditEvent.objects.filter(
        child_id=world.own.pk,
        action="export",
        via="audit:child_trail_xlsx",
        actor=world.users["unit_manager"],
    ).exists()
