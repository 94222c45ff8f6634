"""Logging in: Django's auth, Argon2, lock-out after repeated failures, sessions that
end, CSRF and a strict Content-Security-Policy."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from obruten.middleware import IdleSessionMiddleware


def _login(client: Client, username: str, password: str) -> int:
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_a_case_worker_logs_in_and_lands_on_what_is_due(world: World) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "cw_farsta", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).request["PATH_INFO"] == reverse("obligations:todo")


def test_a_wrong_password_says_what_to_do(world: World) -> None:
    response = Client().post(reverse("login"), {"username": "cw_farsta", "password": "wrong"})
    assert "Fel användarnamn eller lösenord" in response.content.decode()


def test_five_failures_lock_the_account_out(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "cw_farsta", "wrong")
    assert _login(client, "cw_farsta", "a-long-test-password") == 429


def test_passwords_are_hashed_with_argon2_in_production() -> None:
    from obruten import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _expires(client: Client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_sessions_end_after_idle_minutes_and_with_the_browser(world: World) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client = Client()
    assert _login(client, "cw_farsta", "a-long-test-password") == 302
    assert client.get(reverse("obligations:todo")).status_code == 200
    assert abs(_expires(client) - (timezone.now() + timedelta(minutes=30))) < timedelta(seconds=5)
    # Twenty idle minutes later: a page renewed less than a minute ago writes nothing...
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=10))
    assert client.get(reverse("obligations:todo")).status_code == 200
    assert _expires(client) < timezone.now() + timedelta(minutes=11)
    # ...one renewed more than a minute ago gets thirty minutes from now.
    session = client.session
    session[IdleSessionMiddleware.KEY] = int(time.time()) - settings.SESSION_RENEW_SECONDS
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=10))
    assert client.get(reverse("obligations:todo")).status_code == 200
    assert _expires(client) > timezone.now() + timedelta(minutes=29)
    # Thirty idle minutes: the session is over.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("obligations:todo")).status_code == 302


def test_pages_carry_a_strict_content_security_policy(world: World) -> None:
    response = Client().get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_posts_without_csrf_token_are_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["case_worker"])
    assert client.post(reverse("register:child_create"), {}).status_code == 403
