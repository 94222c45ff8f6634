from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.statistics.pack import FORMATS, THROUGH, export_pack


class Command(BaseCommand):
    help = "The tertial and annual pack for a year to date (XLSX or PDF), beside the previous year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--through", required=True, help="T1 (January-April), T2 (January-August), T3 (the year)"
        )
        parser.add_argument("--format", default="xlsx", help="xlsx or pdf")
        parser.add_argument("--out", type=Path, required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        through, fmt = options["through"].upper(), options["format"].lower()
        if through not in THROUGH:
            raise CommandError(f"--through must be T1, T2 or T3, not {options['through']!r}")
        if fmt not in FORMATS:
            raise CommandError(f"--format must be xlsx or pdf, not {options['format']!r}")
        content = export_pack(options["year"], through, fmt, actor=None, via="obruten report-pack")
        options["out"].write_bytes(content)
        self.stderr.write(f"Wrote {options['out']} ({len(content)} bytes).")
