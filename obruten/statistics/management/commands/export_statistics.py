from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.accounts.models import User
from obruten.statistics.forms import parse_month
from obruten.statistics.monthly import export_month


class Command(BaseCommand):
    help = (
        "Export the month's statistics file: one XLSX with a sheet per district in exact counts, "
        "marked secret (OSL 26 kap.), for the city's central office; never to be published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument(
            "--user", help="Export as this user: an enhetschef gets their own districts, the analyst all."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"])
        if month is None:
            raise CommandError("month: write it as YYYY-MM")
        actor = user_named(options["user"])
        try:
            content = export_month(*month, actor=actor, via="obruten export-statistics")
        except PermissionDenied as exc:
            raise CommandError(f"{actor} may not export the monthly file") from exc
        options["out"].write_bytes(content)
        self.stdout.write(f"Wrote {options['out']}.")


def user_named(username: str | None) -> User | None:
    """The user a command acts as; None (the system itself) without --user."""
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user {username!r}")
    return user
