"""Backup and restore at city scale (issue 13): `obruten backup`, `obruten restore` into an
empty database, and `obruten audit verify` on the copy, each timed once as an operator
runs them. Run on PostgreSQL (the production database) with

    python scripts/with_postgres.py python bench/backup.py

or on SQLite without. Prints the rows, the size of the backup and the seconds per step;
fails unless the restored database has every table's count and the audit chain intact."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import django_setup  # sets up Django before Obruten is imported
from django.core.management import call_command

from obruten.operations.backup import backup


def new_database() -> str:
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        return f"sqlite:///{django_setup.workdir / 'restored.sqlite3'}"
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS obruten_bench_restored")
        connection.execute("CREATE DATABASE obruten_bench_restored")
    return url.rsplit("/", 1)[0] + "/obruten_bench_restored"


def obruten(database_url: str, *args: str) -> float:
    started = time.perf_counter()
    environment = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "obruten.cli", *args], env=environment, check=True)  # noqa: S603
    return time.perf_counter() - started


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("demo", seed=1, scale="city", verbosity=0)
    directory = django_setup.workdir / "backup"
    started = time.perf_counter()
    manifest = backup(directory)
    backup_seconds = time.perf_counter() - started
    size = sum(path.stat().st_size for path in Path(directory).iterdir())
    restored = new_database()
    restore_seconds = obruten(restored, "restore", str(directory))  # checks every count
    verify_seconds = obruten(restored, "audit", "verify")
    print(
        f"database: {manifest.database}; {sum(manifest.tables.values()):,} rows in "
        f"{len(manifest.tables)} tables, {manifest.tables['register_child']:,} children, "
        f"{manifest.audit_sequence:,} audit rows; backup {size / 1e6:.1f} MB"
    )
    print(f"backup   {backup_seconds:6.1f} s")
    print(f"restore  {restore_seconds:6.1f} s (with the count of every table against the manifest)")
    print(f"verify   {verify_seconds:6.1f} s (obruten audit verify on the copy)")


if __name__ == "__main__":
    main()
