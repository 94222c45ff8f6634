"""The third attacker review (issue 19), each finding as the attacker made it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import World
from obruten.lib.tests.hostile import shared_string_bomb
from obruten.register.imports import COLUMNS
from obruten.register.models import Placement
from obruten.statistics.monthly import COLUMNS as MONTHLY_COLUMNS


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize(
    ("role", "url", "columns"),
    [("case_worker", "register:import", COLUMNS), ("analyst", "statistics:monthly", MONTHLY_COLUMNS)],
)
def test_1_a_tiny_xlsx_whose_cells_share_one_huge_string_is_refused(
    world: World, role: str, url: str, columns: Any
) -> None:
    placements = Placement.objects.count()
    upload = SimpleUploadedFile("liten.xlsx", shared_string_bomb(columns, count=300))
    response = _client(world, role).post(reverse(url), {"file": upload})
    assert response.status_code == 200
    assert [error.rule for error in response.context["result"].errors] == ["F08"]
    assert Placement.objects.count() == placements
