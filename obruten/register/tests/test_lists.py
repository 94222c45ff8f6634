"""The caseload and the breach list: sortable columns with aria-sort, the responsible case
worker, the breach list's filters that never leave the user's districts, and its XLSX
export, audited and without whereabouts."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from obruten.accounts.models import Team
from obruten.audit.models import AuditEvent
from obruten.register.models import District, PlacementForm
from obruten.teams import services as teams

BREACHES = reverse("register:school_start_breaches")
EXPORT = reverse("register:school_start_breaches_export")


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_caseload_sorts_by_a_column_and_marks_it(world: World) -> None:
    client = _client(world, "case_worker")
    names = lambda response: [child.first_name for child in response.context["page"]]  # noqa: E731
    assert names(client.get(reverse("register:caseload"), {"ordning": "namn"})) == ["Alva", "Cilla"]
    response = client.get(reverse("register:caseload"), {"ordning": "-namn", "scope": "mina"})
    assert names(response) == ["Cilla", "Alva"]
    html = response.content.decode()
    assert 'aria-sort="descending"><a href="?scope=mina&amp;ordning=namn">' in html
    assert html.count("aria-sort=") == 1


def test_the_breach_list_shows_the_responsible_case_worker(world: World) -> None:
    # Both Farsta children's school starts came 10 days after the placement: over the goal.
    response = _client(world, "unit_manager").get(BREACHES)
    assert [p.child_id for p in response.context["placements"]] == [world.own.pk, world.protected.pk]
    assert "cw_farsta" in response.content.decode()


def test_the_breach_list_filters_by_team_case_worker_and_form(world: World) -> None:
    farsta = District.objects.get(code="farsta")
    own_team = teams.create_team(
        actor=None, data=teams.TeamData(farsta, "A", None, (world.users["case_worker"],)), via="test"
    )
    other_team = teams.create_team(
        actor=None, data=teams.TeamData(farsta, "B", None, (world.users["case_worker_2"],)), via="test"
    )
    client = _client(world, "unit_manager")
    shown = lambda query: [p.child_id for p in client.get(BREACHES, query).context["placements"]]  # noqa: E731
    both = [world.own.pk, world.protected.pk]
    assert shown({"arbetsgrupp": own_team.pk}) == both
    assert shown({"arbetsgrupp": other_team.pk}) == []
    assert shown({"ansvarig": world.users["case_worker"].pk}) == both
    assert shown({"ansvarig": world.users["case_worker_2"].pk, "ordning": "-placerad"}) == []
    assert shown({"form": PlacementForm.objects.get(code="familjehem").pk}) == [world.own.pk]
    assert shown({"ordning": "-placerad"}) == [world.protected.pk, world.own.pk]


@pytest.mark.parametrize("forged", ["stadsdel", "arbetsgrupp", "ansvarig"])
def test_a_forged_filter_outside_the_district_shows_nothing(world: World, forged: str) -> None:
    bromma = District.objects.get(code="bromma")
    team = teams.create_team(
        actor=None, data=teams.TeamData(bromma, "B", None, (world.users["case_worker_bromma"],)), via="test"
    )
    value = {"stadsdel": bromma.pk, "arbetsgrupp": team.pk, "ansvarig": world.users["case_worker_bromma"].pk}
    response = _client(world, "unit_manager").get(BREACHES, {forged: str(value[forged]), "ordning": "-dagar"})
    assert response.context["placements"] == []
    export = _client(world, "unit_manager").get(EXPORT, {forged: value[forged]})
    assert openpyxl.load_workbook(io.BytesIO(export.content)).active.max_row == 1  # the header only


def test_the_export_is_the_filtered_list_audited_per_child_without_whereabouts(world: World) -> None:
    farsta_home = PlacementForm.objects.get(code="familjehem").pk
    response = _client(world, "case_worker").get(EXPORT, {"ordning": "barn", "form": str(farsta_home)})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[1][0] == "Testsson, Alva" and rows[1][4] == 10 and len(rows) == 2
    text = " ".join(str(cell) for row in rows for cell in row)
    for secret in ("Hemligbyskolan", "Ekvägen", "Familjehemmet Ek"):
        assert secret not in text
    exported = AuditEvent.objects.filter(via="register:school_start_breaches_export", action="export")
    assert list(exported.values_list("child_id", flat=True)) == [world.own.pk]


def test_the_export_never_shows_where_a_protected_child_is(world: World) -> None:
    response = _client(world, "unit_manager").get(EXPORT)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    text = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
    assert "Testsson, Cilla" in text
    for secret in ("Hemligbyskolan", "Hemligvägen", "Lönngatan", "Skyddsboendet Lönn"):
        assert secret not in text


def test_the_caseload_filters_by_team_and_a_forged_team_shows_no_child(world: World) -> None:
    farsta, bromma = District.objects.get(code="farsta"), District.objects.get(code="bromma")
    own = teams.create_team(
        actor=None, data=teams.TeamData(farsta, "A", None, (world.users["case_worker"],)), via="t"
    )
    empty = teams.create_team(
        actor=None, data=teams.TeamData(farsta, "B", None, (world.users["case_worker_2"],)), via="t"
    )
    other = teams.create_team(
        actor=None, data=teams.TeamData(bromma, "C", None, (world.users["case_worker_bromma"],)), via="t"
    )
    client = _client(world, "unit_manager")

    def count(team: Team) -> int:
        response = client.get(reverse("register:caseload"), {"arbetsgrupp": str(team.pk)})
        return int(response.context["page"].paginator.count)

    assert (count(own), count(empty), count(other)) == (2, 0, 0)
    # The team is kept when the search form is posted, like the other filters.
    posted = client.post(reverse("register:caseload"), {"arbetsgrupp": str(own.pk), "ordning": "-namn"})
    assert posted["Location"].endswith(f"?arbetsgrupp={own.pk}&ordning=-namn")
