"""Sign-in through a real OpenID provider (django-oauth-toolkit in its own process on
loopback), in Debian's chromium: the provider's two factors land on the start page, an
unknown subject gets a clear page and no account, a password-only sign-in must pass
Obruten's TOTP or security key (Chromium's virtual authenticator), and a changed e-mail
address at the provider changes nobody."""

from __future__ import annotations

import os
import subprocess
import sys
from base64 import b32decode
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp

from tests.oidc_provider.server import Provider, free_port, provider, wait_for

pytestmark = pytest.mark.browser
OBRUTEN = [sys.executable, "-m", "obruten.cli"]
SETUP = """
from obruten.accounts.models import Role, User
from obruten.register.models import District
from obruten.sso.models import Identity
for username, subject, email in {people!r}:
    user = User.objects.create_user(username=username, email=email, role=Role.CASE_WORKER,
                                    first_name=username.title())
    user.set_unusable_password(); user.save()
    user.districts.set(District.objects.filter(code="farsta"))
    if subject:
        Identity.objects.create(user=user, issuer={issuer!r}, subject=subject)
"""


@dataclass
class Site:
    url: str
    env: dict[str, str]
    provider: Provider

    def users(self) -> list[str]:
        code = (
            "from obruten.accounts.models import User\n"
            "print(*User.objects.values_list('username', flat=True))"
        )
        command = [*OBRUTEN, "shell", "-v", "0", "-c", code]
        done = subprocess.run(command, env=self.env, check=True, capture_output=True, text=True)
        return sorted(done.stdout.split())


