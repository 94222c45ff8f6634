"""The version of what a cached result was computed from: a child's newest write."""

from __future__ import annotations

from conftest import World
from obruten.audit import log as audit
from obruten.audit import versions
from obruten.audit.models import NOT_WRITES, AuditEvent
from obruten.participation import services
from obruten.participation.models import Template


def test_a_write_about_a_child_renews_its_version_and_a_read_does_not(world: World) -> None:
    assert set(NOT_WRITES) <= set(AuditEvent.Action.values)
    ids = [world.own.pk, world.other.pk]
    before = versions.child_versions(ids)
    assert set(before) == set(ids)
    audit.record_list(actor=world.users["case_worker"], via="test", child_ids=ids)
    audit.record(actor=world.users["case_worker"], action=audit.Action.READ, via="test", child=world.own)
    assert versions.child_versions(ids) == before
    services.create_invitation(
        actor=world.users["case_worker"],
        child=world.own,
        template=Template.objects.get(code="barnets-rost", version=1),
        language="sv",
        via="test",
    )
    after = versions.child_versions(ids)
    assert after[world.own.pk] != before[world.own.pk]
    assert after[world.other.pk] == before[world.other.pk]
