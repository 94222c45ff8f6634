"""The ``obruten`` console script: Django's management entry point.

README and docs name the commands with hyphens (``obruten import-placements``), as a
console user expects; Django names them after their modules (``import_placements``).
Both spellings work.

In a checkout, the keys ``make install`` writes (``.secret_key``, ``.audit_key``) are used
when the environment names none, so ``.venv/bin/obruten report …`` works as README shows;
a deployment sets ``SECRET_KEY_FILE``/``AUDIT_KEY_FILE`` (docs/production.md)."""

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
LOCAL_KEYS = {"SECRET_KEY": ".secret_key", "AUDIT_KEY": ".audit_key"}


def use_local_keys(environ: MutableMapping[str, str], directory: Path = CHECKOUT) -> None:
    """Point ``<NAME>_FILE`` at the checkout's key files where the environment names no key."""
    for name, filename in LOCAL_KEYS.items():
        path = directory / filename
        if name not in environ and f"{name}_FILE" not in environ and path.is_file():
            environ[f"{name}_FILE"] = str(path)


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
    use_local_keys(os.environ)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(django_argv(sys.argv))
    except ImproperlyConfigured as exc:  # a missing or malformed setting: say what, not a traceback
        sys.exit(f"obruten: {exc}")


if __name__ == "__main__":
    main()
