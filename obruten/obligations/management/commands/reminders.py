from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from obruten.obligations.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail each user a count of what is due and overdue, once a day (run daily from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, help="The day to send for (default today).")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_reminders(options["date"] or timezone.localdate())
        self.stdout.write(
            f"Sent {summary.sent} reminder(s); {summary.already_sent} already sent today; "
            f"{summary.nothing_due} with nothing due."
        )
