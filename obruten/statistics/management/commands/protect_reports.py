import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.protection import protect_report


class Command(BaseCommand):
    help = (
        "Protect every report's cube for the years given (by default this year and the last) "
        "ahead of the first request: run by a timer and after imports (docs/statistics.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="a year (repeat for more)")

    def handle(self, *args: Any, **options: Any) -> None:
        this_year = timezone.localdate().year
        failed = []
        for year in options["year"] or [this_year - 1, this_year]:
            for name in REPORTS:
                started = time.perf_counter()
                try:
                    protect_report(name, Params(year=year), wait=True)
                except Exception as exc:  # the other cubes are still worth protecting
                    failed.append(f"{year} {name}")
                    self.stderr.write(f"{year} {name}: failed: {type(exc).__name__}: {exc}")
                    continue
                self.stdout.write(f"{year} {name}: {time.perf_counter() - started:.1f} s")
        if failed:
            raise CommandError(
                "Not protected ahead (they are protected at their first request): " + ", ".join(failed)
            )
