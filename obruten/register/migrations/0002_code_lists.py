"""Load the shipped code lists, so an import works on a fresh database."""

from django.db import migrations

from obruten.register import codelists


def load(apps, schema_editor):
    codelists.load_municipalities(apps.get_model("register", "Municipality"))
    codelists.load_placement_forms(apps.get_model("register", "PlacementForm"))
    codelists.load_districts(apps.get_model("register", "District"))


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
