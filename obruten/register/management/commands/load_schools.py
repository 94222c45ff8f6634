from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.register.schools import SchoolFileError, load_schools


class Command(BaseCommand):
    help = (
        "Load Skolverket's school-unit register (CSV or XLSX: Skolenhetskod, Skolenhetsnamn, "
        "Kommunkod, Skolform, Status), all or nothing. See docs/schools.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            result = load_schools(path, via=f"obruten load-schools {path.name}")
        except SchoolFileError as exc:
            raise CommandError(f"{path.name}: nothing was loaded.\n{exc}") from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Schools: {result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
            f"{result.skipped} not active in the file ({result.removed} removed)."
        )
        if result.kept:
            self.stdout.write(
                "Kept, though not active, because a school start names them: " + ", ".join(result.kept)
            )
