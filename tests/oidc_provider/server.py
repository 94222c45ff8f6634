"""Start the test provider in its own process: migrate, add Obruten as a client and the
people, listen on a loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "obruten"
CLIENT_SECRET = "obruten-test-client-secret"
SETUP = """
from django.contrib.auth.models import Group, User
from oauth2_provider.models import Application
Application.objects.create(
    client_id={client_id!r}, client_secret={client_secret!r}, name="Obruten",
    client_type="confidential", authorization_grant_type="authorization-code",
    redirect_uris={redirect_uri!r}, algorithm="RS256", skip_authorization=True)
mfa = Group.objects.create(name="mfa")
"""


@dataclass
class Provider:
    issuer: str
    env: dict[str, str]

    def run(self, code: str) -> str:
        """Run Python in the provider's Django (to add people or change them)."""
        command = [sys.executable, "-m", "django", "shell", "-v", "0", "-c", code]
        done = subprocess.run(command, env=self.env, cwd=ROOT, check=True, capture_output=True, text=True)
        return done.stdout

    def add_people(self, people: dict[str, bool]) -> dict[str, str]:
        """Add people (username: whether they sign in with two factors); their subjects."""
        code = (
            "from django.contrib.auth.models import Group, User\n"
            f"for name, two in {people!r}.items():\n"
            "    u = User.objects.create_user(name, f'{name}@stad.example', 'provider-password')\n"
            "    u.groups.set(Group.objects.filter(name='mfa' if two else ''))\n"
            "    print(name, u.pk)"
        )
        return dict(line.split() for line in self.run(code).splitlines())

    @property
    def obruten_env(self) -> dict[str, str]:
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize/",
            "OIDC_TOKEN_ENDPOINT": f"{self.issuer}/token/",
            "OIDC_JWKS_ENDPOINT": f"{self.issuer}/.well-known/jwks.json",
            "OIDC_MFA_ACR_VALUES": "http://id.elegnamnden.se/loa/1.0/loa3",
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)  # waiting for a server to listen, not timing anything
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def provider(workdir: Path, redirect_uri: str) -> Iterator[Provider]:
    port = free_port()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    issuer = f"http://127.0.0.1:{port}/o"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PROVIDER_DATABASE": str(workdir / "provider.sqlite3"),
        "PROVIDER_ISSUER": issuer,
        "PROVIDER_RSA_KEY": pem,
    }
    found = Provider(issuer=issuer, env=env)
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    found.run(SETUP.format(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=redirect_uri))
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield found
    finally:
        process.terminate()
        process.wait(timeout=10)
