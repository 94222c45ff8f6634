"""Uploads cannot exhaust the server (issue 9, point 8): size, rows and unpacked size are
limited before parsing, an unreadable file is a message and never a 500, and an error list
of any length is a short page with the whole list as a download."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.lib.tests.hostile import big_csv, truncated_xlsx, zip_bomb
from obruten.register.imports import COLUMNS
from obruten.register.models import Child, Placement

HOSTILE: dict[str, tuple[Callable[[], bytes], str, str, str]] = {
    # name: (file, filename, rule, words the message must contain)
    "30 MB of bad rows": (lambda: big_csv(COLUMNS), "stor.csv", "F06", "större än 10 MB"),
    "zip bomb": (lambda: zip_bomb(COLUMNS), "bomb.xlsx", "F08", "större än 100 MB uppackad"),
    "truncated XML": (lambda: truncated_xlsx(COLUMNS), "trasig.xlsx", "F01", "Spara den som CSV"),
}
MEMORY_LIMIT = 300 * 2**20


def _written() -> tuple[int, int, int]:
    return Child.objects.count(), Placement.objects.count(), AuditEvent.objects.count()


def _upload(client: Client, content: bytes, name: str) -> str:
    response = client.post(reverse("register:import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_gets_a_clear_swedish_message_and_writes_nothing(world: World, name: str) -> None:
    make, filename, rule, words = HOSTILE[name]
    client = Client()
    client.force_login(world.users["case_worker"])
    before = _written()
    page = _upload(client, make(), filename)
    assert "Ingenting importerades" in page
    assert f"<td>{rule}</td>" in page and words in page
    assert _written() == before


# The import's reading step run in a fresh process on a file on disk, as
# `obruten import-placements` and a spooled upload read it (no database in that process, and
# a refused file never gets past reading): the growth of the peak resident size counts
# calamine's (Rust) memory too, which tracemalloc would not see.
# VmHWM, not getrusage: ru_maxrss keeps the parent's peak across fork and exec.
MEASURE = """
import json, re, sys
import django
django.setup()
from obruten import uploads
from obruten.lib.tabular import read_file
from obruten.register.imports import COLUMNS
def kib(name): return int(re.search(name + r":\\s+(\\d+) kB", open("/proc/self/status").read())[1])
before = kib("VmRSS")
with open(sys.argv[1], "rb") as file:
    _table, errors = read_file(file, sys.argv[1], COLUMNS, uploads.limits())
growth = (kib("VmHWM") - before) * 1024
print(json.dumps({"rules": [rule for _row, _column, rule in errors], "growth": growth}))
"""


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_keeps_the_memory_growth_under_300_mb(name: str, tmp_path: Path) -> None:
    make, filename, rule, _words = HOSTILE[name]
    path = tmp_path / filename
    path.write_bytes(make())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "obruten.settings", "AUDIT_KEY": "test-only"}
    run = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.PROJECT_DIR,
        check=True,
    )
    measured = json.loads(run.stdout.splitlines()[-1])
    assert measured["rules"] == [rule]
    assert measured["growth"] < MEMORY_LIMIT


def test_the_size_limit_is_checked_before_the_upload_is_read(world: World) -> None:
    """The limit comes from the setting, and a file of exactly the limit is read."""
    client = Client()
    client.force_login(world.users["case_worker"])
    with override_settings(IMPORT_MAX_BYTES=1_000_000):
        assert "större än 1 MB" in _upload(client, big_csv(COLUMNS, 1_000_100), "a.csv")
        assert "F06" not in _upload(client, big_csv(COLUMNS, 990_000), "a.csv")


def _rows(count: int, sex: str = "F") -> bytes:
    row = f"200607092384,Hedda,Import,{sex},0180,Farsta,hvb,LVU3,2025-01-10,,nej,,"
    return ("\n".join([",".join(COLUMNS), *[row] * count]) + "\n").encode()


def test_a_file_over_the_row_limit_is_refused_and_writes_nothing(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    before = _written()
    with override_settings(IMPORT_MAX_ROWS=200):
        page = _upload(client, _rows(201), "rader.csv")
    assert "<td>F07</td>" in page and "fler än 200 rader" in page
    assert _written() == before


def test_more_than_100_errors_show_100_the_count_of_the_rest_and_download_them_all(world: World) -> None:
    client = Client()
    client.force_login(world.users["case_worker"])
    page = _upload(client, _rows(1334, sex="X"), "fel.csv")  # one R03 per row
    assert "Ingenting importerades: 1334 fel" in page
    assert page.count("<td>R03</td>") == 100
    assert "och 1\xa0234 fel till" in page
    token = re.search(r'name="errors" value="([^"]+)"', page)
    assert token is not None

    response = client.post(reverse("register:import"), {"errors": token[1]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Rad", "Kolumn", "Regel", "Fel"]
    assert [row[:3] for row in rows[1:]] == [[str(n), "sex", "R03"] for n in range(2, 1336)]
    assert "200607092384" not in body and "Hedda" not in body  # no value from the file


def test_the_error_download_is_only_for_the_user_it_was_made_for(world: World) -> None:
    owner, other = Client(), Client()
    owner.force_login(world.users["case_worker"])
    other.force_login(world.users["case_worker_2"])  # a colleague in the same district
    page = _upload(owner, _rows(3, sex="X"), "fel.csv")
    token = re.search(r'name="errors" value="([^"]+)"', page)
    assert token is not None
    assert other.post(reverse("register:import"), {"errors": token[1]}).status_code in {400, 403}
    assert owner.post(reverse("register:import"), {"errors": token[1] + "x"}).status_code == 400
