"""Linked protection benchmark: the placements cube for 2025 on the small demo (seed 5),
the cube the report tests protect. Prints the size of the attacker's program and the CPU
seconds of `protect_linked` (docs/statistics.md, "The attacker's check, fast").

    .venv/bin/python bench/protection.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'protection.sqlite3'}"
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["DEMO_MODE"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "obruten.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402

from obruten.lib import disclosure  # noqa: E402
from obruten.register import demo  # noqa: E402
from obruten.statistics import protection  # noqa: E402
from obruten.statistics.definitions import Params  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    demo.generate(seed=5, scale="small", today=date(2026, 11, 22))
    timed = disclosure.protect_linked

    def protect_linked(values, relations, rules=disclosure.DEFAULT_RULES):
        small = sum(0 < v < rules.threshold for v in values.values())
        started = time.process_time()
        result = timed(values, relations, rules)
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
