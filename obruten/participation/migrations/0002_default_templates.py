"""Ship the default questionnaires: four areas, for 7–12 and 13–20 years."""

from django.db import migrations

from obruten.participation.templates_loader import load_templates


def load(apps, schema_editor):
    load_templates(apps.get_model("participation", "Template"), apps.get_model("participation", "Question"))


class Migration(migrations.Migration):
    dependencies = [("participation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
