from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.audit import log as audit
from obruten.obligations import services


class Command(BaseCommand):
    help = (
        "refresh: recompute every child's obligations as of today (run daily, before the "
        "reminders; after an upgrade). check: recompute from scratch and compare with what "
        "is stored (exit 1 on any difference)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["refresh", "check"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            found = services.differences()
            for line in found[:50]:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} stored obligation(s) differ from what the rules derive.")
            self.stdout.write("The stored obligations equal what the rules derive.")
            return
        changed = services.recompute_all()  # batch by batch, each in its own transaction
        if changed:
            # Reports counted from the obligations see that they changed.
            audit.record(
                actor=None,
                action=audit.Action.UPDATE,
                via="obruten obligations refresh",
                changes={"obligations_changed": changed},
            )
        self.stdout.write(f"Recomputed every child's obligations: {changed} changed.")
