"""``obruten api-key create --user NAME --days N`` / ``obruten api-key revoke ID``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.accounts.models import User
from obruten.api import keys
from obruten.api.models import ApiKey


class Command(BaseCommand):
    help = "Create or revoke an API key of a service account (docs/api.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new key; the secret is printed once")
        create.add_argument("--user", required=True, help="the service account's username")
        create.add_argument("--days", type=int, required=True, help="days until the key expires")
        create.add_argument("--name", default="", help="what the key is for, e.g. the case system")
        revoke = actions.add_parser("revoke", help="revoke a key at once")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['user']!r}.")
            if options["days"] < 1:
                raise CommandError("--days must be at least 1.")
            key, text = keys.create_key(
                user=user, days=options["days"], name=options["name"], via="obruten api-key create"
            )
            self.stdout.write(
                f"Key {key.pk} for {user.username}, valid until {key.expires_at:%Y-%m-%d %H:%M}."
            )
            self.stdout.write("Give it to the case system now; it is not shown again:")
            self.stdout.write(text)
        else:
            if not ApiKey.objects.filter(pk=options["id"]).exists():
                raise CommandError(f"No API key {options['id']}.")
            key = keys.revoke_key(key_id=options["id"], via="obruten api-key revoke")
            self.stdout.write(f"Key {key.pk} ({key.prefix}) revoked.")
