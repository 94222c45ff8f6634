"""The monthly statistics file gets the same upload protections as the placement import."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.lib.tests.hostile import big_csv, truncated_xlsx, zip_bomb
from obruten.statistics.models import ImportedPlacement, StatisticsImport
from obruten.statistics.monthly import COLUMNS

HOSTILE: dict[str, tuple[Callable[[], bytes], str, str, str]] = {
    "30 MB of bad rows": (lambda: big_csv(COLUMNS), "stor.csv", "F06", "större än 10 MB"),
    "zip bomb": (lambda: zip_bomb(COLUMNS), "bomb.xlsx", "F08", "större än 100 MB uppackad"),
    "truncated XML": (lambda: truncated_xlsx(COLUMNS), "trasig.xlsx", "F01", "Spara den som CSV"),
}


def _written() -> tuple[int, int, int]:
    return StatisticsImport.objects.count(), ImportedPlacement.objects.count(), AuditEvent.objects.count()


def _analyst(world: World) -> Client:
    client = Client()
    client.force_login(world.users["analyst"])
    return client


def _upload(client: Client, content: bytes, name: str) -> str:
    response = client.post(reverse("statistics:monthly"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    return response.content.decode()


def _rows(count: int, sex: str = "F") -> bytes:
    row = f"Skärholmen,2025-03,hvb,{sex},2025-03-02,,nej,"
    return ("\n".join([",".join(COLUMNS), *[row] * count]) + "\n").encode()


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_gets_a_clear_swedish_message_and_writes_nothing(world: World, name: str) -> None:
    make, filename, rule, words = HOSTILE[name]
    before = _written()
    page = _upload(_analyst(world), make(), filename)
    assert "Ingenting importerades" in page
    assert f"<td>{rule}</td>" in page and words in page
    assert _written() == before


def test_a_file_over_the_row_limit_is_refused(world: World) -> None:
    before = _written()
    with override_settings(IMPORT_MAX_ROWS=50):
        page = _upload(_analyst(world), _rows(51), "rader.csv")
    assert "<td>F07</td>" in page and "fler än 50 rader" in page
    assert _written() == before


def test_more_than_100_errors_show_100_and_download_them_all(world: World) -> None:
    client = _analyst(world)
    page = _upload(client, _rows(250, sex="X"), "fel.csv")
    assert page.count("<td>S05</td>") == 100
    assert "och 150 fel till" in page
    token = re.search(r'name="errors" value="([^"]+)"', page)
    assert token is not None
    response = client.post(reverse("statistics:monthly"), {"errors": token[1]})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[:3] for row in rows[1:]] == [[str(n), "sex", "S05"] for n in range(2, 252)]


def test_the_command_gets_the_same_limits(tmp_path: Path, world: World) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(zip_bomb(COLUMNS))
    with pytest.raises(CommandError):
        call_command("import_statistics", str(path))
    assert StatisticsImport.objects.count() == 0
