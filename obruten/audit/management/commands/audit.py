from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.audit import records
from obruten.audit.log import Action, Checkpoint, Entry, checkpoint, record_many, verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `obruten audit verify [--checkpoint FILE ...] [--records]` checks the chain "
        "from row 1, that it extends every checkpoint and, with --records, that every child's records "
        "are as its newest audited write left them; `obruten audit checkpoint --out FILE` writes the "
        "chain's head for keeping outside the database; `obruten audit baseline` records the state of "
        "children whose newest write predates record states (once, after upgrading)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "baseline"])
        parser.add_argument(
            "--checkpoint",
            dest="checkpoints",
            action="extend",
            nargs="+",
            default=[],
            metavar="FILE",
            help="verify: a checkpoint the chain must extend (repeatable)",
        )
        parser.add_argument("--out", metavar="FILE", help="checkpoint: a new file (never overwritten)")
        parser.add_argument(
            "--records",
            action="store_true",
            help="verify: also that every child's records are as its newest audited write left them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self._checkpoint(options["out"])
        elif options["action"] == "baseline":
            self._baseline()
        else:
            self._verify([_read_checkpoint(name) for name in options["checkpoints"]], options["records"])

    def _checkpoint(self, out: str | None) -> None:
        if not out:
            raise CommandError("Give the file to write with --out FILE.")
        try:
            point = checkpoint()
        except ValueError as exc:
            raise CommandError(f"No checkpoint written: {exc}.") from exc
        try:
            with Path(out).open("x", encoding="utf-8") as file:
                file.write(point.to_json())
        except FileExistsError as exc:
            raise CommandError(f"{out} exists; a checkpoint is never overwritten.") from exc
        self.stdout.write(f"Checkpoint at row {point.sequence} written to {out}.")

    def _verify(self, checkpoints: list[Checkpoint], with_records: bool) -> None:
        problems = verify(checkpoints)
        for problem in problems:
            where = f"row {problem.sequence}" if problem.sequence is not None else "chain head"
            self.stderr.write(f"{where}: {problem.message}")
        unexplained = records.unexplained() if with_records else []
        for child in unexplained:
            self.stderr.write(f"child {child.child_id}: {child.message}")
        if problems or unexplained:
            raise CommandError(
                f"The audit log has been tampered with: {len(problems)} problem(s) in the chain, "
                f"{len(unexplained)} child(ren) whose records no audited write explains."
            )
        checked = " and every child's records match it" if with_records else ""
        self.stdout.write(f"The audit log is intact and extends {len(checkpoints)} checkpoint(s){checked}.")

    def _baseline(self) -> None:
        without, behind = records.children_without_state(), records.children_of_an_earlier_version()
        children = sorted({*without, *behind})
        record_many(
            Entry(
                action=Action.UPDATE,
                via="command:audit baseline",
                child_id=child,
                changes={"state": [None, "baseline"]},
            )
            for child in children
        )
        self.stdout.write(
            f"Recorded the state of {len(without)} child(ren) whose newest write had none and of "
            f"{len(behind)} whose records still match a state of an earlier version."
        )


def _read_checkpoint(name: str) -> Checkpoint:
    try:
        return Checkpoint.from_json(Path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"{name} is not a readable checkpoint: {exc}") from exc
