from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `obruten backup` into this empty database: its files are checked "
        "against the manifest's SHA-256 and HMAC first, then every table's row count, the audit chain "
        "and every child's records against the log."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument(
            "--identity", metavar="FILE", help="an encrypted backup: the age identity (private key) file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identity = Path(options["identity"]) if options["identity"] else None
        try:
            manifest = restore(Path(options["directory"]), identity)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest.created_at}: its files match the manifest, "
            f"{len(manifest.tables)} tables match their counts, and the audit chain and every child's "
            "records check out. Now run `obruten audit verify --checkpoint ...` and `obruten migrate`."
        )
