"""Holes an attacker's review found after the first round of issue 9, each as the
attacker made it: through the import, the admin, a date or a byte no form expected."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.participation import services as participation
from obruten.register.imports import COLUMNS
from obruten.register.models import Child, District, Placement, PlacementForm


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _import(client: Client, *rows: str) -> Any:
    content = ("\n".join([",".join(COLUMNS), *rows]) + "\n").encode()
    upload = SimpleUploadedFile("placeringar.csv", content, content_type="text/csv")
    return client.post(reverse("register:import"), {"file": upload}).context["result"]


def _row(child: Child, start: str, form: str, first: str = "", end: str = "") -> str:
    names = f"{child.personal_number},{first or child.first_name},{child.last_name}"
    return f"{names},F,0180,farsta,{form},SoL,{start},{end},nej,,"


def _rules(result: Any) -> list[tuple[str, str]]:
    return [(error.column, error.rule) for error in result.errors]


def test_a_colleague_cannot_lift_protected_housing_by_import(world: World) -> None:
    start = f"{world.protected_placement.start_date:%Y-%m-%d}"
    result = _import(_client(world, "case_worker_2"), _row(world.protected, start, "hvb"))
    assert _rules(result) == [("personal_number", "R19")]
    world.protected_placement.refresh_from_db()
    assert world.protected_placement.form.code == "skyddat_boende"


def test_the_responsible_case_worker_ends_protected_housing_on_the_page_not_by_import(world: World) -> None:
    placement = Placement.objects.get(pk=world.protected_placement.pk)
    placement.accompanying = False  # the child's own placement in skyddat boende
    placement.save()
    start = f"{placement.start_date:%Y-%m-%d}"
    result = _import(_client(world, "case_worker"), _row(world.protected, start, "hvb"))
    assert _rules(result) == [("placement_form", "R22")]


def test_two_rows_for_one_placement_are_refused(world: World) -> None:
    row = _row(world.own, f"{world.own_placement.start_date:%Y-%m-%d}", "familjehem")
    assert ("start_date", "R16") in _rules(_import(_client(world, "case_worker"), row, row))
    assert Placement.objects.filter(child=world.own).count() == 1


def test_dates_no_due_date_can_be_computed_from_are_refused(world: World) -> None:
    client = _client(world, "case_worker")
    result = _import(client, _row(world.own, "9999-12-31", "familjehem"))
    assert ("start_date", "R21") in _rules(result)
    url = reverse("register:placement_create", kwargs={"child_id": world.own.pk})
    data = {
        "form": PlacementForm.objects.get(code="hvb").pk,
        "legal_basis": "SoL",
        "start_date": "9999-12-31",
        "district": world.own.district_id,
        "placing_municipality": world.own.home_municipality_id,
        "school_change": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "start_date" in response.context["form"].errors
    assert client.get(reverse("obligations:todo")).status_code == 200


def test_a_name_longer_than_the_register_holds_is_a_row_error(world: World) -> None:
    row = _row(world.own, f"{world.own_placement.start_date:%Y-%m-%d}", "familjehem", first="A" * 101)
    assert ("first_name", "R20") in _rules(_import(_client(world, "case_worker"), row))


def test_a_nul_byte_in_a_childs_answer_is_dropped_not_a_500(world: World) -> None:
    invitation = world.own.invitations.first()
    text = invitation.template.questions.filter(kind="text").first()
    participation.save_answers(
        invitation=invitation, answers={text.pk: participation.Given("hej\x00då", False)}, submit=False
    )
    assert invitation.answers.get(question=text).value == "hejdå"


def test_the_administrator_setting_someones_password_is_audited_and_shown(world: World) -> None:
    colleague = world.users["case_worker"]
    url = reverse("admin:auth_user_password_change", args=[colleague.pk])
    new = "ett-nytt-langt-losenord-42"
    response = _client(world, "administrator").post(url, {"password1": new, "password2": new})
    assert response.status_code == 302
    event = AuditEvent.objects.get(object_type="user", object_id=colleague.pk)
    assert event.actor == world.users["administrator"] and "password" in event.changes
    assert "Lösenord" in _client(world, "unit_manager").get(reverse("access_changes")).content.decode()


def test_district_validity_and_successor_and_coordinator_scope_are_not_editable(world: World) -> None:
    bromma = District.objects.get(code="bromma")
    farsta = District.objects.get(code="farsta")
    admin = _client(world, "administrator")
    admin.post(
        reverse("admin:register_district_change", args=[bromma.pk]),
        {"name": bromma.name, "code": bromma.code, "successor": farsta.pk, "sort_order": bromma.sort_order},
    )
    bromma.refresh_from_db()
    assert bromma.successor_id is None
    form = PlacementForm.objects.get(code="familjehem")
    admin.post(
        reverse("admin:register_placementform_change", args=[form.pk]),
        {"name": form.name, "school_coordinator_follows_up": "on", "sort_order": form.sort_order},
    )
    form.refresh_from_db()
    assert not form.school_coordinator_follows_up
