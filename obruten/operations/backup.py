"""``obruten backup`` and ``obruten restore`` (docs/operations.md).

PostgreSQL: ``pg_dump --format=custom`` of a snapshot, and the manifest's counts are read
in that same snapshot; SQLite: the online backup API, counted in the copy. Either way the
manifest says exactly what the backup holds, and a restore is checked against it."""

from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

MANIFEST = "manifest.json"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
LIBPQ = {"NAME": "PGDATABASE", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "HOST": "PGHOST", "PORT": "PGPORT"}
AUDIT_HEAD = "SELECT last_sequence, last_hash FROM audit_auditchainhead WHERE id = 1"


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


@dataclass(frozen=True)
class Manifest:
    created_at: str
    obruten_version: str
    database: str  # "postgresql" or "sqlite"
    file: str
    tables: dict[str, int]
    audit_sequence: int
    audit_hash: str

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        try:
            return cls(**json.loads((directory / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"{directory} holds no readable {MANIFEST}: {exc}") from exc


def backup(directory: Path) -> Manifest:
    """Write the database and its manifest to ``directory`` (new, or empty)."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; give a new directory for each backup.")
    directory.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    target = directory / DUMP[vendor]
    tables, head = _dump_postgresql(target) if vendor == "postgresql" else _dump_sqlite(target)
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        obruten_version=version("obruten"),
        database=vendor,
        file=target.name,
        tables=tables,
        audit_sequence=head[0],
        audit_hash=head[1],
    )
    (directory / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
    return manifest


def restore(directory: Path) -> Manifest:
    """Restore a backup into this (empty) database and check it against the manifest."""
    manifest = Manifest.read(directory)
    vendor = _vendor()
    if manifest.database != vendor:
        raise BackupError(f"This is a {manifest.database} backup; the database here is {vendor}.")
    if connection.introspection.table_names():
        raise BackupError("The database is not empty. Restore only into a new, empty database.")
    source = directory / manifest.file
    if vendor == "postgresql":
        _run(
            _binary("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings.DATABASES['default']['NAME']}",
            str(source),
        )
    else:
        _restore_sqlite(source)
    tables, head = _counts_here()
    if tables != manifest.tables or head != (manifest.audit_sequence, manifest.audit_hash):
        raise BackupError("The restored database differs from the manifest: " + _difference(manifest, tables))
    return manifest


def _vendor() -> str:
    if connection.vendor not in DUMP:
        raise BackupError(f"Backups of {connection.vendor} are not supported.")
    return connection.vendor


def _dump_postgresql(target: Path) -> tuple[dict[str, int], tuple[int, str]]:
    """pg_dump of an exported snapshot, counted in the same snapshot."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counted = _counts(cursor, _tables(cursor, "postgresql"))
        _run(_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
    return counted


def _dump_sqlite(target: Path) -> tuple[dict[str, int], tuple[int, str]]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _counts(copy.cursor(), _tables(copy.cursor(), "sqlite"))
    finally:
        copy.close()


def _restore_sqlite(source: Path) -> None:
    connection.ensure_connection()
    backup_file = sqlite3.connect(source)
    try:
        backup_file.backup(connection.connection)
    finally:
        backup_file.close()


def _counts_here() -> tuple[dict[str, int], tuple[int, str]]:
    with connection.cursor() as cursor:
        return _counts(cursor, _tables(cursor, connection.vendor))


def _tables(cursor: Any, vendor: str) -> list[str]:
    """The application's tables (SQLite's own, such as the planner's statistics, left out)."""
    if vendor == "postgresql":
        return connection.introspection.table_names(cursor)
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite^_%' ESCAPE '^'"
    )
    return sorted(row[0] for row in cursor.fetchall())


def _counts(cursor: Any, tables: list[str]) -> tuple[dict[str, int], tuple[int, str]]:
    """Rows per table, and the audit chain's head (sequence, hash)."""
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    head = (0, "")
    if "audit_auditchainhead" in counts:
        cursor.execute(AUDIT_HEAD)
        row = cursor.fetchone()
        head = (int(row[0]), str(row[1])) if row else head
    return counts, head


def _difference(manifest: Manifest, tables: dict[str, int]) -> str:
    names = sorted(set(manifest.tables) | set(tables))
    wrong = [
        f"{name}: {manifest.tables.get(name)} → {tables.get(name)}"
        for name in names
        if manifest.tables.get(name) != tables.get(name)
    ]
    return "; ".join(wrong) or "the audit chain's head"


def _binary(name: str) -> str:
    """PostgreSQL's client: the newest of Debian's versioned ones, else from PATH."""
    versioned = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major_version)
    found = versioned[-1] if versioned else shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: apt-get install postgresql-client")
    return found


def _major_version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def _run(*command: str) -> None:
    result = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _libpq_environment() -> dict[str, str]:
    """The database settings as libpq's variables: the password never on a command line."""
    database = settings.DATABASES["default"]
    environment = {**os.environ}
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        if database.get(key):
            environment[LIBPQ[key]] = str(database[key])
    return environment
