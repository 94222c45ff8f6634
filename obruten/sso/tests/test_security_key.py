"""A security key (WebAuthn) as Obruten's own second factor: enrolled and used through
django-otp-webauthn's endpoints, with a software authenticator built here from real keys,
so py_webauthn verifies real attestations and signatures."""

from __future__ import annotations

import json
import os
from base64 import urlsafe_b64decode, urlsafe_b64encode
from hashlib import sha256
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.sso.services import remove_second_factor

pytestmark = pytest.mark.django_db
ORIGIN = "https://obruten.example.se"
PRODUCTION = override_settings(
    OIDC_ENABLED=True,
    DEMO_MODE=False,
    OTP_WEBAUTHN_RP_ID="obruten.example.se",
    OTP_WEBAUTHN_ALLOWED_ORIGINS=[ORIGIN],
)
PASSWORDS = "obruten.sso.backends.LocalPasswordBackend"
SECOND_FACTOR = reverse("sso:second_factor")
CASELOAD = reverse("register:caseload")


def b64(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftKey:
    """A USB security key in software: one P-256 credential, a signature counter."""

    def __init__(self, origin: str = ORIGIN) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.origin = origin
        self.count = 0

    def _client_data(self, kind: str, options: dict[str, Any]) -> bytes:
        data = {"type": kind, "challenge": options["challenge"], "origin": self.origin, "crossOrigin": False}
        return json.dumps(data).encode()

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        self.count += 1
        return sha256(rp_id.encode()).digest() + bytes([flags]) + self.count.to_bytes(4, "big") + attested

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        numbers = self.private.public_key().public_numbers()
        cose_key = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        credential = len(self.credential_id).to_bytes(2, "big") + self.credential_id
        attested = bytes(16) + credential + cbor2.dumps(cose_key)  # no AAGUID
        auth_data = self._auth_data(options["rp"]["id"], 0x45, attested)  # user present, verified, attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return self._credential(
            {
                "clientDataJSON": b64(self._client_data("webauthn.create", options)),
                "attestationObject": b64(attestation),
                "transports": ["usb"],
            }
        )

    def get(self, options: dict[str, Any]) -> dict[str, Any]:
        client_data = self._client_data("webauthn.get", options)
        auth_data = self._auth_data(options["rpId"], 0x05)  # user present and verified
        signature = self.private.sign(auth_data + sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return self._credential(
            {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": None,
            }
        )

    def _credential(self, response: dict[str, Any]) -> dict[str, Any]:
        credential_id = b64(self.credential_id)
        return {
            "id": credential_id,
            "rawId": credential_id,
            "type": "public-key",
            "response": response,
            "clientExtensionResults": {},
            "authenticatorAttachment": "cross-platform",
        }


def signed_in_with_password_only(world: World, role: str = "case_worker") -> Client:
    client = Client()
    client.force_login(world.users[role], backend=PASSWORDS)
    return client


def post_json(client: Client, name: str, data: dict[str, Any] | None = None) -> Any:
    url = reverse(f"otp_webauthn:{name}")
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def enrol(client: Client, key: SoftKey) -> Any:
    options = post_json(client, "credential-registration-begin").json()
    return post_json(client, "credential-registration-complete", key.create(options))


def verify(client: Client, key: SoftKey) -> Any:
    options = post_json(client, "credential-authentication-begin").json()
    return post_json(client, "credential-authentication-complete", key.get(options))


@PRODUCTION
def test_a_first_factor_session_enrols_a_key_which_opens_the_pages_and_is_audited(world: World) -> None:
    client = signed_in_with_password_only(world)
    page = client.get(SECOND_FACTOR).content.decode()
    assert "Registrera säkerhetsnyckel" in page
    assert enrol(client, SoftKey()).status_code == 200
    assert client.get(CASELOAD).status_code == 200
    user = world.users["case_worker"]
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    event = AuditEvent.objects.filter(object_type="user", object_id=user.pk).last()
    assert event is not None and event.changes == {"second_factor": [None, "WebAuthn"]}


@PRODUCTION
def test_at_the_next_sign_in_the_key_is_the_second_factor_and_no_totp_secret_is_offered(world: World) -> None:
    key = SoftKey()
    enrol(signed_in_with_password_only(world), key)
    client = signed_in_with_password_only(world)
    page = client.get(SECOND_FACTOR).content.decode()
    assert "Använd säkerhetsnyckel" in page
    assert "totp-secret" not in page  # else the first factor alone could enrol a new factor
    assert not TOTPDevice.objects.filter(user=world.users["case_worker"]).exists()
    assert client.get(CASELOAD)["Location"].startswith(SECOND_FACTOR)
    response = verify(client, key)
    assert response.status_code == 200
    assert client.get(CASELOAD).status_code == 200


@PRODUCTION
def test_a_key_signed_for_another_site_or_by_another_key_opens_nothing(world: World) -> None:
    key = SoftKey()
    enrol(signed_in_with_password_only(world), key)
    phished = SoftKey(origin="https://obruten-inloggning.example.com")
    phished.private, phished.credential_id = key.private, key.credential_id
    client = signed_in_with_password_only(world)
    assert verify(client, phished).status_code >= 400
    impostor = SoftKey()
    impostor.credential_id = key.credential_id  # the key's id, another private key
    assert verify(client, impostor).status_code >= 400
    assert client.get(CASELOAD)["Location"].startswith(SECOND_FACTOR)


@PRODUCTION
def test_someone_elses_key_is_not_this_users_second_factor(world: World) -> None:
    key = SoftKey()
    enrol(signed_in_with_password_only(world, "case_worker"), key)
    client = signed_in_with_password_only(world, "unit_manager")
    assert verify(client, key).status_code == 403
    assert client.get(CASELOAD)["Location"].startswith(SECOND_FACTOR)


@PRODUCTION
def test_with_a_second_factor_enrolled_the_first_factor_alone_cannot_add_a_key(world: World) -> None:
    key = SoftKey()
    enrol(signed_in_with_password_only(world), key)
    attacker = signed_in_with_password_only(world)  # knows the password, not the key
    assert post_json(attacker, "credential-registration-begin").status_code == 403
    assert WebAuthnCredential.objects.filter(user=world.users["case_worker"]).count() == 1


@PRODUCTION
def test_the_key_endpoints_do_not_sign_anyone_in(world: World) -> None:
    key = SoftKey()
    enrol(signed_in_with_password_only(world), key)
    anonymous = Client()
    assert post_json(anonymous, "credential-authentication-begin").status_code == 403
    assert "_auth_user_id" not in anonymous.session
    assert post_json(anonymous, "credential-registration-begin").status_code == 403


@PRODUCTION
def test_an_administrator_removes_a_lost_key_and_it_is_audited(world: World) -> None:
    enrol(signed_in_with_password_only(world), SoftKey())
    user = world.users["case_worker"]
    key = WebAuthnCredential.objects.get(user=user)
    with pytest.raises(PermissionDenied):
        remove_second_factor(actor=user, device=key)
    remove_second_factor(actor=world.users["administrator"], device=key)
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    event = AuditEvent.objects.filter(object_type="user", object_id=user.pk).last()
    assert event is not None and event.changes == {"second_factor": ["WebAuthn", None]}


def test_the_key_script_speaks_swedish(world: World) -> None:
    catalog = signed_in_with_password_only(world).get(reverse("otp_webauthn:js-i18n-catalog"))
    assert '"Verifying...": "Verifierar' in catalog.content.decode()  # the library has no Swedish
