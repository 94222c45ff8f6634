"""Foundation benchmark: the import of 10,000 rows and the caseload page at city scale.

Goals (issue 3): 10,000 rows validated and written in <= 2 s; the caseload page in
<= 100 ms server time. Runs on a fresh SQLite file (or DATABASE_URL if set) and prints
each figure with its goal and the ratio figure / goal.

    make bench
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta
from typing import Any

import django_setup  # noqa: F401 - sets up Django before Obruten is imported
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone

from obruten import municipal
from obruten.accounts.models import User
from obruten.lib.placement_law import stodboende_age_error
from obruten.lib.school_start import is_late
from obruten.obligations import services as obligations
from obruten.register import demo
from obruten.register.imports import COLUMNS, import_placements
from obruten.register.models import District

IMPORT_GOAL_S = 1.0  # issue 22
CASELOAD_GOAL_MS = 100.0


def import_file(rows: int, seed: int = 11) -> bytes:
    rng = random.Random(seed)
    districts = [d.name for d in District.objects.filter(valid_to__isnull=True)]
    forms = ["jourhem", "familjehem", "hvb", "sis", "stodboende", "behandlingsfamilj"]
    lines = [",".join(COLUMNS)]
    today = timezone.localdate()
    used: set[str] = set()
    for n in range(rows):
        birth = date(2008, 1, 1) + timedelta(days=n % 3000)
        pnr = demo.synthetic_personal_number(rng, birth, female=n % 2 == 0)
        while pnr in used:
            pnr = demo.synthetic_personal_number(rng, birth, female=n % 2 == 0)
        used.add(pnr)
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(600))
        end = start + timedelta(days=rng.randrange(20, 200))
        days = rng.randrange(0, 20)
        school = f"8{n % 500:07d},{(start + timedelta(days=days)).isoformat()}"
        late = is_late(days, municipal.school_start_goal_on(start))
        reason = "vantar_beslut" if late else ""  # a late start names why (R33)
        form = rng.choice(forms)
        if form == "stodboende" and stodboende_age_error(birth, start, end):
            form = "hvb"
        lines.append(
            f"{pnr},Bench{n},Testsson,{'F' if n % 2 == 0 else 'M'},0180,{rng.choice(districts)},"
            f"{form},SoL,{start},{end if end < today else ''},ja,{school}"
            + "," * (COLUMNS.index("late_reason") - COLUMNS.index("school_start_date"))
            + reason
        )
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    setup_test_environment()  # keeps response.context for the count
    call_command("migrate", verbosity=0)
    content = import_file(10_000)
    recompute, spent = obligations.recompute, []

    def timed_recompute(*args: Any, **kwargs: Any) -> int:
        started = time.perf_counter()
        try:
            return recompute(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    obligations.recompute = timed_recompute
    started = time.perf_counter()
    result = import_placements(content, filename="bench.csv", actor=None, via="bench")
    import_s = time.perf_counter() - started
    obligations.recompute = recompute
    assert result.ok, result.errors[:5]
    ratio = import_s / IMPORT_GOAL_S
    print(
        f"import 10,000 rows: {import_s:.2f} s, of which the children's obligations {sum(spent):.2f} s "
        f"(goal <= {IMPORT_GOAL_S} s, ratio {ratio:.2f})"
    )

    counts = demo.generate(seed=1, scale="city", today=timezone.localdate())
    print(f"city demo: {counts['children']} children, {counts['placements']} placements")
    client = Client()
    for username in ("handlaggare.farsta", "enhetschef.farsta", "larteamet"):
        client.force_login(User.objects.get(username=username))
        client.get("/barn/")  # warm up
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            response = client.get("/barn/")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        total = response.context["page"].paginator.count
        print(
            f"caseload page as {username} ({total} children): median {median:.1f} ms "
            f"(goal <= {CASELOAD_GOAL_MS:.0f} ms, ratio {median / CASELOAD_GOAL_MS:.2f})"
        )


if __name__ == "__main__":
    main()
