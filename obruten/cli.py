"""The ``obruten`` console script: Django's management entry point.

README and docs name the commands with hyphens (``obruten import-placements``), as a
console user expects; Django names them after their modules (``import_placements``).
Both spellings work."""

import os
import sys


def django_argv(argv: list[str]) -> list[str]:
    """``argv`` with a hyphenated command name (also after ``help``) in Django's spelling.

    Only the command name changes: options and values (a file called ``my-file.csv``,
    ``--if-empty``) are passed on as written.
    """
    argv = list(argv)
    position = 2 if argv[1:2] == ["help"] else 1
    if len(argv) > position and not argv[position].startswith("-"):
        argv[position] = argv[position].replace("-", "_")
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "obruten.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(django_argv(sys.argv))


if __name__ == "__main__":
    main()
