"""No personnummer in URLs (issue 9, point 10): the caseload search is posted, the text is
kept in the session, and neither the redirect, the pagination links nor the audit log's
filters carry it. Web servers and proxies log every URL; they do not log request bodies."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from conftest import TEST_NUMBERS, World, register
from obruten.audit.models import AuditEvent
from obruten.lib.personnummer import luhn_check_digit

URL = reverse("register:caseload")
CILLA = f"{TEST_NUMBERS[2][:8]}-{TEST_NUMBERS[2][8:]}"


def _client(world: World, role: str = "case_worker") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _names(response: object) -> set[str]:
    return {child.first_name for child in response.context["page"]}  # type: ignore[attr-defined]


def test_a_search_by_personnummer_puts_it_in_no_url(world: World) -> None:
    response = _client(world).post(URL, {"q": CILLA, "scope": "stadsdel"}, follow=True)
    assert _names(response) == {"Cilla"}
    assert response.context["form"]["q"].value() == CILLA  # the field keeps what was typed
    locations = [location for location, _ in response.redirect_chain]
    assert locations and not any(TEST_NUMBERS[2][2:8] in location for location in locations)
    assert "scope=stadsdel" in locations[-1]  # the filters that name no one stay in the URL


def test_the_search_form_is_posted_with_a_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["case_worker"])
    page = client.get(URL).content.decode()
    search = re.search(r'<form([^>]*role="search"[^>]*)>(.*?)</form>', page, re.DOTALL)
    assert search is not None
    assert 'method="post"' in search[1] and "csrfmiddlewaretoken" in search[2]
    assert client.post(URL, {"q": CILLA}).status_code == 403


def test_paging_keeps_the_search_without_putting_it_in_the_links(world: World) -> None:
    case_worker = world.users["case_worker"]
    for n in range(55):
        nine = f"100101{n:03d}"
        register(f"20{nine}{luhn_check_digit(nine)}", f"Sidbarn{n}", "farsta", case_worker)
    client = _client(world)
    first = client.post(URL, {"q": "sidbarn", "scope": "mina"}, follow=True)
    assert first.context["page"].paginator.count == 55
    pager = first.content.decode().split('class="pager"')[1]
    assert "sida=2" in pager and "sok=1" in pager and "sidbarn" not in pager.lower()
    second = client.get(first.request["PATH_INFO"] + "?" + first.context["query"] + "&sida=2")
    assert second.context["page"].number == 2
    assert {name[:7] for name in _names(second)} == {"Sidbarn"}
    assert second.context["form"]["q"].value() == "sidbarn"


def test_an_empty_search_shows_everyone_again(world: World) -> None:
    client = _client(world)
    client.post(URL, {"q": "alva"})
    assert _names(client.post(URL, {"q": ""}, follow=True)) == {"Alva", "Cilla"}


def test_a_search_in_the_url_is_not_honoured(world: World) -> None:
    """A link with ?q= would be logged wherever it goes; the page does not invite it."""
    assert _names(_client(world).get(URL, {"q": "alva"})) == {"Alva", "Cilla"}


def test_the_audit_log_records_that_a_search_was_made_not_what(world: World) -> None:
    _client(world).post(URL, {"q": CILLA, "scope": "stadsdel"}, follow=True)
    rows = AuditEvent.objects.filter(via="register:caseload")
    assert [row.child_id for row in rows] == [world.protected.pk]  # one LIST row per child shown
    assert rows[0].changes == {"scope": "stadsdel", "search": True}
