"""Production settings: `check --deploy` is clean with the environment in
docs/production.md, browser features are denied, personal data is never cached, and
logins are throttled per username and per address."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from conftest import World
from obruten.participation import services as participation
from obruten.participation.models import Template

PRODUCTION_DOC = Path(settings.PROJECT_DIR) / "docs" / "production.md"


def documented_environment(secrets_dir: Path) -> dict[str, str]:
    """The ``KEY=value`` lines of the first ```sh block in docs/production.md; each secret
    file it names is made, in ``secrets_dir``, with a long random value."""
    block = re.search(r"```sh\n(.*?)```", PRODUCTION_DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block, "docs/production.md has no ```sh block with the environment"
    environment = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            if name.endswith("_FILE"):
                value = str(secrets_dir / Path(value).name)
                Path(value).write_text(secrets.token_urlsafe(50), encoding="utf-8")
            environment[name] = value
    return environment


def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path: Path) -> None:
    environment = {**documented_environment(tmp_path), "PATH": "/usr/bin:/bin"}
    assert environment["DEBUG"] == "false" and "DEMO_MODE" not in environment
    command = [sys.executable, "-m", "obruten.cli", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout and "WARNING" not in result.stderr


def test_the_documented_proxy_settings_reach_django(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; from obruten.proxy import public_url;"
        "print(s.SECURE_PROXY_SSL_HEADER, s.TRUSTED_PROXY_COUNT, s.AXES_LOCKOUT_PARAMETERS, public_url('/x'))"
    )
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "obruten.cli", "shell", "-c", code],
        env={**documented_environment(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "('HTTP_X_FORWARDED_PROTO', 'https') 1 ['username', 'ip_address'] https://" in result.stdout


def test_every_page_denies_the_browser_features_no_page_uses(world: World) -> None:
    policy = Client().get(reverse("login"))["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
        assert f"{feature}=()" in policy


def _is_not_stored(response: object) -> bool:
    return "no-store" in response["Cache-Control"]  # type: ignore[index]


def test_pages_and_downloads_with_personal_data_are_never_stored(world: World) -> None:
    worker = Client()
    worker.force_login(world.users["case_worker"])
    child_page = worker.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk}))
    assert child_page.status_code == 200 and _is_not_stored(child_page)
    analyst = Client()
    analyst.force_login(world.users["analyst"])
    for fmt in ["csv", "xlsx"]:
        url = reverse("statistics:download", kwargs={"name": "placements", "fmt": fmt})
        download = analyst.get(url, {"year": 2025})
        assert download.status_code == 200 and _is_not_stored(download), fmt


def test_the_questionnaire_is_never_stored_but_static_files_are_cacheable(world: World) -> None:
    _invitation, token = participation.create_invitation(
        actor=world.users["case_worker"],
        child=world.own,
        template=Template.objects.get(code="barnets-rost", version=1),
        language="sv",
        via="test",
    )
    child = Client()
    for link in [token, "no-such-link"]:
        page = child.get(reverse("participation:answer", kwargs={"token": link}))
        assert _is_not_stored(page) and "camera=()" in page["Permissions-Policy"]
    stylesheet = child.get(settings.STATIC_URL + "obruten/questionnaire.css")
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.get("Cache-Control", "")


def _login(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_spraying_one_password_over_many_usernames_from_one_address_is_locked_out(world: World) -> None:
    sprayer = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.66")
    usernames = ["cw_farsta", "cw2_farsta", "cw_bromma", "sc_farsta", "skolfam_farsta"]
    # the fifth failure locks the address
    assert [_login(sprayer, name, "Sommar2025!") for name in usernames] == [200] * 4 + [429]
    assert _login(sprayer, "chef_farsta", "a-long-test-password") == 429
    colleague = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _login(colleague, "chef_farsta", "a-long-test-password") == 302  # same proxy, other client


def test_guessing_one_username_from_many_addresses_is_locked_out(world: World) -> None:
    guessers = [Client(REMOTE_ADDR=f"192.0.2.{n}") for n in range(5)]
    statuses = [_login(guesser, "cw_farsta", f"guess-{n}") for n, guesser in enumerate(guessers)]
    assert statuses == [200] * 4 + [429]
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(owner, "cw_farsta", "a-long-test-password") == 429
