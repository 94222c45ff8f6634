"""Check, before any test runs, that the machine has the programs the tests use:

- Debian's chromium, for the browser tests (at $CHROMIUM, default /usr/bin/chromium, as
  tests/browser/conftest.py looks for it);
- PostgreSQL's server binaries (initdb), for the run on a throwaway cluster;
- LibreOffice Calc (soffice), which opens the tertial pack's workbook as a city official would;
- age, which encrypts backups;
- runuser, when running as root (scripts/with_postgres.py starts the server as postgres).

Run as root, it installs what is missing with apt-get. Otherwise, or with --no-install,
it installs nothing, prints the one command to run and exits 1, so `make test` stops
before it starts instead of failing in the browser tests.

    python3 scripts/ensure-test-deps.py [--no-install]

Only the standard library: it runs before the virtual environment exists.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path


def has_chromium() -> bool:
    return Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")).exists()


def has_initdb() -> bool:
    return bool(shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def missing_packages(as_root: bool) -> list[str]:
    """The Debian packages to install, in the order apt-get gets them."""
    wanted = {
        "chromium": has_chromium(),
        "postgresql": has_initdb(),
        "libreoffice-calc-nogui": bool(shutil.which("soffice")),
        "age": bool(shutil.which("age")),  # encrypted backups (docs/operations.md)
        "util-linux": not as_root or bool(shutil.which("runuser")),
    }
    return [package for package, present in wanted.items() if not present]


def install_command(packages: list[str], as_root: bool) -> str:
    return ("" if as_root else "sudo ") + "apt-get install -y " + " ".join(packages)


def install(packages: list[str]) -> None:
    """apt-get's own errors go to the terminal; whether it worked is checked afterwards."""
    print(f"Installing for the tests: {' '.join(packages)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages], env=env, check=False, stdout=subprocess.DEVNULL
    )


def main(argv: list[str]) -> int:
    as_root = os.geteuid() == 0
    packages = missing_packages(as_root)
    if packages and as_root and "--no-install" not in argv and shutil.which("apt-get"):
        install(packages)
        packages = missing_packages(as_root)
    if packages:
        print(
            f"The tests need {', '.join(packages)}; nothing was run. "
            f"Install with: {install_command(packages, as_root)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
