"""The state a write left (obruten.audit.records). Rows before it have none and are sealed
as they were. SQLite rebuilds the table to add a column, which drops its triggers: the
log's append-only triggers are created again here."""

from django.db import migrations, models

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]


def triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_write_versions")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="state",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="postens kontrollsumma"),
        ),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
