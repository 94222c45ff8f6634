"""The to-do lists count and list only one's own tasks; others' steps for one's children
are watched separately; the enhetschef's counts link to lists with exactly those rows;
filters and sorting never leave the user's districts."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten import sorting
from obruten.accounts.models import Role, Team
from obruten.audit.models import AuditEvent
from obruten.obligations import tasks
from obruten.obligations.selectors import DueItem
from obruten.obligations.tests import helpers
from obruten.register.models import Child, District
from obruten.teams import services as teams


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_the_case_workers_overdue_count_holds_only_her_own_tasks(world: World) -> None:
    today = timezone.localdate()
    response = _client(world, "case_worker").get(reverse("obligations:todo"))
    own, watched = response.context["items"], [item for item, _ in response.context["watched_rows"]]
    assert own and all(item.owner == Role.CASE_WORKER for item in own)
    assert response.context["overdue"] == sum(item.is_overdue(today) for item in own)
    everything = helpers.due_items(Child.objects.filter(case_worker=world.users["case_worker"]), today)
    assert len(own) + len(watched) == len(everything)
    assert f'id="overdue-count">{response.context["overdue"]} ' in response.content.decode()


def test_the_coordinators_steps_are_watched_not_the_case_workers_own(world: World) -> None:
    # The chain's follow-up meeting is the school coordinator's step, for both her children.
    response = _client(world, "case_worker").get(reverse("obligations:todo"))
    watched = [item for item, _ in response.context["watched_rows"]]
    coordinator = [item for item in watched if item.owner == Role.SCHOOL_COORDINATOR]
    assert {item.child_id for item in coordinator} == {world.own.pk, world.protected.pk}
    assert not [item for item in response.context["items"] if item.owner == Role.SCHOOL_COORDINATOR]
    html = response.content.decode()
    assert html.index("Att bevaka") < html.index("Uppföljningsmöte skola och socialtjänst")


def _follow(client: Client, page: str, href: str) -> list[DueItem]:
    return client.get(page + "?" + urlparse(href.replace("&amp;", "&")).query).context["items"]


def test_the_unit_managers_counts_link_to_lists_of_exactly_that_many_rows(world: World) -> None:
    teams.create_team(
        actor=world.users["unit_manager"],
        data=teams.TeamData(
            District.objects.get(code="farsta"), "Team 1", None, (world.users["case_worker"],)
        ),
        via="test",
    )
    client = _client(world, "unit_manager")
    page = reverse("obligations:district")
    response = client.get(page)
    html = response.content.decode()
    worker = world.users["case_worker"].pk
    (load,) = response.context["loads"]
    overdue = f"?ansvarig=socialsekreterare&amp;socialsekreterare={worker}&amp;status=forsenad#uppgifter"
    coming = f"?ansvarig=socialsekreterare&amp;socialsekreterare={worker}&amp;status=kommande#uppgifter"
    assert f'<a href="{overdue}">{load.overdue}</a>' in html
    assert len(_follow(client, page, overdue)) == load.overdue > 0
    assert len(_follow(client, page, coming)) == load.due
    (team_load,) = response.context["team_loads"]
    team = Team.objects.get().pk
    by_team = f"?ansvarig=socialsekreterare&amp;arbetsgrupp={team}&amp;status=forsenad#uppgifter"
    assert f'<a href="{by_team}">{team_load.overdue}</a>' in html
    assert len(_follow(client, page, by_team)) == team_load.overdue == load.overdue


def test_a_forged_team_or_case_worker_of_another_district_shows_nothing(world: World) -> None:
    bromma = teams.create_team(
        actor=None,
        data=teams.TeamData(
            District.objects.get(code="bromma"), "B", None, (world.users["case_worker_bromma"],)
        ),
        via="test",
    )
    client = _client(world, "unit_manager")
    page = reverse("obligations:district")
    for name, forged in (
        ("arbetsgrupp", bromma.pk),
        ("socialsekreterare", world.users["case_worker_bromma"].pk),
    ):
        response = client.get(page, {name: str(forged), "ordning": "-barn"})
        assert response.context["items"] == []
        assert "Bodil" not in response.content.decode()


def test_sorting_by_a_column_keeps_the_filters_and_marks_the_column(world: World) -> None:
    client = _client(world, "unit_manager")
    page = reverse("obligations:district")
    response = client.get(page, {"ansvarig": "socialsekreterare", "ordning": "-barn"})
    items = response.context["items"]
    assert items and all(item.owner == Role.CASE_WORKER for item in items)
    assert [i.child_name for i in items] == sorted((i.child_name for i in items), reverse=True)
    html = response.content.decode()
    assert 'aria-sort="descending"><a href="?ansvarig=socialsekreterare&amp;ordning=barn#uppgifter">' in html
    listed = set(
        AuditEvent.objects.filter(via="obligations:district", action="list").values_list(
            "child_id", flat=True
        )
    )
    assert listed == {item.child_id for item in items} | {a.child_id for a in response.context["alerts"]}


def test_an_unknown_column_sorts_by_due_date() -> None:
    assert (
        sorting.chosen(QueryDict("ordning=okand"), tasks.SORT_KEYS, tasks.DEFAULT_ORDER)
        == tasks.DEFAULT_ORDER
    )
    assert sorting.chosen(QueryDict("ordning=-barn"), tasks.SORT_KEYS, tasks.DEFAULT_ORDER) == sorting.Order(
        "barn", descending=True
    )


def test_the_coordinators_list_sorts_and_filters_within_her_scope(world: World) -> None:
    client = _client(world, "school_coordinator")
    response = client.get(reverse("obligations:coordinator"), {"ordning": "-datum"})
    items = response.context["items"]
    assert [item.child_id for item in items] == [world.protected.pk]
    assert 'aria-sort="descending"' in response.content.decode()
    bromma = world.users["case_worker_bromma"].pk
    assert (
        client.get(reverse("obligations:coordinator"), {"socialsekreterare": bromma}).context["items"] == []
    )


def test_every_kind_of_task_can_be_filtered() -> None:
    from obruten.obligations.models import Kind
    from obruten.obligations.tasks import KINDS

    assert {kind for kind, _label in KINDS} == set(Kind.values)


def test_the_enhetschef_filters_the_tasks_to_unaccompanied_children(world: World) -> None:
    """Issue 24: unaccompanied children as a filter on the lists."""
    client = _client(world, "unit_manager")
    page = reverse("obligations:district")
    everyone = client.get(page, {"ansvarig": "socialsekreterare"}).context["items"]
    assert len({item.child_id for item in everyone}) > 1
    chosen = everyone[0].child_id
    Child.objects.filter(pk=chosen).update(unaccompanied=True)
    only = client.get(page, {"ansvarig": "socialsekreterare", "ensamkommande": "on"}).context["items"]
    assert only and {item.child_id for item in only} == {chosen}


def test_a_name_typed_with_markup_is_shown_as_text_in_the_task_rows(world: World) -> None:
    Child.objects.filter(pk=world.own.pk).update(first_name='<img src=x onerror="alert(1)">')
    html = _client(world, "case_worker").get(reverse("obligations:todo")).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html and "<img src=x" not in html


def test_the_case_workers_list_is_paged_and_audits_only_the_rows_shown(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each table pages on its own; the counts are of every task; following "Nästa" shows
    the next task, and only the children of the rows shown are logged as listed."""
    from obruten.obligations import views

    monkeypatch.setattr(views, "TASKS_PER_PAGE", 1)
    client = _client(world, "case_worker")
    first = client.get(reverse("obligations:todo"))
    own = first.context["items"]
    assert len(own) > 1 and len(first.context["rows"]) == 1 == len(first.context["watched_rows"])
    html = first.content.decode()
    assert f"{len(own)} uppgifter de närmaste 30 dagarna" in html
    assert 'aria-label="Sidor i mina uppgifter"' in html and 'href="?sida=2#mina"' in html
    assert 'href="?bevaka=2#bevaka"' in html
    before = AuditEvent.objects.filter(action=AuditEvent.Action.LIST).count()
    second = client.get(reverse("obligations:todo") + "?bevaka=2&sida=2")
    [(shown, _)] = second.context["rows"]
    assert shown == own[1]
    assert 'href="?bevaka=2&amp;sida=1#mina"' in second.content.decode()  # the other table's page kept
    assert all("sida" not in h.query and "bevaka" not in h.query for h in second.context["headers"])
    listed = AuditEvent.objects.filter(action=AuditEvent.Action.LIST).order_by("-sequence")
    shown_children = {shown.child_id, second.context["watched_rows"][0][0].child_id}
    assert {event.child_id for event in listed[: listed.count() - before]} == shown_children
