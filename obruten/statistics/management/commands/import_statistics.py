from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.statistics.management.commands.export_statistics import user_named
from obruten.statistics.monthly import import_statistics


class Command(BaseCommand):
    help = "Import a district's monthly statistics file (CSV or XLSX), all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--user", help="Import as this user: an enhetschef for their own districts, the analyst any."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = user_named(options["user"])
        try:
            with path.open("rb") as file:
                result = import_statistics(
                    file, filename=path.name, actor=actor, via="obruten import-statistics"
                )
        except PermissionDenied as exc:
            raise CommandError(f"{actor} may not import monthly files") from exc
        if not result.ok:
            for error in result.errors:
                self.stderr.write(
                    f"row {error.row}, column {error.column or '-'}: {error.rule} {error.message}"
                )
            raise CommandError(f"Nothing imported: {len(result.errors)} error(s).")
        verb = "replaced" if result.replaced else "imported"
        self.stdout.write(f"{result.district} {result.month}: {verb} with {result.rows} rows.")
