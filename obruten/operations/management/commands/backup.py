from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back the database up into a new directory: a pg_dump (custom format) or a SQLite copy, "
        "and manifest.json with every table's row count and the audit chain's head."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", metavar="DIR", required=True, help="a new or empty directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(Path(options["out"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup written to {options['out']}: {len(manifest.tables)} tables, "
            f"{sum(manifest.tables.values())} rows, audit log to row {manifest.audit_sequence}."
        )
