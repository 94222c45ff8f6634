"""A real Obruten server (its own SQLite file, migrated) and Debian's chromium driven by
Playwright. The server runs in a subprocess, so the browser sees exactly what a user
would."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import new_database

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SETUP = """
from obruten.accounts.models import Role, User
from obruten.register.models import District, Municipality, School
for username, district in [("farsta", "farsta"), ("bromma", "bromma")]:
    user = User.objects.create_user(username=username, password="browser-test-password",
                                    role=Role.CASE_WORKER, first_name=username.title())
    user.districts.set(District.objects.filter(code=district))
School.objects.create(unit_code="11112222", name="Webbskolan",
                      municipality=Municipality.objects.get(code="0180"))
"""


def make_run_environment() -> dict[str, str]:
    """The settings `make run` serves the demo with (the Makefile's RUN_ENV)."""
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^RUN_ENV := (.*)$", makefile, re.MULTILINE)
    assert match, "the Makefile has no RUN_ENV line"
    return dict(pair.split("=", 1) for pair in match.group(1).split())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install it with `apt-get install -y chromium`")
    workdir = tmp_path_factory.mktemp("server")
    database_url = new_database(workdir, "browser")
    os.environ["OBRUTEN_BROWSER_DATABASE_URL"] = database_url  # for tests that set up more data
    env = {
        **os.environ,
        **make_run_environment(),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "browser-test-secret",
    }
    obruten = [sys.executable, "-m", "obruten.cli"]
    subprocess.run([*obruten, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*obruten, "shell", "-c", SETUP], env=env, check=True)
    port = _free_port()
    process = subprocess.Popen(
        [*obruten, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120  # a shared, loaded machine starts Django slowly
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)  # waiting for the server to listen, not timing anything
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
