"""The team model moves from the teams app to accounts; its tables stay as they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("register", "0004_case_law_and_location"),
        ("teams", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, verbose_name="namn")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="teams", to="register.district", verbose_name="stadsdelsnämnd")),
                        ("manager", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="managed_teams", to=settings.AUTH_USER_MODEL, verbose_name="enhetschef")),
                        ("members", models.ManyToManyField(blank=True, related_name="teams", to=settings.AUTH_USER_MODEL, verbose_name="medlemmar")),
                    ],
                    options={
                        "verbose_name": "arbetsgrupp",
                        "verbose_name_plural": "arbetsgrupper",
                        "db_table": "teams_team",
                        "ordering": ["district__sort_order", "name"],
                        "constraints": [models.UniqueConstraint(fields=("district", "name"), name="team_name_unique_in_district")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
