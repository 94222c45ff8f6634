from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.statistics.monthly import export_month


class Command(BaseCommand):
    help = "Export the month's statistics file: one XLSX with a protected sheet per district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year, month = (int(part) for part in options["month"].split("-"))
            content = export_month(year, month, actor=None, via="obruten export-statistics")
        except ValueError as exc:
            raise CommandError("month: write it as YYYY-MM") from exc
        options["out"].write_bytes(content)
        self.stdout.write(f"Wrote {options['out']}.")
