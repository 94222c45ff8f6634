"""Number the rows 1, 2, 3, ... and seal them with the keyed HMAC (AUDIT_KEY).

Rows written before this migration carry a plain SHA-256 chain; they are renumbered in
the order they were written and sealed again under the key. Run `obruten audit verify`
before upgrading: this migration trusts the rows it seals."""

from django.db import migrations, models

from obruten.audit.log import GENESIS_HASH, SEALED_FIELDS, _seal, audit_key

UNGUARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_no_update;"],
    "postgresql": ["ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change;"],
}
GUARD = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"""
    ],
    "postgresql": ["ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change;"],
}


def seal_existing_rows(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    if not AuditEvent.objects.exists():
        return
    key, previous, updates = audit_key(), GENESIS_HASH, []
    for sequence, event in enumerate(AuditEvent.objects.order_by("id").iterator(chunk_size=5000), start=1):
        event.sequence, event.previous_hash = sequence, previous
        previous = _seal({name: getattr(event, name) for name in SEALED_FIELDS}, key)
        updates.append((sequence, event.previous_hash, previous, event.pk))
    vendor = schema_editor.connection.vendor
    for sql in UNGUARD[vendor]:
        schema_editor.execute(sql)
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE audit_auditevent SET sequence = %s, previous_hash = %s, hash = %s WHERE id = %s", updates
        )
    for sql in GUARD[vendor]:
        schema_editor.execute(sql)
    apps.get_model("audit", "AuditChainHead").objects.filter(pk=1).update(
        last_sequence=len(updates), last_hash=previous
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_refused_action")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="last_sequence",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(null=True),
        ),
        migrations.RunPython(seal_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(unique=True),
        ),
    ]
