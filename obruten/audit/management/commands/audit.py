from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from obruten.audit.log import Checkpoint, checkpoint, verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `obruten audit verify [--checkpoint FILE ...]` checks the chain from "
        "row 1 and that it extends every checkpoint; `obruten audit checkpoint --out FILE` writes "
        "the chain's head for keeping outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
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

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self._checkpoint(options["out"])
        else:
            self._verify([_read_checkpoint(name) for name in options["checkpoints"]])

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

    def _verify(self, checkpoints: list[Checkpoint]) -> None:
        problems = verify(checkpoints)
        if problems:
            for problem in problems:
                where = f"row {problem.sequence}" if problem.sequence is not None else "chain head"
                self.stderr.write(f"{where}: {problem.message}")
            raise CommandError(f"The audit log has been tampered with: {len(problems)} problem(s).")
        self.stdout.write(f"The audit log is intact and extends {len(checkpoints)} checkpoint(s).")


def _read_checkpoint(name: str) -> Checkpoint:
    try:
        return Checkpoint.from_json(Path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"{name} is not a readable checkpoint: {exc}") from exc
