"""The stored obligations at city scale (issue 20): the demo's obligations recomputed from
scratch equal the stored ones; what one child's recomputation costs inside a write (goal
≤ 5 ms); the to-do pages warm (goals: /att-gora/ ≤ 15 ms, /stadsdel/att-gora/ ≤ 25 ms) with
their query counts. Run it on PostgreSQL:

    python scripts/with_postgres.py .venv/bin/python bench/obligations.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import django_setup  # noqa: F401 - sets up Django before Obruten is imported
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from page_timing import measure

from obruten.accounts.models import User
from obruten.obligations import services
from obruten.obligations.models import Obligation
from obruten.register.models import Child


def main() -> None:
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("demo", seed=1, scale="city", if_empty=True, verbosity=0)
    print(f"demo --scale city: {time.perf_counter() - started:.1f} s (obligations included)")
    children = Child.objects.filter(placements__isnull=False).distinct().count()
    print(f"{children} placed children, {Obligation.objects.count()} stored obligations")
    started = time.perf_counter()
    found = services.differences()
    print(f"from scratch vs stored: {len(found)} differences ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    services.recompute_all()
    print(f"recompute every child: {time.perf_counter() - started:.1f} s")
    ids = list(Child.objects.filter(placements__isnull=False).values_list("pk", flat=True).distinct()[:200])
    timings = []
    for pk in ids:
        with transaction.atomic():
            started = time.perf_counter()
            services.recompute([pk])
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"recompute one child (200 children): median {statistics.median(timings):.1f} ms, "
        f"p95 {sorted(timings)[int(len(timings) * 0.95)]:.1f} ms (goal ≤ 5 ms)"
    )
    print(f"{'page':<24} {'as':<20} {'first ms':>9} {'warm ms':>8} {'queries':>8} goal")
    for username, url, goal in [
        ("handlaggare.farsta", "/att-gora/", 15),
        ("enhetschef.farsta", "/stadsdel/att-gora/", 25),
        ("skolsamordnare.farsta", "/skolsamordnare/", 25),
    ]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        first, warm, count = measure(client, url)
        print(f"{url:<24} {username:<20} {first:>9.0f} {warm:>8.1f} {count:>8} ≤ {goal} ms")


if __name__ == "__main__":
    main()
