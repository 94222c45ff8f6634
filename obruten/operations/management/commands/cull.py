from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from obruten.operations.retention import cull


class Command(BaseCommand):
    help = (
        "Remove what may be culled: questionnaire-link guesses, login attempts and logs, the "
        "reminder log and unanswered expired questionnaire links older than --days. Only counts "
        "without --apply. Case records and the audit log are never culled."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="keep the last N days (30)")
        parser.add_argument("--apply", action="store_true", help="remove; without it, only count")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 1:
            self.stderr.write("--days must be at least 1.")
            raise SystemExit(2)
        found = cull(options["days"], apply=options["apply"])
        verb = "Removed" if options["apply"] else "Would remove (dry run; --apply removes)"
        self.stdout.write(f"{verb}, older than {options['days']} days:")
        for name, count in found.items():
            self.stdout.write(f"  {name}: {count}")
