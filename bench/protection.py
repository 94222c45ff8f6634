"""Linked protection benchmark: the placements cube for 2025 on the small demo (seed 5),
the cube the report tests protect. Prints the size of the attacker's program and the CPU
seconds of `protect_linked` (docs/statistics.md, "The attacker's check, fast").

    .venv/bin/python bench/protection.py
"""

from __future__ import annotations

import os
import time
from datetime import date

os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file: the cube of the small demo
import django_setup  # noqa: F401
from django.core.management import call_command

from obruten.lib import disclosure
from obruten.register import demo
from obruten.statistics import protection
from obruten.statistics.definitions import Params


def main() -> None:
    call_command("migrate", verbosity=0)
    demo.generate(seed=5, scale="small", today=date(2026, 11, 22))
    timed = disclosure.protect_linked

    def protect_linked(values, relations, rules=disclosure.DEFAULT_RULES, *rest):
        small = sum(0 < v < rules.threshold for v in values.values())
        started = time.process_time()
        result = timed(values, relations, rules, *rest)
        print(
            f"{len(values)} cells, {len(relations)} relations, {small} small counts: "
            f"{time.process_time() - started:.1f} s CPU, {len(result.hidden)} hidden"
        )
        return result

    protection.protect_linked = protect_linked
    started = time.perf_counter()
    protection.protect_cube("placements", Params(year=2025), protection.rules())
    print(f"protect_cube placements 2025: {time.perf_counter() - started:.1f} s wall")


if __name__ == "__main__":
    main()
