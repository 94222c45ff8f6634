from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.audit.log import verify


class Command(BaseCommand):
    help = "Audit log tools. `obruten audit verify` checks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify()
        if problems:
            for problem in problems:
                where = f"event {problem.event_id}" if problem.event_id else "chain head"
                self.stderr.write(f"{where}: {problem.message}")
            raise CommandError(f"The audit log has been tampered with: {len(problems)} problem(s).")
        self.stdout.write("The audit log is intact.")