def _database(workdir: Path) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{workdir / 'obruten.sqlite3'}"
    import psycopg

    name = f"obruten_sign_in_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workdir = tmp_path_factory.mktemp("sign_in")
    port = free_port()
    url = f"http://localhost:{port}"  # a WebAuthn RP ID is a host name, never an address
    with provider(workdir, redirect_uri=f"{url}/konto/org/svar/") as idp:
        subjects = idp.add_people(
            {"anna": True, "bo": False, "cilla": False, "dag": False, "erik": True, "okand": False}
        )
        env = {
            **os.environ,
            **idp.obruten_env,
            "DATABASE_URL": _database(workdir),
            "DEBUG": "0",
            "DEMO_MODE": "0",
            "SECURE_COOKIES": "0",
            "SECRET_KEY": "sign-in-test-secret",
            "AUDIT_KEY": "sign-in-test-audit-key",
            "WEBAUTHN_RP_ID": "localhost",
            "WEBAUTHN_ORIGINS": url,
        }
        people = [
            (name, subjects[name], f"{name}@stad.example") for name in ("anna", "bo", "cilla", "dag", "erik")
        ]
        people.append(("dora", "", "anna.ny@stad.example"))  # the address anna's will become
        subprocess.run([*OBRUTEN, "migrate", "-v0"], env=env, check=True)
        subprocess.run(
            [*OBRUTEN, "shell", "-c", SETUP.format(people=people, issuer=idp.issuer)], env=env, check=True
        )
        server = subprocess.Popen(
            [*OBRUTEN, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(port)
            yield Site(url=url, env=env, provider=idp)
        finally:
            server.terminate()
            server.wait(timeout=10)


def sign_in(browser: Any, site: Site, username: str, page: Any = None) -> Any:
    """A fresh browser (no cookies at Obruten or the provider) signs in as ``username``."""
    page = page or browser.new_context().new_page()
    page.goto(f"{site.url}/konto/logga-in/")
    page.get_by_role("link", name="Logga in med organisationens konto").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("provider-password")
    page.get_by_role("button", name="Logga in hos staden").click()
    page.wait_for_load_state()
    return page


def on_start_page(page: Any) -> None:
    heading = page.get_by_role("heading", name="Att göra")
    try:
        heading.wait_for(timeout=10_000)
    except Exception as exc:  # say where the browser is instead
        raise AssertionError(f"at {page.url}: {page.locator('body').inner_text()[:400]}") from exc


def enter_code(page: Any, code: str) -> None:
    page.get_by_label("Kod från din app").fill(code)
    page.get_by_role("button", name="Bekräfta").click()
    page.wait_for_load_state()


def test_the_providers_two_factors_land_on_the_start_page_and_the_email_changes_nobody(
    site: Site, browser: Any
) -> None:
    page = sign_in(browser, site, "anna")
    on_start_page(page)
    assert "Anna" in page.locator(".user").inner_text()

    # anna's address at the provider becomes dora's address in Obruten: still anna.
    site.provider.run(
        "from django.contrib.auth.models import User;"
        " User.objects.filter(username='anna').update(email='anna.ny@stad.example')"
    )
    page = sign_in(browser, site, "anna")
    on_start_page(page)
    assert "Anna" in page.locator(".user").inner_text()
    assert "Dora" not in page.content()


def test_an_unknown_subject_gets_a_clear_page_and_no_account(site: Site, browser: Any) -> None:
    page = sign_in(browser, site, "okand")
    page.get_by_role("heading", name="Du har inget konto i Obruten – kontakta din administratör").wait_for()
    assert site.users() == ["anna", "bo", "cilla", "dag", "dora", "erik"]
    page.goto(f"{site.url}/barn/")
    assert "/konto/logga-in/" in page.url


def test_without_the_providers_second_factor_obrutens_totp_is_enrolled_and_required(
    site: Site, browser: Any
) -> None:
    page = sign_in(browser, site, "bo")
    assert "/konto/andra-faktorn/" in page.url
    secret = page.locator("#totp-secret").inner_text()
    before = session_id(page)
    enter_code(page, f"{totp(b32decode(secret)):06d}")
    on_start_page(page)
    assert "Bo" in page.locator(".user").inner_text()
    assert session_id(page) != before  # an id planted before the code is worth nothing after it


def session_id(page: Any) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")


def test_a_wrong_code_reaches_no_page(site: Site, browser: Any) -> None:
    page = sign_in(browser, site, "cilla")
    secret = page.locator("#totp-secret").inner_text()
    elsewhere = sign_in(browser, site, "cilla")  # each session enrols a secret of its own
    assert elsewhere.locator("#totp-secret").inner_text() != secret
    wrong = f"{(totp(b32decode(secret)) + 500_000) % 1_000_000:06d}"
    enter_code(page, wrong)
    page.get_by_text("Koden stämmer inte").first.wait_for()
    page.goto(f"{site.url}/barn/")
    assert "/konto/andra-faktorn/" in page.url


def security_key(page: Any, credentials: Sequence[dict[str, Any]] = ()) -> tuple[Any, str]:
    """A USB security key with a PIN, in Chromium (the DevTools virtual authenticator)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "usb",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    for credential in credentials:
        cdp.send("WebAuthn.addCredential", {"authenticatorId": authenticator, "credential": credential})
    return cdp, authenticator


def test_without_the_providers_second_factor_a_security_key_is_enrolled_and_required(
    site: Site, browser: Any
) -> None:
    page = browser.new_context().new_page()
    cdp, authenticator = security_key(page)
    sign_in(browser, site, "dag", page)
    assert "/konto/andra-faktorn/" in page.url
    before = session_id(page)
    page.get_by_role("button", name="Registrera säkerhetsnyckel").click()
    on_start_page(page)
    assert session_id(page) != before
    key = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(key) == 1

    # The next sign-in: the same key, in a fresh browser; no TOTP secret is offered.
    page = browser.new_context().new_page()
    security_key(page, key)
    sign_in(browser, site, "dag", page)
    assert "/konto/andra-faktorn/" in page.url
    assert page.locator("#totp-secret").count() == 0
    page.goto(f"{site.url}/barn/")
    assert "/konto/andra-faktorn/" in page.url
    before = session_id(page)
    page.get_by_role("button", name="Använd säkerhetsnyckel").click()
    page.wait_for_url(f"{site.url}/barn/")
    assert session_id(page) != before


UNLINK = """
from obruten.accounts.models import Role, User
from obruten.sso import services
from obruten.sso.models import Identity
admin = User.objects.create_user(username="admin-unlink", role=Role.ADMINISTRATOR, is_staff=True)
services.unlink_identity(actor=admin, identity=Identity.objects.get(user__username="erik"))
"""


def test_unlinking_a_persons_identity_ends_her_session_at_once(site: Site, browser: Any) -> None:
    page = sign_in(browser, site, "erik")
    on_start_page(page)
    subprocess.run([*OBRUTEN, "shell", "-v", "0", "-c", UNLINK], env=site.env, check=True)
    page.goto(f"{site.url}/barn/")
    assert "/konto/logga-in/" in page.url
