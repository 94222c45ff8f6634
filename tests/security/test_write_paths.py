"""The attacks of issue 9, points 1–6, each as the attacker made it: through the page,
the import or the admin, with values outside the user's scope. Each is refused and
changes nothing; the attempt is in the audit log where the issue asks for it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.register import services
from obruten.register.imports import COLUMNS
from obruten.register.models import Child, District, Placement, PlacementForm, ProtectedIdentity
from tests.security.posts import child_post


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _import(client: Client, *rows: str) -> Any:
    content = ("\n".join([",".join(COLUMNS), *rows]) + "\n").encode()
    upload = SimpleUploadedFile("placeringar.csv", content, content_type="text/csv")
    return client.post(reverse("register:import"), {"file": upload})


def _row(child: Child, district: str, start: str, form: str = "familjehem") -> str:
    names = f"{child.personal_number},{child.first_name},{child.last_name}"
    return f"{names},F,0180,{district},{form},SoL,{start},,nej,,"


def _state(child: Child) -> tuple[Any, ...]:
    child.refresh_from_db()
    placements = tuple(
        Placement.objects.filter(child=child).values_list("district_id", "form_id", "start_date")
    )
    return child.district_id, child.case_worker_id, child.protected_identity, placements


def _writes() -> int:
    return AuditEvent.objects.filter(action__in=["create", "update", "import"]).count()


# 1. The import takes over no child. ---------------------------------------------------


@pytest.mark.parametrize(
    ("role", "victim", "district"),
    [("case_worker_bromma", "own", "bromma"), ("unit_manager", "other", "farsta")],
)
def test_an_import_cannot_take_over_a_child_outside_the_scope(
    world: World, role: str, victim: str, district: str
) -> None:
    child = getattr(world, victim)
    placement = child.placements.order_by("start_date").first()
    before, writes = _state(child), _writes()
    response = _import(_client(world, role), _row(child, district, f"{placement.start_date:%Y-%m-%d}"))
    result = response.context["result"]
    assert [(e.row, e.column, e.rule) for e in result.errors] == [(2, "personal_number", "R19")]
    assert _state(child) == before and _writes() == writes
    refused = AuditEvent.objects.get(child=child, action="refused")
    assert refused.actor == world.users[role] and refused.reason == "R19"


# 2. A failed import tells nothing about a child outside the scope. -------------------


def test_a_failed_import_says_the_same_whether_or_not_the_child_exists_elsewhere(world: World) -> None:
    client = _client(world, "case_worker_bromma")
    overlapping = (timezone.localdate() - timedelta(days=5)).isoformat()  # inside Alva's placement
    existing = _import(client, _row(world.own, "bromma", overlapping)).context["result"]
    assert [e.rule for e in existing.errors] == ["R19"]  # not R16: the placement's dates stay hidden
    text = _import(client, _row(world.own, "bromma", overlapping)).content.decode()
    assert f"{world.own_placement.start_date:%Y-%m-%d}" not in text and "R16" not in text
    # A child nobody has registered, in another district, gets R17 for the district:
    # the row is refused either way, and R19 never names where or since when.
    unknown = Child(personal_number="200802122390", first_name="Ny", last_name="Person")
    (error,) = _import(client, _row(unknown, "farsta", overlapping)).context["result"].errors
    assert (error.column, error.rule) == ("district", "R17")


# 3. Protection goes down only with the right person and a reason. --------------------


def test_a_colleague_cannot_remove_a_childs_protection(world: World) -> None:
    before, writes = _state(world.protected), _writes()
    response = _client(world, "case_worker_2").post(
        reverse("register:child_edit", kwargs={"child_id": world.protected.pk}),
        child_post(world.protected, protected_identity="none", protection_reason="för att"),
    )
    assert response.status_code == 200
    assert (
        "Bara barnets ansvariga socialsekreterare eller enhetschef kan sänka skyddet"
        in response.content.decode()
    )
    assert _state(world.protected) == before and _writes() == writes
    page = _client(world, "case_worker_2").get(
        reverse("register:child_detail", kwargs={"child_id": world.protected.pk})
    )
    assert "Lönngatan 9" not in page.content.decode() and "Hemligvägen 7" not in page.content.decode()


def test_the_responsible_case_worker_lowers_protection_only_with_a_reason(world: World) -> None:
    client = _client(world, "case_worker")
    url = reverse("register:child_edit", kwargs={"child_id": world.protected.pk})
    response = client.post(url, child_post(world.protected, protected_identity="sekretessmarkering"))
    assert "Skriv varför skyddet sänks." in response.content.decode()
    assert _state(world.protected)[2] == ProtectedIdentity.PROTECTED_REGISTRATION
    response = client.post(
        url,
        child_post(
            world.protected, protected_identity="sekretessmarkering", protection_reason="Domstolsbeslut"
        ),
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(child=world.protected, action="update").latest("id")
    assert event.reason == "Domstolsbeslut"
    assert event.changes["protected_identity"] == ["skyddad_folkbokforing", "sekretessmarkering"]


def test_the_unit_manager_lowers_protection_with_a_reason_and_anyone_in_scope_raises_it(world: World) -> None:
    url = reverse("register:protection", kwargs={"child_id": world.protected.pk})
    manager = _client(world, "unit_manager")
    assert "Skriv varför skyddet sänks." in manager.post(url, {"protected_identity": "none"}).content.decode()
    response = manager.post(
        url, {"protected_identity": "none", "protection_reason": "Skyddet har upphört enligt Skatteverket"}
    )
    assert response.status_code == 302 and _state(world.protected)[2] == "none"
    colleague = _client(world, "case_worker_2")
    raise_url = reverse("register:protection", kwargs={"child_id": world.own.pk})
    assert colleague.post(raise_url, {"protected_identity": "sekretessmarkering"}).status_code == 302
    assert _state(world.own)[2] == "sekretessmarkering"
    lowered = colleague.post(raise_url, {"protected_identity": "none", "protection_reason": "fel"})
    assert (
        "Bara barnets ansvariga" in lowered.content.decode() and _state(world.own)[2] == "sekretessmarkering"
    )


def test_ending_protected_housing_is_lowering_protection(world: World) -> None:
    placement = world.protected_placement
    data = _placement_post(placement, form=PlacementForm.objects.get(code="familjehem").pk, accompanying="")
    client = _client(world, "case_worker")
    url = reverse(
        "register:placement_edit", kwargs={"child_id": world.protected.pk, "placement_id": placement.pk}
    )
    assert "Skriv varför skyddet sänks." in client.post(url, data).content.decode()
    placement.refresh_from_db()
    assert placement.is_protected_housing


# 4. A placement stays in the user's districts. ---------------------------------------


def _placement_post(placement: Placement, **changes: Any) -> dict[str, Any]:
    data = {
        "form": placement.form_id,
        "accompanying": "on" if placement.accompanying else "",
        "legal_basis": placement.legal_basis,
        "start_date": f"{placement.start_date:%Y-%m-%d}",
        "end_date": "",
        "district": placement.district_id,
        "placing_municipality": placement.placing_municipality_id,
        "unit_name": placement.unit_name,
        "address": placement.address,
    }
    return {**data, **changes}


def test_a_placement_cannot_be_moved_to_another_district(world: World) -> None:
    bromma = District.objects.get(code="bromma")
    placement, before, writes = world.own_placement, _state(world.own), _writes()
    client = _client(world, "case_worker")
    edit = reverse("register:placement_edit", kwargs={"child_id": world.own.pk, "placement_id": placement.pk})
    create = reverse("register:placement_create", kwargs={"child_id": world.own.pk})
    later = f"{timezone.localdate() + timedelta(days=1):%Y-%m-%d}"
    for url, data in [
        (edit, _placement_post(placement, district=bromma.pk)),
        (create, _placement_post(placement, district=bromma.pk, start_date=later)),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors["district"]
    assert _state(world.own) == before and _writes() == writes
    with pytest.raises(ValidationError):  # the service refuses it whatever the form offers
        services.update_placement(
            actor=world.users["case_worker"],
            placement=placement,
            via="test",
            data=services.PlacementData(
                form=placement.form,
                legal_basis=placement.legal_basis,
                start_date=placement.start_date,
                district=bromma,
                placing_municipality=placement.placing_municipality,
            ),
        )


def test_a_service_refuses_a_child_outside_the_scope_whoever_calls_it(world: World) -> None:
    placement = world.other.placements.first()
    with pytest.raises(PermissionDenied):
        services.record_school_start(
            actor=world.users["case_worker"],
            placement=placement,
            school=world.school,
            first_school_day=timezone.localdate(),
            via="test",
        )


# 5. The administrator's own access, and the protected-housing flag. -----------------


def test_the_administrator_cannot_give_themselves_record_access(world: World) -> None:
    admin = world.users["administrator"]
    client = _client(world, "administrator")
    url = reverse("admin:accounts_user_change", args=[admin.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(role="socialsekreterare", districts=list(District.objects.values_list("pk", flat=True)))
    data.update(
        {"date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "is_active": "on", "is_staff": "on"}
    )
    client.post(url, data)
    admin.refresh_from_db()
    assert admin.role == "administrator" and not admin.districts.exists()
    assert client.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk})).status_code == 403


def test_a_change_of_someones_access_is_in_the_audit_chain_and_the_unit_manager_sees_it(world: World) -> None:
    colleague = world.users["case_worker_2"]
    client = _client(world, "administrator")
    url = reverse("admin:accounts_user_change", args=[colleague.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        role="enhetschef",
        districts=[District.objects.get(code="farsta").pk, District.objects.get(code="bromma").pk],
        first_name="Kim",  # a user is named (issue 23)
        last_name="Kollega",
        email="kim@example.org",
        is_active="on",
        date_joined_0="2026-01-01",
        date_joined_1="00:00:00",
    )
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(object_type="user", object_id=colleague.pk)
    assert event.actor == world.users["administrator"]
    assert event.changes["role"] == ["socialsekreterare", "enhetschef"]
    assert event.changes["districts"] == [["farsta"], ["bromma", "farsta"]]
    page = _client(world, "unit_manager").get(reverse("access_changes")).content.decode()
    assert "socialsekreterare → enhetschef" in page and "bromma, farsta" in page


def test_the_protected_housing_flag_cannot_be_changed_in_the_admin(world: World) -> None:
    form = PlacementForm.objects.get(code="skyddat_boende")
    client = _client(world, "administrator")
    url = reverse("admin:register_placementform_change", args=[form.pk])
    client.post(url, {"name": form.name, "school_coordinator_follows_up": "on", "is_protected_housing": ""})
    form.refresh_from_db()
    assert form.is_protected_housing


def test_a_code_list_edit_in_the_admin_is_audited_and_shows_in_the_next_report(world: World) -> None:
    """Code lists name the reports' rows and columns and decide due items: an edit is a
    write like any other, so the cached report cube and start pages are computed again."""
    from obruten.statistics.definitions import Params
    from obruten.statistics.protection import protect_report

    year = Params(year=timezone.localdate().year)
    assert "HVB" in protect_report("placements", year).table.col_labels
    form = PlacementForm.objects.get(code="hvb")
    client = _client(world, "administrator")
    url = reverse("admin:register_placementform_change", args=[form.pk])
    response = client.post(url, {"name": "HVB-hem", "sort_order": form.sort_order, "is_family_home": ""})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="placementform", object_id=form.pk).latest("sequence")
    assert event.actor == world.users["administrator"] and event.changes["name"] == ["HVB", "HVB-hem"]
    assert "HVB-hem" in protect_report("placements", year).table.col_labels
    deleting = reverse("admin:register_placementform_delete", args=[form.pk])
    assert client.post(deleting, {"post": "yes"}).status_code == 403
    assert PlacementForm.objects.filter(pk=form.pk).exists()


# 6. Every page that lists children writes a LIST row per child shown. ----------------


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        ("case_worker", "obligations:todo"),
        ("unit_manager", "obligations:district"),
        ("school_coordinator", "obligations:coordinator"),
        ("case_worker", "register:school_start_breaches"),
    ],
)
def test_pages_that_list_children_audit_each_child_shown(world: World, role: str, url_name: str) -> None:
    before = AuditEvent.objects.filter(action="list").count()
    # The enhetschef's task list is one click away: the page as opened from that click.
    response = _client(world, role).get(
        reverse(url_name), {"visa": "alla"} if url_name.endswith("district") else {}
    )
    body = response.content.decode()
    listed = set(
        AuditEvent.objects.filter(action="list", via=url_name, actor=world.users[role]).values_list(
            "child_id", flat=True
        )
    )
    shown = {child.pk for child in (world.own, world.other, world.protected) if child.first_name in body}
    assert shown and listed == shown
    assert AuditEvent.objects.filter(action="list").count() - before == len(shown)
