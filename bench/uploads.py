"""Upload benchmark: the hostile files of issues 9 and 19 through the import page.

Goal: each is answered with its message within 2 s, writes nothing, and the process's
memory (peak resident size) grows by less than 300 MB. Runs on a fresh SQLite file (or
DATABASE_URL if set) and prints each figure with its goal and the ratio figure / goal.

    make bench
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import django_setup  # noqa: F401 - sets up Django before Obruten is imported
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections
from django.test import Client

from obruten.accounts.models import Role, User
from obruten.lib.tests.hostile import big_csv, shared_string_bomb, truncated_xlsx, zip_bomb
from obruten.register.imports import COLUMNS
from obruten.register.models import Child, District, Placement

GOAL_S = 2.0
MEMORY_GOAL_MB = 300
FILES = {
    "30 MB of bad rows (CSV)": (lambda: big_csv(COLUMNS), "stor.csv", "F06"),
    "zip bomb (XLSX, 1,000,000 rows, 505 MB unpacked)": (lambda: zip_bomb(COLUMNS), "bomb.xlsx", "F08"),
    "truncated XML (XLSX)": (lambda: truncated_xlsx(COLUMNS), "trasig.xlsx", "F01"),
    "one shared string of 0.99 MB in 1,500 cells (XLSX, 4 KB)": (
        lambda: shared_string_bomb(COLUMNS),
        "delad.xlsx",
        "F08",
    ),
}


def resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    call_command("migrate", verbosity=0)
    user = User.objects.create_user(username="bench", role=Role.CASE_WORKER)
    user.districts.set(District.objects.filter(code="farsta"))
    for name, (make, filename, rule) in FILES.items():
        # Each file in a process of its own, so its peak resident size is its own too.
        connections.close_all()
        if (pid := os.fork()) == 0:
            try:
                _post(user, name, make(), filename, rule)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)


def _post(user: User, name: str, content: bytes, filename: str, rule: str) -> None:
    client = Client()
    client.force_login(user)
    before = resident_mb()
    started = time.perf_counter()
    response = client.post("/import/", {"file": SimpleUploadedFile(filename, content)})
    seconds = time.perf_counter() - started
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
    assert response.status_code == 200 and f"<td>{rule}</td>" in response.content.decode(), name
    assert Child.objects.count() == Placement.objects.count() == 0
    print(
        f"{name}, {len(content):,} bytes: {rule} in {seconds:.2f} s (goal <= {GOAL_S} s, "
        f"ratio {seconds / GOAL_S:.2f}); peak memory growth {max(growth, 0):.0f} MB "
        f"(goal < {MEMORY_GOAL_MB} MB)",
        flush=True,
    )


if __name__ == "__main__":
    main()
