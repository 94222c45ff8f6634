"""Version 2 of both questionnaires: faces that differ, questions that fit their scale,
7–12 in Arabic and Somali. Version 1 stays as it was: answers point at its questions."""

from django.db import migrations

from obruten.participation.templates_loader import load_templates


def load(apps, schema_editor):
    load_templates(apps.get_model("participation", "Template"), apps.get_model("participation", "Question"))


class Migration(migrations.Migration):
    dependencies = [("participation", "0003_alert_acknowledgement")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
