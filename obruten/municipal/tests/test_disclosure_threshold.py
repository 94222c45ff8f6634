"""Issue 21: the statistics' threshold as the municipality sets it: in the admin, audited,
from a day on, never changing a period that has ended. The default is the city's own
(counts 1–3 hidden, seed 001 prints 4s)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten import municipal
from obruten.audit.models import AuditEvent
from obruten.municipal import services
from obruten.municipal.models import DisclosureThreshold
from obruten.statistics.protection import rules


def test_the_default_hides_counts_of_one_to_three(db: None) -> None:
    assert municipal.disclosure_threshold_on(timezone.localdate()) == 4
    assert rules().threshold == 4


def test_a_new_threshold_applies_to_periods_that_end_from_its_day(world: World) -> None:
    today = timezone.localdate()
    services.set_disclosure_threshold(
        actor=world.users["administrator"], valid_from=today, threshold=5, via="test"
    )
    assert rules(today).threshold == 5
    assert rules(date(today.year + 1, 4, 30)).threshold == 5
    # A period that ended before keeps what it was published with.
    assert rules(today - timedelta(days=1)).threshold == 4
    event = AuditEvent.objects.get(object_type="disclosurethreshold")
    assert event.changes["threshold"] == [None, 5] and event.action == "create"


def test_a_threshold_cannot_reach_back_into_an_ended_period(world: World) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.set_disclosure_threshold(
            actor=world.users["administrator"], valid_from=yesterday, threshold=6, via="test"
        )
    assert "valid_from" in refused.value.message_dict
    assert not DisclosureThreshold.objects.exists()
    with pytest.raises(PermissionDenied):
        services.set_disclosure_threshold(
            actor=world.users["analyst"], valid_from=timezone.localdate(), threshold=6, via="test"
        )


def test_the_administrator_sets_it_in_the_admin(world: World) -> None:
    client = Client()
    client.force_login(world.users["administrator"])
    add = reverse("admin:municipal_disclosurethreshold_add")
    past = client.post(add, {"valid_from": "2020-01-01", "threshold": "5"})
    assert past.status_code == 200 and "Ange dagens datum eller senare" in past.content.decode()
    today = timezone.localdate().isoformat()
    assert client.post(add, {"valid_from": today, "threshold": "5"}).status_code == 302
    row = DisclosureThreshold.objects.get()
    # In force: never changed (a later row replaces it), never deleted.
    change = reverse("admin:municipal_disclosurethreshold_change", args=[row.pk])
    assert client.post(change, {"valid_from": today, "threshold": "7"}).status_code == 403
    row.refresh_from_db()
    assert row.threshold == 5
