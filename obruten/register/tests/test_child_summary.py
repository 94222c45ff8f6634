"""A printable summary of a child for a meeting (/barn/<id>/sammanfattning/): placements and
school, results over time, follow-ups and the child's voice, audited as a read, and where
a protected child is hidden from everyone who may not see it on the child's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.accounts.tests.test_protected_whereabouts import ALLOWED, SECRETS
from obruten.audit.models import AuditEvent
from obruten.followup import services as followup_services
from obruten.participation import services as participation_services
from obruten.register.models import Child


def _url(child: Child) -> str:
    return reverse("register:child_summary", kwargs={"child_id": child.pk})


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _follow_up(world: World, days_ago: int, swedish: str, maths: str, english: str) -> None:
    result = followup_services.Result
    followup_services.record_follow_up(
        actor=world.users["case_worker"],
        child=world.own,
        via="test",
        data=followup_services.FollowUpData(
            kind="skolsamordnare",
            date=timezone.localdate() - timedelta(days=days_ago),
            swedish_subject="SVA",
            results={
                "SWEDISH": result(grade=swedish),
                "MA": result(grade=maths),
                "EN": result(grade=english),
            },
        ),
    )


def test_the_summary_holds_placements_school_results_and_the_childs_voice(world: World) -> None:
    _follow_up(world, 12, swedish="E", maths="D", english="C")
    invitation = world.own.invitations.get()
    questions = list(invitation.template.questions.filter(kind="text")[:1])
    participation_services.save_answers(
        invitation=invitation,
        answers={q.pk: participation_services.Given("Jag vill spela fotboll") for q in questions},
        submit=True,
    )
    response = _client(world, "case_worker").get(_url(world.own))
    html = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "Sammanfattning för Alva",
        "Familjehemmet Ek",  # the placement unit
        "Hemligbyskolan",  # the school of the school start
        "Resultat över tid",
        "svenska som andraspråk",
        "Jag vill spela fotboll",
        "Skriv ut",
    ]:
        assert expected in html
    rows = response.context["results"]
    grades = [[r.grade if r else None for r in row.results] for row in rows]
    assert grades == [
        ["E", "D", "C"],
        [None, "C", None],
    ]  # oldest first; the world's follow-up has maths only


def test_reading_the_summary_is_audited_as_a_read(world: World) -> None:
    _client(world, "case_worker_2").get(_url(world.own))
    event = AuditEvent.objects.get(via="register:child_summary")
    assert (event.action, event.child_id, event.actor) == ("read", world.own.pk, world.users["case_worker_2"])


@pytest.mark.parametrize("role", ["case_worker_2", "school_coordinator", "unit_manager"])
def test_the_summary_of_a_protected_child_hides_where_it_is(world: World, role: str) -> None:
    assert role not in ALLOWED
    response = _client(world, role).get(_url(world.protected))
    html = response.content.decode()
    assert response.status_code == 200 and "Cilla" in html and "Skyddad uppgift" in html
    assert [secret for secret in SECRETS if secret in html] == []


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_those_who_see_where_a_protected_child_is_see_it_here_too(world: World, role: str) -> None:
    html = _client(world, role).get(_url(world.protected)).content.decode()
    assert "Skyddsboendet Lönn" in html and "Hemligbyskolan" in html


def test_a_child_out_of_scope_is_not_found_and_the_attempt_names_no_one(world: World) -> None:
    response = _client(world, "case_worker_bromma").get(_url(world.own))
    assert response.status_code == 404
    assert "Alva" not in response.content.decode()
    assert not AuditEvent.objects.filter(via="register:child_summary", action="read").exists()


def test_the_summary_prints_without_the_menus(world: World) -> None:
    html = _client(world, "case_worker").get(_url(world.own)).content.decode()
    assert 'media="print"' in html and "print.css" in html
    assert 'class="notice no-print"' in html  # the hint itself is not printed
    child_page = _client(world, "case_worker").get(reverse("register:child_detail", args=[world.own.pk]))
    assert _url(world.own) in child_page.content.decode()
