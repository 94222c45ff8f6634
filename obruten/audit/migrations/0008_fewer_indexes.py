"""Two indexes fewer on every audit row: the child's own (the index on (child, at) serves
it) and the hash's two (a row is found by its sequence). SQLite rebuilds the table to
alter a field, which drops its triggers: the append-only triggers are created again."""

import django.db.models.deletion
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
    dependencies = [
        ("audit", "0007_event_state"),
        ("register", "0006_placement_exit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="child",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="register.child",
                verbose_name="barn",
            ),
        ),
        migrations.AlterField(model_name="auditevent", name="hash", field=models.CharField(max_length=64)),
        migrations.RunPython(triggers_again, migrations.RunPython.noop),
    ]
