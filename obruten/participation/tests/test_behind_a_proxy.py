"""Behind a reverse proxy every request comes from the proxy's address: a guesser is
limited by the real client's address, a valid link always opens, guessing from many
addresses raises an alarm, and links are https when the site is."""

from __future__ import annotations

import logging
from typing import Any

from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.obligations.reminders import send_reminders
from obruten.participation import services
from obruten.participation.models import Template

PROXY = "10.0.0.2"
ATTACKER, CHILD = "203.0.113.66", "198.51.100.7"
ALARM = "questionnaire link guessing city-wide"


def _through_proxy(client_address: str, *, claimed: str = "") -> Client:
    """A browser at ``client_address``; our proxy appends it to what the browser claimed."""
    forwarded = f"{claimed}, {client_address}" if claimed else client_address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def _valid_link(world: World) -> str:
    _invitation, token = services.create_invitation(
        actor=world.users["case_worker"],
        child=world.own,
        template=Template.objects.get(code="barnets-rost", version=1),
        language="sv",
        via="test",
    )
    return reverse("participation:answer", kwargs={"token": token})


def _guess(client: Client, n: int) -> int:
    return client.get(reverse("participation:answer", kwargs={"token": f"guess-{n}"})).status_code


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_guesser_behind_the_proxy_blocks_neither_another_child_nor_a_valid_link(world: World) -> None:
    attacker = _through_proxy(ATTACKER)
    assert {_guess(attacker, n) for n in range(20)} == {404}
    assert _guess(attacker, 20) == 429
    link = _valid_link(world)
    assert _through_proxy(CHILD).get(link).status_code == 200
    assert _guess(_through_proxy(CHILD), 99) == 404  # a child's typo is not blocked
    assert attacker.get(link).status_code == 200  # even from the guesser's own address


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_for_does_not_escape_the_limit(world: World) -> None:
    statuses = [_guess(_through_proxy(ATTACKER, claimed=f"192.0.2.{n}"), n) for n in range(21)]
    assert statuses[-1] == 429


def test_without_a_proxy_setting_the_forwarded_header_is_ignored(world: World) -> None:
    statuses = [
        _guess(Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), n) for n in range(21)
    ]
    assert statuses[-1] == 429


@override_settings(TRUSTED_PROXY_COUNT=1, PARTICIPATION_MAX_GUESSES_CITY=5)
def test_guessing_from_many_addresses_is_refused_and_raises_the_alarm(world: World, caplog: Any) -> None:
    with caplog.at_level(logging.WARNING):
        statuses = [_guess(_through_proxy(f"192.0.2.{n}"), n) for n in range(8)]
    assert statuses == [404] * 5 + [429] * 3
    alarms = [r for r in caplog.records if ALARM in r.getMessage()]
    assert len(alarms) == 1 and alarms[0].levelno == logging.WARNING
    assert _through_proxy(CHILD).get(_valid_link(world)).status_code == 200


def _create_link_page(world: World, headers: dict[str, str] | None = None) -> str:
    client = Client()
    client.force_login(world.users["case_worker"])
    response = client.post(
        reverse("participation:create", kwargs={"child_id": world.own.pk}),
        {"questionnaire": f"{Template.objects.get(code='barnets-rost', version=2).pk}:sv"},
        headers=headers or {},
    )
    assert response.status_code == 200
    return str(response.context["link"])


@override_settings(OBRUTEN_BASE_URL="https://obruten.example.se")
def test_the_questionnaire_link_is_built_from_the_public_base_url(world: World) -> None:
    link = _create_link_page(world)  # over plain http from the proxy
    assert link.startswith("https://obruten.example.se/q/")


@override_settings(OBRUTEN_BASE_URL="", SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_without_a_base_url_the_link_is_https_when_the_proxy_says_so(world: World) -> None:
    link = _create_link_page(world, {"X-Forwarded-Proto": "https"})
    assert link.startswith("https://testserver")


@override_settings(OBRUTEN_BASE_URL="https://obruten.example.se/")
def test_the_reminder_links_to_the_public_base_url(world: World) -> None:
    world.users["case_worker"].email = "cw_farsta@example.org"
    world.users["case_worker"].save()
    send_reminders(timezone.localdate())
    assert mail.outbox and "https://obruten.example.se/att-gora/" in mail.outbox[0].body
