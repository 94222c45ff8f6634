"""Someone with the database's owner rights cannot rewrite the audit log unseen.

Each attack is made as a database administrator would: switch the guards off with raw
SQL, tamper, then run `obruten audit verify` with a checkpoint taken before. Both
SQLite and PostgreSQL roll DDL back with the test's transaction, so the guards are
back for the next test (the last test here checks that)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from conftest import World
from obruten.audit import log as audit
from obruten.audit.models import AuditChainHead, AuditEvent

SQLITE_GUARDS = {
    "audit_event_no_update",
    "audit_event_no_delete",
    "audit_head_no_delete",
    "audit_head_single_row",
    "audit_head_moves_forward",
}
POSTGRES_GUARDS = {
    "audit_event_no_change",
    "audit_event_no_truncate",
    "audit_head_guard",
    "audit_head_no_truncate",
}


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _enabled_guards() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def _switch_off_guards() -> None:
    if connection.vendor == "postgresql":
        _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        _sql("ALTER TABLE audit_auditchainhead DISABLE TRIGGER USER")
    else:
        for name in SQLITE_GUARDS:
            _sql(f"DROP TRIGGER {name}")


def _set_head(sequence: int, last_hash: str) -> None:
    _sql("UPDATE audit_auditchainhead SET last_sequence = %s, last_hash = %s", [sequence, last_hash])


def _reseal(key: bytes, *, renumber: bool) -> None:
    """Re-hash every row with the project's own code, as an attacker who has a key would."""
    previous, sequence = audit.GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("sequence"):
        sequence = sequence + 1 if renumber else event.sequence
        event.sequence, event.previous_hash = sequence, previous
        previous = audit.event_hash(event, key)
        _sql(
            "UPDATE audit_auditevent SET sequence = %s, previous_hash = %s, hash = %s WHERE id = %s",
            [sequence, event.previous_hash, previous, event.pk],
        )
    _set_head(sequence, previous)


def _checkpoint(tmp_path: Path, name: str = "checkpoint.json") -> Path:
    out = tmp_path / name
    call_command("audit", "checkpoint", "--out", str(out), stdout=io.StringIO())
    return out


def _verify(*checkpoints: Path) -> str:
    """The problems `obruten audit verify` prints; empty when it says intact."""
    stderr = io.StringIO()
    options = ["--checkpoint", *map(str, checkpoints)] if checkpoints else []
    try:
        call_command("audit", "verify", *options, stdout=io.StringIO(), stderr=stderr)
    except CommandError:
        assert stderr.getvalue(), "a failed verification names each problem"
        return stderr.getvalue()
    return ""


def _more_events(world: World, count: int = 5) -> None:
    for _ in range(count):
        audit.record(actor=world.users["case_worker"], action=audit.Action.READ, via="test", child=world.own)


def test_rows_are_numbered_one_by_one_from_one(world: World) -> None:
    _more_events(world)
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, len(sequences) + 1))
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (sequences[-1], AuditEvent.objects.latest("sequence").hash)


def test_the_key_is_not_in_the_database(world: World) -> None:
    from django.conf import settings

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM audit_auditevent")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM audit_auditchainhead")
        rows += cursor.fetchall()
    assert rows and all(settings.AUDIT_KEY not in str(value) for row in rows for value in row)


def test_a_checkpoint_holds_the_head_and_the_log_extends_it(world: World, tmp_path: Path) -> None:
    point = json.loads(_checkpoint(tmp_path).read_text())
    head = AuditChainHead.objects.get()
    assert (point["sequence"], point["hash"]) == (head.last_sequence, head.last_hash) and point["at"]
    _more_events(world)
    assert _verify(tmp_path / "checkpoint.json", _checkpoint(tmp_path, "later.json")) == ""


def test_a_checkpoint_is_never_overwritten(world: World, tmp_path: Path) -> None:
    out = _checkpoint(tmp_path)
    before = out.read_text()
    _more_events(world)
    with pytest.raises(CommandError, match="never overwritten"):
        _checkpoint(tmp_path)
    assert out.read_text() == before


