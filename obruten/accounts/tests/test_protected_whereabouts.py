"""Where a protected child is — address, placement unit, address and municipality, school
and school municipality — appears for no one but the responsible case worker and Lärteamet: on
no page, export or error message. The test opens every URL of the matrix as every role."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import World
from obruten.accounts.tests.test_access_matrix import CHILD_URLS, OTHER_URLS, ROLES, URL_KWARGS, _child_url

SECRETS = ["Hemligvägen 7", "Skyddsboendet Lönn", "Lönngatan 9", "Hemligbyskolan", "Norrbottens län"]
ALLOWED = {"case_worker", "larteamet"}


def _pages(world: World) -> list[str]:
    urls = [_child_url(name, world, "protected") for name in CHILD_URLS]
    urls += [
        reverse(name, kwargs=URL_KWARGS.get(name, {}))
        for name in OTHER_URLS
        if name not in {"admin:*", "logout"}
    ]
    urls += [reverse("register:caseload") + "?scope=stadsdel", reverse("register:caseload") + "?over_goal=on"]
    return urls


def _text(kind: str, content: bytes) -> str:
    """What a person reads in a response: a page, a spreadsheet's cells or a PDF's text."""
    if "spreadsheet" in kind:
        book = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if "pdf" in kind:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode()


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ALLOWED])
def test_no_page_shows_where_a_protected_child_is(world: World, role: str) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    for url in _pages(world):
        response = client.get(url, follow=True)
        body = _text(response.get("Content-Type", ""), response.content)
        leaked = [secret for secret in SECRETS if secret in body]
        assert not leaked, f"{role} sees {leaked} on {url}"


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_the_responsible_case_worker_and_larteamet_see_it(world: World, role: str) -> None:
    client = Client()
    client.force_login(world.users[role])
    body = client.get(_child_url("register:child_detail", world, "protected")).content.decode()
    for secret in SECRETS:
        assert secret in body


def test_a_colleague_sees_the_child_but_not_where(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker_2"])
    body = client.get(_child_url("register:child_detail", world, "protected")).content.decode()
    assert "Cilla" in body and "Skyddad uppgift" in body


def test_the_edit_form_of_a_colleague_has_no_address_field(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker_2"])
    response = client.get(_child_url("register:child_edit", world, "protected"))
    assert "address" not in response.context["form"].fields


def test_a_colleagues_edit_keeps_the_hidden_address(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker_2"])
    child = world.protected
    client.post(
        _child_url("register:child_edit", world, "protected"),
        {
            "personal_number": child.personal_number,
            "first_name": "Cecilia",
            "last_name": child.last_name,
            "sex": "F",
            "home_municipality": child.home_municipality_id,
            "district": child.district_id,
            "protected_identity": child.protected_identity,
        },
    )
    child.refresh_from_db()
    assert (child.first_name, child.address) == ("Cecilia", "Hemligvägen 7")


def test_urls_carry_no_location(world: World) -> None:
    for name in CHILD_URLS:
        url = _child_url(name, world, "protected")
        assert not any(secret.split()[0].lower() in url.lower() for secret in SECRETS)
