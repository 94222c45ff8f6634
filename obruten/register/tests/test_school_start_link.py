"""The child's page offers "Registrera skolstart" only for a placement without one; a
recorded school start is changed, not registered again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import place


def test_a_recorded_school_start_is_offered_for_change_not_registration(world: Any) -> None:
    case_worker = world.users["case_worker"]
    today = timezone.localdate()
    without_start = place(
        world.own,
        "hvb",
        "farsta",
        today - timedelta(days=90),
        case_worker,
        end_date=today - timedelta(days=30),
    )
    client = Client()
    client.force_login(case_worker)
    page = client.get(reverse("register:child_detail", args=[world.own.pk])).content.decode()

    def link(placement: Any) -> str:
        href = reverse("register:school_start", args=[world.own.pk, placement.pk])
        return page.split(f'href="{href}">', 1)[1].split("<", 1)[0]

    assert link(world.own_placement) == "Ändra skolstart"
    assert link(without_start) == "Registrera skolstart"
    assert page.count("Registrera skolstart") == 1
