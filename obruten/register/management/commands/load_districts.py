from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

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
        except (CodeListError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Loaded {count} districts.")
