"""Who signs in is the provider's (issuer, subject), linked by an administrator: never
the e-mail address, and nobody unknown gets an account."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from conftest import World
from obruten.accounts.models import User
from obruten.audit.models import AuditEvent
from obruten.sso import services
from obruten.sso.backends import UNKNOWN_SESSION_KEY, ProviderBackend
from obruten.sso.models import Identity

pytestmark = pytest.mark.django_db
ISSUER = "https://login.stad.example"
PROVIDER = override_settings(
    OIDC_ENABLED=True,
    DEMO_MODE=False,
    OIDC_ISSUER=ISSUER,
    OIDC_RP_CLIENT_ID="obruten",
    BREAK_GLASS_USERS=["admin"],
)


def backend() -> ProviderBackend:
    found = ProviderBackend()
    request = RequestFactory().get("/")
    request.session = SessionStore()
    found.request = request
    return found


@PROVIDER
def test_the_subject_decides_not_the_email(world: World) -> None:
    anna, bromma = world.users["case_worker"], world.users["case_worker_bromma"]
    services.link_identity(actor=world.users["administrator"], user=anna, issuer=ISSUER, subject="s-anna")
    bromma.email = "anna@stad.example"
    bromma.save()
    claims = {"iss": ISSUER, "sub": "s-anna", "email": "anna@stad.example"}
    assert backend().get_or_create_user("", "", claims) == anna


@PROVIDER
def test_an_unknown_subject_gets_no_account_even_with_a_known_email(world: World) -> None:
    world.users["case_worker"].email = "anna@stad.example"
    world.users["case_worker"].save()
    users = User.objects.count()
    found = backend()
    claims = {"iss": ISSUER, "sub": "stranger", "email": "anna@stad.example"}
    assert found.get_or_create_user("", "", claims) is None
    assert found.request.session[UNKNOWN_SESSION_KEY] is True
    assert User.objects.count() == users


@PROVIDER
def test_the_same_subject_from_another_issuer_is_someone_else(world: World) -> None:
    services.link_identity(
        actor=world.users["administrator"], user=world.users["case_worker"], issuer=ISSUER, subject="s-anna"
    )
    assert backend().get_or_create_user("", "", {"iss": "https://evil.example", "sub": "s-anna"}) is None


@PROVIDER
def test_a_deactivated_user_signs_in_no_more(world: World) -> None:
    anna = world.users["case_worker"]
    services.link_identity(actor=world.users["administrator"], user=anna, issuer=ISSUER, subject="s-anna")
    anna.is_active = False
    anna.save()
    assert backend().get_or_create_user("", "", {"iss": ISSUER, "sub": "s-anna"}) is None


def test_a_user_deactivated_during_a_provider_session_is_signed_out(world: World) -> None:
    """Django asks the session's backend for the user on every request."""
    anna = world.users["case_worker"]
    assert backend().get_user(anna.pk) == anna
    anna.is_active = False
    anna.save()
    assert backend().get_user(anna.pk) is None


def test_the_unknown_page_says_what_to_do() -> None:
    response = Client().get(reverse("sso:no_account"))
    assert "Du har inget konto i Obruten – kontakta din administratör" in response.content.decode()


def _token(key: Any, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": "obruten", "sub": "s", "iat": now, "exp": now + 60, **claims}
    return jwt.encode(payload, key, "RS256")


@pytest.mark.parametrize(
    "claims", [{"iss": "https://evil.example"}, {"aud": "another-client"}, {"exp": int(time.time()) - 600}]
)
@PROVIDER
def test_an_id_token_for_another_issuer_or_client_or_expired_is_refused(claims: dict[str, Any]) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    found = backend()
    assert found.get_payload_data(_token(key), key.public_key())["sub"] == "s"
    with pytest.raises(SuspiciousOperation):
        found.get_payload_data(_token(key, **claims), key.public_key())


def test_linking_is_audited_and_only_for_an_administrator_and_never_oneself(world: World) -> None:
    admin, anna = world.users["administrator"], world.users["case_worker"]
    services.link_identity(actor=admin, user=anna, issuer=ISSUER, subject="s-anna")
    event = AuditEvent.objects.filter(object_type="user", object_id=anna.pk).last()
    assert event is not None and event.actor == admin
    assert event.changes == {"identity": [None, f"s-anna ({ISSUER})"]}
    with pytest.raises(PermissionDenied):
        services.link_identity(actor=admin, user=admin, issuer=ISSUER, subject="s-admin")
    with pytest.raises(PermissionDenied):
        services.link_identity(actor=world.users["unit_manager"], user=anna, issuer=ISSUER, subject="s-x")
    services.unlink_identity(actor=admin, identity=Identity.objects.get(user=anna))
    assert not Identity.objects.filter(user=anna).exists()


def test_the_administrator_links_in_the_admin(world: World) -> None:
    client = Client()
    client.force_login(world.users["administrator"])
    anna = world.users["case_worker"]
    response = client.post(
        reverse("admin:sso_identity_add"), {"user": anna.pk, "issuer": ISSUER, "subject": "s-anna"}
    )
    assert response.status_code == 302
    assert Identity.objects.get(user=anna).subject == "s-anna"
    assert AuditEvent.objects.filter(object_id=anna.pk, changes__has_key="identity").exists()


def _password_login(username: str) -> int:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": "a-long-test-password"})
    return int("_auth_user_id" in client.session)


@PROVIDER
def test_in_production_only_break_glass_users_sign_in_with_a_password(world: World) -> None:
    assert _password_login("cw_farsta") == 0
    assert _password_login("admin") == 1


@override_settings(OIDC_ENABLED=True, DEMO_MODE=True)
def test_in_demo_mode_passwords_still_work(world: World) -> None:
    assert _password_login("cw_farsta") == 1


def test_the_admin_never_shows_a_second_factors_key_and_removing_one_is_audited(world: World) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    anna, admin = world.users["case_worker"], world.users["administrator"]
    device = TOTPDevice.objects.create(user=anna, name="Obruten", confirmed=True)
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    config = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/", follow=True)
    assert config.status_code == 200 and device.key not in config.content.decode()
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(object_id=anna.pk, changes__second_factor=["TOTP", None]).exists()
