"""Every read and write of a child's record is in an append-only, hash-chained log."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from conftest import World
from obruten.audit.models import AuditEvent, AuditLogIsAppendOnly


def _drop_triggers() -> None:
    """Tamper as a database administrator would: remove the append-only triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


def test_it_records_who_read_which_child_on_which_page(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker_2"])
    client.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk}))
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.action, event.child_id, event.via) == (
        world.users["case_worker_2"],
        "read",
        world.own.pk,
        "register:child_detail",
    )


def test_a_refused_read_writes_no_read_event(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker_bromma"])
    before = AuditEvent.objects.count()
    client.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk}))
    assert AuditEvent.objects.count() == before


def test_a_write_records_field_old_and_new(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    child = world.own
    client.post(
        reverse("register:child_edit", kwargs={"child_id": child.pk}),
        {
            "personal_number": child.personal_number,
            "first_name": "Alvina",
            "last_name": child.last_name,
            "sex": "F",
            "home_municipality": child.home_municipality_id,
            "district": child.district_id,
            "protected_identity": "none",
            "address": child.address,
        },
    )
    event = AuditEvent.objects.filter(action="update", child=child).latest("id")
    assert event.changes == {"first_name": ["Alva", "Alvina"]}
    assert event.actor == world.users["case_worker"]


def test_no_one_can_change_or_remove_a_row_through_the_application(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()


def test_the_database_refuses_updates_and_deletes(world: World) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(reason="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_verify_passes_on_an_intact_log(world: World) -> None:
    call_command("audit", "verify")


def test_verify_finds_a_changed_row(world: World) -> None:
    _drop_triggers()
    target = AuditEvent.objects.order_by("id")[2]
    AuditEvent.objects.filter(pk=target.pk).update(actor_name="someone-else")
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")


def test_verify_finds_a_removed_row(world: World) -> None:
    _drop_triggers()
    AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("id")[3].pk).delete()
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")


def test_verify_finds_removed_newest_rows(world: World) -> None:
    _drop_triggers()
    AuditEvent.objects.filter(pk=AuditEvent.objects.latest("id").pk).delete()
    with pytest.raises(CommandError, match="tampered"):
        call_command("audit", "verify")


def test_the_trail_page_lists_who_has_seen_the_child(world: World) -> None:
    reader = Client()
    reader.force_login(world.users["case_worker_2"])
    reader.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk}))
    manager = Client()
    manager.force_login(world.users["unit_manager"])
    body = manager.get(reverse("audit:child_trail", kwargs={"child_id": world.own.pk})).content.decode()
    assert "cw2_farsta" in body


def test_the_administrator_sees_the_trail_but_not_the_childs_name(world: World) -> None:
    client = Client()
    client.force_login(world.users["administrator"])
    body = client.get(reverse("audit:child_trail", kwargs={"child_id": world.own.pk})).content.decode()
    assert "Alva" not in body and f"barn nr {world.own.pk}" in body
