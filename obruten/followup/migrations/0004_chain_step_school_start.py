from typing import Any

from django.db import migrations, models

# The step of each shipped chain model that is the child's first day in the new school.
SCHOOL_START_STEPS = [("sams", 2, 1), ("uppsam", 2, 1)]


def mark_school_start_steps(apps: Any, schema_editor: Any) -> None:
    step_class = apps.get_model("followup", "ChainStep")
    for code, phase_order, order in SCHOOL_START_STEPS:
        step_class.objects.filter(chain_model__code=code, phase_order=phase_order, order=order).update(
            is_school_start=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0003_report_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainstep",
            name="is_school_start",
            field=models.BooleanField(
                default=False,
                help_text="Steget markeras klart när barnets skolstart registreras.",
                verbose_name="skolstart",
            ),
        ),
        migrations.RunPython(mark_school_start_steps, migrations.RunPython.noop),
    ]
