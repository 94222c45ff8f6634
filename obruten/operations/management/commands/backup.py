from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back the database up into a new directory, readable by this user alone: a pg_dump (custom "
        "format) or a SQLite copy, encrypted with age to --encrypt-to (or BACKUP_AGE_RECIPIENTS), and "
        "manifest.json with every table's row count, the audit chain's head, every file's SHA-256 and "
        "an HMAC under the audit key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", metavar="DIR", required=True, help="a new or empty directory")
        parser.add_argument(
            "--encrypt-to",
            dest="recipients",
            action="append",
            metavar="RECIPIENT",
            help="an age public key (age1...) to encrypt to; repeatable. Default: BACKUP_AGE_RECIPIENTS",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        recipients = options["recipients"] or settings.BACKUP_AGE_RECIPIENTS
        try:
            manifest = backup(Path(options["out"]), recipients)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        how = f", encrypted to {len(recipients)} recipient(s)" if recipients else ""
        self.stdout.write(
            f"Backup written to {options['out']}{how}: {len(manifest.tables)} tables, "
            f"{sum(manifest.tables.values())} rows, audit log to row {manifest.audit_sequence}."
        )
