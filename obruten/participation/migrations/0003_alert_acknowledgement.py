"""An alert is acknowledged with a note of what was done, by the end of the working day."""

from django.db import migrations, models

from obruten.participation.working_day import respond_by


def backfill(apps, schema_editor):
    Alert = apps.get_model("participation", "Alert")
    for alert in Alert.objects.all():
        alert.respond_by = respond_by(alert.created_at)
        alert.save(update_fields=["respond_by"])


class Migration(migrations.Migration):
    dependencies = [("participation", "0002_default_templates")]
    operations = [
        migrations.AddField(
            model_name="alert",
            name="note",
            field=models.TextField(blank=True, verbose_name="vad som gjordes"),
        ),
        migrations.AddField(
            model_name="alert",
            name="respond_by",
            field=models.DateTimeField(null=True, verbose_name="kvitteras senast"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="alert",
            name="respond_by",
            field=models.DateTimeField(verbose_name="kvitteras senast"),
        ),
    ]
