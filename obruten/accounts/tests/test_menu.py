"""The menu offers only what the user may open (issue 12: the school coordinator was
offered "Importera" and got 403)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World


@pytest.mark.parametrize(
    ("role", "offered"),
    [("case_worker", True), ("unit_manager", True), ("school_coordinator", False), ("skolfam", False)],
)
def test_import_is_in_the_menu_only_for_those_who_may_import(world: World, role: str, offered: bool) -> None:
    client = Client()
    client.force_login(world.users[role])
    page = client.get(reverse("register:caseload")).content.decode()
    assert (reverse("register:import") in page) is offered
    assert client.get(reverse("register:import")).status_code == (200 if offered else 403)
