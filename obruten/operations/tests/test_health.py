"""/healthz tells the load balancer whether this instance can serve: the database answers
and every migration is applied. It names no one, sets no cookie and writes no audit."""

from __future__ import annotations

from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from conftest import World
from obruten.audit.models import AuditEvent


def test_healthy_answers_200_with_a_tiny_json_and_nothing_else(world: World) -> None:
    events = AuditEvent.objects.count()
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "migrations": True}
    assert not response.cookies
    assert AuditEvent.objects.count() == events
    body = response.content.decode()
    assert world.own.first_name not in body and world.own.personal_number not in body


def test_a_migration_not_applied_answers_503(db: None) -> None:
    MigrationRecorder.Migration.objects.filter(app="register").order_by("-id")[:1].get().delete()
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] is False


def test_only_reads_are_allowed(db: None) -> None:
    assert Client().post("/healthz").status_code == 405
