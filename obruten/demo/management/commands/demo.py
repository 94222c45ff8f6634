from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from obruten.audit import log as audit
from obruten.followup import demo as followup_demo
from obruten.participation import demo as participation_demo
from obruten.register import demo
from obruten.register.models import Child
from obruten.teaching import demo as teaching_demo


class Command(BaseCommand):
    help = "Create synthetic demo data (DEMO_MODE only), deterministic per seed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", choices=sorted(demo.SCALES), default="city")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if children exist.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("Demo data is only created with DEMO_MODE=1, never in production.")
        if Child.objects.exists():
            if options["if_empty"]:
                demo.create_demo_users()
                self.stdout.write("Demo data already loaded.")
                self._print_logins()
                return
            raise CommandError("The register already has children; demo data goes into an empty one.")
        today = timezone.localdate()
        counts = demo.generate(seed=options["seed"], scale=options["scale"], today=today)
        self.stdout.write(
            f"Created {counts['children']} children, {counts['placements']} placements and "
            f"{counts['school_starts']} school starts (seed {options['seed']}, {options['scale']})."
        )
        more = followup_demo.generate(seed=options["seed"], today=today)
        self.stdout.write(
            f"Created {more['follow_ups']} follow-ups, {more['chain_steps']} recorded chain steps, "
            f"{more['interventions']} Skolfam interventions and {more['final_grades']} sets of final grades."
        )
        taught = teaching_demo.generate(seed=options["seed"], today=today)
        self.stdout.write(f"Created {taught['teaching_weeks']} weeks of Lärteamet's teaching.")
        voices = participation_demo.generate(seed=options["seed"], today=today)
        self.stdout.write(
            f"Created {voices['invitations']} answered questionnaires ({voices['alerts']} alerts)."
        )
        # Written in bulk, beside the services: one audited write per child states what the
        # demo made, so `obruten audit verify --records` holds for demo data too.
        audit.record_many(
            audit.Entry(action=audit.Action.IMPORT, via=f"obruten demo --seed {options['seed']}", child_id=pk)
            for pk in Child.objects.order_by("pk").values_list("pk", flat=True)
        )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, _name, role, districts in demo.demo_users():
            where = ", ".join(districts) if districts != ["*"] else "alla stadsdelar"
            self.stdout.write(f"  {username:24} {role:18} {where or '-'}")