def test_cutting_the_newest_rows_and_moving_the_head_back_is_detected(world: World, tmp_path: Path) -> None:
    checkpoint = _checkpoint(tmp_path)
    last = AuditChainHead.objects.get().last_sequence
    _switch_off_guards()
    _sql("DELETE FROM audit_auditevent WHERE sequence > %s", [last - 3])
    _set_head(last - 3, AuditEvent.objects.get(sequence=last - 3).hash)
    assert _verify() == "", "without a checkpoint a cut at the end looks like a shorter log"
    assert f"row {last}: the row in the checkpoint" in _verify(checkpoint)


def test_removing_the_head_row_is_detected(world: World, tmp_path: Path) -> None:
    checkpoint = _checkpoint(tmp_path)
    _switch_off_guards()
    _sql("DELETE FROM audit_auditchainhead")
    assert "chain head: the chain's head row was removed" in _verify()
    assert _verify(checkpoint)


def test_emptying_the_log_and_resetting_the_head_is_detected(world: World, tmp_path: Path) -> None:
    checkpoint = _checkpoint(tmp_path)
    last = AuditChainHead.objects.get().last_sequence
    _switch_off_guards()
    _sql("DELETE FROM audit_auditevent")
    _set_head(0, audit.GENESIS_HASH)
    assert f"row {last}: the row in the checkpoint" in _verify(checkpoint)


@pytest.mark.parametrize("renumber", [False, True], ids=["numbers-kept", "renumbered"])
def test_removing_one_users_rows_and_resealing_with_the_key_is_detected(
    world: World, tmp_path: Path, renumber: bool
) -> None:
    target = world.users["case_worker"]
    assert AuditEvent.objects.filter(actor=target).exists()
    checkpoint = _checkpoint(tmp_path)
    _switch_off_guards()
    _sql("DELETE FROM audit_auditevent WHERE actor_id = %s", [target.pk])
    _reseal(audit.audit_key(), renumber=renumber)
    problems = _verify(checkpoint)
    if renumber:
        assert "differs from the checkpoint" in problems or "the row in the checkpoint" in problems
    else:
        assert "are missing" in _verify(), "the gap in the numbers shows even without a checkpoint"
        assert problems


def test_resealing_the_whole_log_with_another_key_is_detected_without_a_checkpoint(world: World) -> None:
    _switch_off_guards()
    _reseal(b"a key the attacker made up", renumber=False)
    problems = _verify()
    assert "written without the audit key" in problems
    assert problems.count("\n") == AuditEvent.objects.count()


def test_a_log_sealed_under_another_key_fails_after_the_key_changes(world: World) -> None:
    with override_settings(AUDIT_KEY="a different key"):
        assert "written without the audit key" in _verify()


def test_the_database_refuses_to_remove_or_duplicate_the_head(world: World) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql("DELETE FROM audit_auditchainhead")
    with pytest.raises(DatabaseError), transaction.atomic():
        _sql(
            "INSERT INTO audit_auditchainhead (id, last_hash, last_sequence) VALUES (2, %s, 0)",
            [audit.GENESIS_HASH],
        )
    assert AuditChainHead.objects.count() == 1


def test_the_database_refuses_to_move_the_head_back(world: World) -> None:
    head = AuditChainHead.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        _set_head(head.last_sequence - 1, AuditEvent.objects.get(sequence=head.last_sequence - 1).hash)
    with pytest.raises(DatabaseError), transaction.atomic():
        _set_head(head.last_sequence, audit.GENESIS_HASH)
    assert AuditChainHead.objects.get().last_hash == head.last_hash


def test_postgresql_refuses_truncate(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    for table in ("audit_auditevent", "audit_auditchainhead"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _sql(f"TRUNCATE {table}")
    assert AuditEvent.objects.exists() and AuditChainHead.objects.exists()


def test_the_guards_are_back_after_the_tampering_tests(world: World) -> None:
    """Runs after the tests above in this file: their DDL was rolled back with them."""
    expected = POSTGRES_GUARDS if connection.vendor == "postgresql" else SQLITE_GUARDS
    assert expected <= _enabled_guards()
