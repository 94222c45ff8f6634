import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.statistics.definitions import REPORTS, Params
from obruten.statistics.protection import protect_report


class Command(BaseCommand):
    help = (
        "Make one report's protected cube for the data as it is now: started by the server "
        "when data has changed, while readers get the last cube (docs/statistics.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=sorted(REPORTS))
        parser.add_argument("params", help="the report's parameters as JSON, as the server gives them")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            params = Params(**json.loads(options["params"]))
        except (ValueError, TypeError) as exc:
            raise CommandError(f"Not a report's parameters: {options['params']!r}") from exc
        protect_report(options["report"], params, wait=True)
