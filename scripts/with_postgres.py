"""Run a command against a throwaway PostgreSQL cluster.

Creates a cluster with initdb in a temporary directory, starts it with pg_ctl on a
free loopback port, exports DATABASE_URL, runs the command, then stops the cluster
and removes the directory. Fails loudly if PostgreSQL is not installed.

    python scripts/with_postgres.py pytest -q
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

INSTALL_HINT = "sudo apt-get install -y postgresql   (Debian/Ubuntu)"


def find_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if candidates:
        return candidates[-1]
    sys.exit(f"PostgreSQL's {name} was not found. Install PostgreSQL with:\n    {INSTALL_HINT}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(command: list[str]) -> int:
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    workdir = Path(tempfile.mkdtemp(prefix="obruten-pg-"))
    data = workdir / "data"
    port = free_port()
    # PostgreSQL refuses to run as root: run the server as the postgres user then.
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            sys.exit(f"Running as root needs a 'postgres' user for the server:\n    {INSTALL_HINT}")
        os.chown(workdir, account.pw_uid, account.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run(
            [
                *as_user,
                initdb,
                "-D",
                str(data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(workdir / "log"), "-w", "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        url = f"postgres://postgres@127.0.0.1:{port}/postgres"
        print(f"PostgreSQL test cluster on port {port}", flush=True)
        return subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=False).returncode
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_user, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: with_postgres.py COMMAND [ARGS...]")
    sys.exit(main(sys.argv[1:]))
