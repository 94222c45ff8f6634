from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from obruten.casework.services import apply_mergers


class Command(BaseCommand):
    help = (
        "Move the open cases, staff and teams of districts whose validity has ended to their "
        "successor, as of the day after the last day. Idempotent; run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = apply_mergers(today=options["date"] or timezone.localdate())
        self.stdout.write(
            f"Mergers of {', '.join(result.dissolved) or 'no district'}: moved {result.children} children, "
            f"{result.staff} staff memberships, {result.teams} teams."
        )
