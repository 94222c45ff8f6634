"""``obruten backup`` and ``obruten restore`` (docs/operations.md).

PostgreSQL: ``pg_dump --format=custom`` of a snapshot, and the manifest's counts are read
in that same snapshot; SQLite: the online backup API, counted in the copy. Either way the
manifest says exactly what the backup holds, and a restore is checked against it.

A backup is written for its owner alone (0700 directory, 0600 files, whatever the umask),
optionally encrypted with age to recipients whose private key is kept apart from the
server; the manifest carries the SHA-256 of every file and an HMAC under the audit key, so
a file changed by one byte, or a manifest rewritten to match it, is refused before anything
is restored. After a restore, the audit chain is verified and every child's records are
checked against the state its newest audited write left (obruten.audit.records)."""

from __future__ import annotations

import glob
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from obruten.audit import log as audit
from obruten.audit import records

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
    files: dict[str, str] = field(default_factory=dict)  # name -> SHA-256
    encrypted: str = ""  # "age", or "" for a plain file
    signature: str = ""  # HMAC-SHA-256 of everything above, under the audit key

    def signed(self) -> Manifest:
        return replace(self, signature=self._mac())

    def _mac(self) -> str:
        fields = {name: value for name, value in asdict(self).items() if name != "signature"}
        text = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hmac.new(audit.audit_key(), text, hashlib.sha256).hexdigest()

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        try:
            manifest = cls(**json.loads((directory / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"{directory} holds no readable {MANIFEST}: {exc}") from exc
        if not hmac.compare_digest(manifest.signature, manifest._mac()):
            raise BackupError(
                f"{MANIFEST} was not written with this AUDIT_KEY, or has been changed since: "
                "nothing was restored."
            )
        return manifest


def backup(directory: Path, recipients: Sequence[str] = ()) -> Manifest:
    """Write the database and its manifest to ``directory`` (new, or empty), readable by
    this user alone; encrypted with age to ``recipients`` if any are given."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty; give a new directory for each backup.")
    with _private_files():
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
        vendor = _vendor()
        target = directory / (DUMP[vendor] + (".age" if recipients else ""))
        with _plain_file(target, recipients) as plain:
            tables, head = _dump_postgresql(plain) if vendor == "postgresql" else _dump_sqlite(plain)
        target.chmod(0o600)
        manifest = Manifest(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            obruten_version=version("obruten"),
            database=vendor,
            file=target.name,
            tables=tables,
            audit_sequence=head[0],
            audit_hash=head[1],
            files={target.name: _sha256(target)},
            encrypted="age" if recipients else "",
        ).signed()
        (directory / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
        (directory / MANIFEST).chmod(0o600)
    return manifest


def restore(directory: Path, identity: Path | None = None) -> Manifest:
    """Restore a backup into this (empty) database and check it against the manifest, the
    audit chain and every child's recorded state. Nothing is restored from a file that does
    not match its manifest, or a manifest this audit key did not sign."""
    manifest = Manifest.read(directory)
    vendor = _vendor()
    if manifest.database != vendor:
        raise BackupError(f"This is a {manifest.database} backup; the database here is {vendor}.")
    if connection.introspection.table_names():
        raise BackupError("The database is not empty. Restore only into a new, empty database.")
    source = directory / manifest.file
    if not manifest.files or any(_sha256(directory / name) != sha for name, sha in manifest.files.items()):
        raise BackupError(
            f"{manifest.file} does not match the SHA-256 in {MANIFEST}: the backup was changed or "
            "damaged; nothing was restored."
        )
    if manifest.encrypted and identity is None:
        raise BackupError(
            "The backup is encrypted: give the age identity (private key) file with --identity."
        )
    with _decrypted(source, identity if manifest.encrypted else None) as plain:
        if vendor == "postgresql":
            _run(
                _binary("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={settings.DATABASES['default']['NAME']}",
                str(plain),
            )
        else:
            _restore_sqlite(plain)
    tables, head = _counts_here()
    if tables != manifest.tables or head != (manifest.audit_sequence, manifest.audit_hash):
        raise BackupError("The restored database differs from the manifest: " + _difference(manifest, tables))
    chain, children = audit.verify(), records.unexplained()
    if chain or children:
        raise BackupError(
            f"The restored database does not match its audit log: {len(chain)} problem(s) in the chain, "
            f"{len(children)} child(ren) whose records no audited write explains "
            f"(e.g. {', '.join(str(child.child_id) for child in children[:5]) or '-'}). "
            "Run `obruten audit verify --records` for the list."
        )
    return manifest


@contextmanager
def _private_files() -> Iterator[None]:
    """Files and directories made meanwhile (by us, pg_dump or age) are the owner's alone."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@contextmanager
def _plain_file(target: Path, recipients: Sequence[str]) -> Iterator[Path]:
    """Where to write the plain dump: ``target`` itself, or with recipients a file in a
    private temporary directory beside it, encrypted into ``target`` with age and removed."""
    if not recipients:
        yield target
        return
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        plain = Path(work) / DUMP[_vendor()]
        yield plain
        arguments = [item for recipient in recipients for item in ("--recipient", recipient)]
        _run(_age(), *arguments, "--output", str(target), str(plain))


@contextmanager
def _decrypted(source: Path, identity: Path | None) -> Iterator[Path]:
    if identity is None:
        yield source
        return
    with _private_files(), tempfile.TemporaryDirectory() as work:
        plain = Path(work) / source.name.removesuffix(".age")
        _run(_age(), "--decrypt", "--identity", str(identity), "--output", str(plain), str(source))
        yield plain


def _age() -> str:
    found = shutil.which("age")
    if not found:
        raise BackupError("age was not found: apt-get install age")
    return found


def _sha256(path: Path) -> str:
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError as exc:
        raise BackupError(f"{path.name} cannot be read: {exc}") from exc


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
