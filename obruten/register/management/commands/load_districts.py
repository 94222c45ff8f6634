from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from obruten.audit import log as audit
from obruten.register.codelists import CodeListError, load_districts
from obruten.register.models import District


class Command(BaseCommand):
    help = "Load a municipality's districts from CSV: code,name,valid_from,valid_to,successor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                count = load_districts(District, options["file"])
                # Names, dates and successors decide where reports count: a write like any other.
                audit.record(
                    actor=None,
                    action=audit.Action.IMPORT,
                    via=f"obruten load-districts {options['file'].name}",
                    changes={"districts": [None, count]},
                )
        except (CodeListError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Loaded {count} districts.")
