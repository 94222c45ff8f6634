"""Why a page type is slow: each page of the load test's mix once warm, alone, with its
server time (median of 5) and the SQL queries it makes, at city scale. Run it on
PostgreSQL, as the load test does:

    python scripts/with_postgres.py .venv/bin/python bench/load/pages.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import django_setup  # noqa: F401 - sets up Django before Obruten is imported
from django.core.management import call_command
from django.test import Client
from page_timing import measure

from obruten.accounts.models import User
from obruten.register.models import Child


def pages() -> list[tuple[str, str]]:
    child = Child.objects.filter(case_worker__username="handlaggare.farsta").order_by("pk").first()
    assert child is not None
    return [
        ("handlaggare.farsta", "/att-gora/"),
        ("handlaggare.farsta", "/barn/"),
        ("handlaggare.farsta", f"/barn/{child.pk}/"),
        ("handlaggare.farsta", f"/barn/{child.pk}/andra/"),
        ("handlaggare.farsta", f"/barn/{child.pk}/placeringar/ny/"),
        ("handlaggare.farsta", f"/barn/{child.pk}/uppfoljningar/ny/"),
        ("enhetschef.farsta", "/stadsdel/att-gora/"),
        ("enhetschef.farsta", "/arbetsgrupper/"),
        ("enhetschef.farsta", "/stadsdel/overflyttningar/"),
        ("enhetschef.farsta", "/skolstart/"),
        ("analytiker", "/statistik/"),
        *[
            ("analytiker", f"/statistik/{name}/")
            for name in [
                "placements",
                "placements-idag",
                "school-start",
                "results",
                "followup-compliance",
                "child-voice",
            ]
        ],
    ]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", seed=1, scale="city", if_empty=True, verbosity=0)
    print(f"{'page':<40} {'as':<20} {'first ms':>9} {'warm ms':>8} {'queries':>8}")
    for username, url in pages():
        client = Client()
        client.force_login(User.objects.get(username=username))
        first, warm, count = measure(client, url)
        print(f"{url:<40} {username:<20} {first:>9.0f} {warm:>8.1f} {count:>8}", flush=True)


if __name__ == "__main__":
    main()
