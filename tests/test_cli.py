"""The console script in a checkout: the keys `make install` writes are found, and a
missing setting is one plain line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from obruten.cli import use_local_keys


def test_the_checkouts_key_files_are_used_when_the_environment_names_none(tmp_path: Path) -> None:
    (tmp_path / ".secret_key").write_text("local\n")
    (tmp_path / ".audit_key").write_text("local\n")
    environ: dict[str, str] = {"AUDIT_KEY": "from-the-environment"}
    use_local_keys(environ, tmp_path)
    assert environ == {"AUDIT_KEY": "from-the-environment", "SECRET_KEY_FILE": str(tmp_path / ".secret_key")}


def test_no_key_file_no_default(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    use_local_keys(environ, tmp_path)
    assert environ == {}


def test_a_missing_secret_key_is_one_plain_line() -> None:
    environment = {**os.environ, "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-m", "obruten.cli", "audit", "verify"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "obruten: SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE); `make install` creates one."
    ]
