from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `obruten backup` into this empty database, and check every "
        "table's row count and the audit chain's head against its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(Path(options["directory"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored the backup of {manifest.created_at}: {len(manifest.tables)} tables match the "
            "manifest. Now run `obruten audit verify --checkpoint ...` and `obruten migrate`."
        )
