"""With the provider configured, no page but the second-factor page and logout opens
until the session has two factors: the provider's (acr/amr) or Obruten's TOTP."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp

from conftest import World
from obruten.audit.models import AuditEvent
from obruten.sso.mfa import OIDC_BACKEND, PROVIDER_MFA_SESSION_KEY, provider_asserts_mfa

pytestmark = pytest.mark.django_db
PRODUCTION = override_settings(OIDC_ENABLED=True, DEMO_MODE=False, OIDC_MFA_ACR_VALUES=["loa3"])
PAGES = ["home", "register:caseload", "obligations:todo", "statistics:index", "access_changes", "admin:index"]
SECOND_FACTOR = reverse("sso:second_factor")
PASSWORDS = "obruten.sso.backends.LocalPasswordBackend"


def signed_in(world: World, *, provider_mfa: bool | None = None) -> Client:
    client = Client()
    user = world.users["case_worker"]
    if provider_mfa is None:
        client.force_login(user, backend=PASSWORDS)
    else:
        client.force_login(user, backend=OIDC_BACKEND)
        session = client.session
        session[PROVIDER_MFA_SESSION_KEY] = provider_mfa
        session.save()
    return client


def code_from(page: str) -> str:
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    return f"{totp(b32decode(secret)):06d}"


@pytest.mark.parametrize("name", PAGES)
@PRODUCTION
def test_without_a_second_factor_every_page_leads_to_the_second_factor(world: World, name: str) -> None:
    response = signed_in(world).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(SECOND_FACTOR)


@PRODUCTION
def test_the_second_factor_page_and_logout_stay_open(world: World) -> None:
    client = signed_in(world)
    assert client.get(SECOND_FACTOR).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # now to the login page
    assert "_auth_user_id" not in client.session


@PRODUCTION
def test_the_providers_two_factors_open_the_pages(world: World) -> None:
    assert signed_in(world, provider_mfa=True).get(reverse("register:caseload")).status_code == 200
    assert signed_in(world, provider_mfa=False).get(reverse("register:caseload")).status_code == 302


@PRODUCTION
def test_a_provider_flag_in_a_password_session_counts_for_nothing(world: World) -> None:
    client = signed_in(world)
    session = client.session
    session[PROVIDER_MFA_SESSION_KEY] = True
    session.save()
    assert client.get(reverse("register:caseload")).status_code == 302


@PRODUCTION
def test_enrolling_totp_shows_the_secret_until_a_correct_code_then_never_again(world: World) -> None:
    client = signed_in(world)
    page = client.get(SECOND_FACTOR).content.decode()
    response = client.post(SECOND_FACTOR, {"code": code_from(page), "next": reverse("register:caseload")})
    assert response["Location"] == reverse("register:caseload")
    assert client.get(reverse("register:caseload")).status_code == 200
    event = AuditEvent.objects.filter(object_type="user", object_id=world.users["case_worker"].pk).last()
    assert event is not None and event.changes == {"second_factor": [None, "TOTP"]}
    again = signed_in(world).get(SECOND_FACTOR).content.decode()
    assert 'id="totp-secret"' not in again


@PRODUCTION
def test_a_wrong_code_opens_nothing(world: World) -> None:
    client = signed_in(world)
    right = code_from(client.get(SECOND_FACTOR).content.decode())
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(SECOND_FACTOR, {"code": wrong})
    assert response.status_code == 200
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get(reverse("register:caseload")).status_code == 302


@PRODUCTION
def test_the_next_page_after_the_code_stays_on_this_site(world: World) -> None:
    client = signed_in(world)
    code = code_from(client.get(SECOND_FACTOR).content.decode())
    response = client.post(SECOND_FACTOR, {"code": code, "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_without_a_provider_the_demo_needs_no_second_factor(world: World) -> None:
    assert signed_in(world).get(reverse("register:caseload")).status_code == 200


@pytest.mark.parametrize(
    ("claims", "two_factors"),
    [
        ({"acr": "loa3"}, True),
        ({"acr": "loa2"}, False),
        ({"amr": ["pwd", "otp"]}, True),
        ({"amr": ["pwd", "hwk"]}, True),
        ({"amr": ["pin", "sc"]}, True),
        ({"amr": ["mfa"]}, True),
        ({"amr": ["pwd"]}, False),
        ({"amr": ["otp", "sms"]}, False),  # two things one has: no knowledge factor
        ({}, False),
    ],
)
@PRODUCTION
def test_what_counts_as_the_providers_two_factors(claims: dict[str, object], two_factors: bool) -> None:
    assert provider_asserts_mfa(claims) is two_factors
