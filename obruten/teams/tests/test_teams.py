"""The enhetschef manages the teams of their own district; staff of another district
cannot be made members, and nothing is written when a post is forged."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import World
from obruten.accounts.models import Team
from obruten.audit.models import AuditEvent
from obruten.register.models import District
from obruten.teams import services

URL = reverse("teams:manage")


def _manager(world: World) -> Client:
    client = Client()
    client.force_login(world.users["unit_manager"])
    return client


def _post(world: World, **extra: object) -> dict[str, object]:
    return {
        "name": "Barn och unga 1",
        "district": District.objects.get(code="farsta").pk,
        "manager": world.users["unit_manager"].pk,
        "members": [world.users["case_worker"].pk, world.users["case_worker_2"].pk],
        **extra,
    }


def test_the_unit_manager_creates_a_team_of_the_districts_staff(world: World) -> None:
    response = _manager(world).post(URL, _post(world))
    assert response.status_code == 302
    team = Team.objects.get()
    assert team.district.code == "farsta" and team.manager == world.users["unit_manager"]
    assert {m.username for m in team.members.all()} == {"cw_farsta", "cw2_farsta"}
    event = AuditEvent.objects.get(via="teams:manage")
    assert event.action == "create" and event.object_id == team.pk


def test_renaming_and_changing_members_is_audited_with_old_and_new(world: World) -> None:
    client = _manager(world)
    client.post(URL, _post(world))
    team = Team.objects.get()
    client.post(URL, _post(world, team=team.pk, name="Familjehem", members=[world.users["case_worker"].pk]))
    team.refresh_from_db()
    assert team.name == "Familjehem" and list(team.members.all()) == [world.users["case_worker"]]
    update = AuditEvent.objects.get(via="teams:manage", action="update")
    assert update.changes["name"] == ["Barn och unga 1", "Familjehem"]


def test_a_forged_member_of_another_district_is_a_field_error_and_nothing_is_written(world: World) -> None:
    forged = _post(world, members=[world.users["case_worker"].pk, world.users["case_worker_bromma"].pk])
    response = _manager(world).post(URL, forged)
    assert response.status_code == 200 and "members" in response.context["form"].errors
    assert not Team.objects.exists()
    assert not AuditEvent.objects.filter(via="teams:manage").exists()


def test_a_forged_district_is_a_field_error_and_nothing_is_written(world: World) -> None:
    response = _manager(world).post(URL, _post(world, district=District.objects.get(code="bromma").pk))
    assert "district" in response.context["form"].errors
    assert not Team.objects.exists()


def test_the_service_refuses_staff_of_another_district_whatever_the_form_offered(world: World) -> None:
    larteamet = world.users["larteamet"]  # in Farsta and Bromma: a choice on the form
    bromma = District.objects.get(code="bromma")
    with pytest.raises(ValidationError) as refused:
        services.create_team(
            actor=world.users["unit_manager"],
            data=services.TeamData(
                District.objects.get(code="farsta"), "X", None, (world.users["case_worker_bromma"],)
            ),
            via="test",
        )
    assert "members" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.create_team(
            actor=world.users["unit_manager"],
            data=services.TeamData(bromma, "X", None, (larteamet,)),
            via="test",
        )
    assert not Team.objects.exists()


def test_only_the_unit_manager_manages_teams(world: World) -> None:
    farsta = District.objects.get(code="farsta")
    with pytest.raises(PermissionDenied):
        services.create_team(
            actor=world.users["case_worker"], data=services.TeamData(farsta, "X"), via="test"
        )


def test_a_team_of_another_district_cannot_be_opened_or_changed(world: World) -> None:
    bromma = services.create_team(
        actor=None,
        data=services.TeamData(
            District.objects.get(code="bromma"), "Bromma 1", None, (world.users["case_worker_bromma"],)
        ),
        via="test",
    )
    client = _manager(world)
    assert client.get(URL, {"grupp": bromma.pk}).status_code == 404
    assert client.post(URL, _post(world, team=bromma.pk)).status_code == 404
    assert "Bromma 1" not in client.get(URL).content.decode()
    bromma.refresh_from_db()
    assert bromma.name == "Bromma 1" and bromma.district.code == "bromma"
    with pytest.raises(PermissionDenied):
        services.update_team(
            actor=world.users["unit_manager"],
            team=bromma,
            data=services.TeamData(District.objects.get(code="farsta"), "Taken"),
            via="test",
        )
