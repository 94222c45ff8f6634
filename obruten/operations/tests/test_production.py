"""The production serving and the backup, as an operator runs them: real processes on a
database of their own (a SQLite file, or new databases on the test run's PostgreSQL
cluster) holding the demo data: small on SQLite, city scale on PostgreSQL, the production
database, where the backup's round trip must hold for a whole city (issue 13).

- gunicorn with deploy/gunicorn.conf.py serves /healthz and a collected, hashed static
  file through WhiteNoise;
- `obruten backup` and `obruten restore` into an empty database give back every table
  with the same row count, and `obruten audit verify` passes on the copy."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from conftest import new_database

OBRUTEN = [sys.executable, "-m", "obruten.cli"]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def _environment(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "production-test-secret",
        "AUDIT_KEY": settings.AUDIT_KEY,
        "DEBUG": "false",
        "SECOND_FACTOR_REQUIRED": "true",
        **extra,
    }


def _obruten(database_url: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [*OBRUTEN, *args],
        env=_environment(database_url, **extra),
        capture_output=True,
        text=True,
        check=False,
    )


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
SCALE, AT_LEAST_CHILDREN = ("city", 2000) if ON_POSTGRES else ("small", 100)


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = new_database(tmp_path_factory.mktemp("source"), "source")
    for command in (["migrate", "-v0"], ["demo", "--seed", "3", "--scale", SCALE]):
        result = _obruten(url, *command, DEMO_MODE="1")
        assert result.returncode == 0, result.stderr
    return url


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gunicorn(demo_database: str, tmp_path: Path) -> Iterator[str]:
    static = {"STATIC_ROOT": str(tmp_path / "static")}
    collected = _obruten(demo_database, "collectstatic", "--no-input", "-v0", **static)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [GUNICORN, "-c", str(settings.PROJECT_DIR / "deploy" / "gunicorn.conf.py"), "obruten.wsgi"],
        env=_environment(demo_database, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1", **static),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)  # waiting for the server to listen, not timing anything
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_serves_health_and_collected_static_files(gunicorn: str, tmp_path: Path) -> None:
    with urllib.request.urlopen(f"{gunicorn}/healthz", timeout=60) as response:  # noqa: S310 - loopback
        assert response.status == 200
        assert json.load(response) == {"status": "ok", "database": True, "migrations": True}
        assert "Set-Cookie" not in response.headers
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text(encoding="utf-8"))
    hashed = manifest["paths"]["obruten/obruten.css"]
    assert hashed != "obruten/obruten.css"
    request = urllib.request.Request(f"{gunicorn}/static/{hashed}", headers={"Accept-Encoding": "gzip"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "immutable" in response.headers["Cache-Control"]


def _table_counts(url: str) -> dict[str, int]:
    """Every table's rows, read straight from the database."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            names = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
            tables = [row[0] for row in connection.execute(names)]
            return {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchall()[0][0] for t in tables}  # noqa: S608
    import psycopg

    with psycopg.connect(url) as connection:
        names = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        tables = [row[0] for row in connection.execute(names)]
        return {t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchall()[0][0] for t in tables}  # noqa: S608


@pytest.fixture(scope="module")
def backup(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("backups") / "nightly"
    made = _obruten(demo_database, "backup", "--out", str(directory))
    assert made.returncode == 0, made.stderr
    return directory


def test_a_backup_restores_into_an_empty_database_with_the_audit_chain_intact(
    demo_database: str, backup: Path, tmp_path: Path
) -> None:
    checkpoint = tmp_path / "checkpoint.json"
    assert _obruten(demo_database, "audit", "checkpoint", "--out", str(checkpoint)).returncode == 0
    restored = new_database(tmp_path, "restored")
    result = _obruten(restored, "restore", str(backup))
    assert result.returncode == 0, result.stderr
    verified = _obruten(restored, "audit", "verify", "--checkpoint", str(checkpoint))
    assert verified.returncode == 0, verified.stderr
    source = _table_counts(demo_database)
    assert _table_counts(restored) == source
    assert source["register_child"] > AT_LEAST_CHILDREN and source["audit_auditevent"] > 0
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["register_child"] == source["register_child"]


def test_restore_refuses_a_database_that_is_not_empty(demo_database: str, backup: Path) -> None:
    before = _table_counts(demo_database)
    result = _obruten(demo_database, "restore", str(backup))
    assert result.returncode != 0
    assert "not empty" in result.stderr and "Traceback" not in result.stderr
    assert _table_counts(demo_database) == before
