"""The key comes from the environment, a deployment refuses to start without one, and
the commands work exactly as docs/audit-log.md shows them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

OBRUTEN = str(Path(sys.executable).with_name("obruten"))
WRITE_EVENTS = """
from obruten.audit import log
for via in ("one", "two", "three"):
    log.record(actor=None, action=log.Action.READ, via=via)
"""


def _environment(**values: str) -> dict[str, str]:
    base = {
        name: value
        for name, value in os.environ.items()
        if name not in {"AUDIT_KEY", "AUDIT_KEY_FILE", "DEBUG", "DEMO_MODE", "DATABASE_URL"}
    }
    return {**base, "SECRET_KEY": "command-test-secret", **values}


def _settings_key(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "from obruten import settings; print(settings.AUDIT_KEY)"
    return subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_production_refuses_to_start_without_an_audit_key() -> None:
    result = _settings_key(_environment())
    assert result.returncode != 0 and "AUDIT_KEY is not set" in result.stderr


def test_the_key_is_read_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "audit_key"
    key_file.write_text("a-key-from-a-file\n")
    assert _settings_key(_environment(AUDIT_KEY_FILE=str(key_file))).stdout.strip() == "a-key-from-a-file"


def test_only_demo_and_debug_fall_back_to_a_named_development_key() -> None:
    for flag in ("DEMO_MODE", "DEBUG"):
        result = _settings_key(_environment(**{flag: "1"}))
        assert result.stdout.startswith("insecure-dev-audit-key:"), result.stderr


def test_checkpoint_and_verify_from_the_shell(tmp_path: Path) -> None:
    env = _environment(AUDIT_KEY="the-real-key", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    def obruten(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 (fixed arguments)
            [OBRUTEN, *args], env={**env, **extra}, capture_output=True, text=True, check=False
        )

    assert obruten("migrate", "-v0").returncode == 0
    assert obruten("shell", "-c", WRITE_EVENTS).returncode == 0
    checkpoint = tmp_path / "audit-checkpoint.json"
    written = obruten("audit", "checkpoint", "--out", str(checkpoint))
    assert written.returncode == 0, written.stderr
    assert '"sequence": 3' in checkpoint.read_text()

    verified = obruten("audit", "verify", "--checkpoint", str(checkpoint))
    assert verified.returncode == 0 and "intact" in verified.stdout

    forged = obruten("audit", "verify", "--checkpoint", str(checkpoint), AUDIT_KEY="another-key")
    assert forged.returncode != 0
    assert forged.stderr.count("written without the audit key") == 3
