"""Guard the chain's head like the log: one row, never removed, and every change moves
the sequence forward. On PostgreSQL, TRUNCATE of either table is refused too.

SQLite rebuilt the log's table in 0004 (which drops its triggers), so the log's own
append-only triggers are created again here."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_auditchainhead
       BEGIN SELECT RAISE(ABORT, 'the audit chain head is never removed'); END;""",
    """CREATE TRIGGER audit_head_single_row BEFORE INSERT ON audit_auditchainhead
       WHEN (SELECT COUNT(*) FROM audit_auditchainhead) > 0
       BEGIN SELECT RAISE(ABORT, 'the audit chain has one head'); END;""",
    """CREATE TRIGGER audit_head_moves_forward BEFORE UPDATE ON audit_auditchainhead
       WHEN NEW.last_sequence <= OLD.last_sequence OR NEW.id != OLD.id
       BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_head_no_delete;",
    "DROP TRIGGER IF EXISTS audit_head_single_row;",
    "DROP TRIGGER IF EXISTS audit_head_moves_forward;",
]
POSTGRES = [
    """CREATE FUNCTION audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'the audit chain head is never removed';
         ELSIF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM audit_auditchainhead) THEN
           RAISE EXCEPTION 'the audit chain has one head';
         ELSIF TG_OP = 'UPDATE' AND (NEW.last_sequence <= OLD.last_sequence OR NEW.id <> OLD.id) THEN
           RAISE EXCEPTION 'the audit chain head only moves forward';
         END IF;
         RETURN NEW;
       END; $$;""",
    """CREATE TRIGGER audit_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_auditchainhead
       FOR EACH ROW EXECUTE FUNCTION audit_head_guard();""",
    """CREATE FUNCTION audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$;""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();""",
    """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_auditchainhead
       FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_auditchainhead;",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;",
    "DROP FUNCTION IF EXISTS audit_no_truncate();",
    "DROP TRIGGER IF EXISTS audit_head_guard ON audit_auditchainhead;",
    "DROP FUNCTION IF EXISTS audit_head_guard();",
]


def forwards(apps, schema_editor):
    for sql in POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_sequence")]
    operations = [migrations.RunPython(forwards, backwards)]
