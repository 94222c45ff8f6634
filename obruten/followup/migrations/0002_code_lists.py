"""Ship SAMS (active) and UppSam as chain models, and the intervention kinds."""

from django.db import migrations

from obruten.followup import codelists


def load(apps, schema_editor):
    codelists.load_chain_models(apps.get_model("followup", "ChainModel"), apps.get_model("followup", "ChainStep"))
    codelists.load_intervention_kinds(apps.get_model("followup", "InterventionKind"))


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
