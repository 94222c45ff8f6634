from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.accounts.models import User
from obruten.register.imports import import_placements


class Command(BaseCommand):
    help = "Import placements from a CSV or XLSX file (all-or-nothing; docs/import-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="Username to record in the audit log as the importer.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}")
        with path.open("rb") as file:
            result = import_placements(file, filename=path.name, actor=actor, via="obruten import-placements")
        if not result.ok:
            for error in result.errors:
                column = error.heading or error.column or "-"
                self.stderr.write(f"row {error.row}, column {column}: {error.rule} {error.message}")
            raise CommandError(f"Nothing imported: {len(result.errors)} error(s).")
        self.stdout.write(
            f"Imported {result.rows} rows: {result.children_created} new children, "
            f"{result.placements_created} new and {result.placements_updated} changed placements, "
            f"{result.school_starts_written} school starts."
        )
