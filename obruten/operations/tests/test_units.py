"""The timers in deploy/systemd run real commands: every `obruten …` a unit starts is a
command of ours whose arguments parse, so a renamed command or option fails here and not
at night in production."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands, load_command_class

from obruten.cli import django_argv

OBRUTEN = "/opt/obruten/venv/bin/obruten"


def _commands() -> list[tuple[str, list[str]]]:
    found = []
    for unit in sorted((Path(settings.PROJECT_DIR) / "deploy" / "systemd").glob("*.service")):
        for line in unit.read_text().splitlines():
            if not re.match(r"ExecStart(Pre|Post)?=", line):
                continue
            command = line.split("=", 1)[1]
            if command.startswith("/bin/sh -c "):
                command = shlex.split(command[len("/bin/sh -c ") :])[0].removeprefix("exec ")
            # A shell's $(date …) is one value (of --out) when the unit runs.
            words = shlex.split(re.sub(r"\$\([^)]*\)", "TIME", command))
            if words[0] == OBRUTEN:
                found.append((unit.name, django_argv(words)[1:]))
    return found


def test_every_timer_runs_a_command_whose_arguments_parse() -> None:
    commands = _commands()
    assert {unit for unit, _words in commands} >= {
        "obruten-reminders.service",
        "obruten-apply-mergers.service",
        "obruten-checkpoint.service",
        "obruten-backup.service",
        "obruten-cull.service",
        "obruten-protect-reports.service",
    }
    available = get_commands()
    for unit, (name, *arguments) in commands:
        assert name in available, f"{unit}: no command {name!r}"
        command = load_command_class(available[name], name)
        command.create_parser("obruten", name).parse_args(arguments)
