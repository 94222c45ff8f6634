"""Linking a provider identity to a user: a change of who can sign in as whom, so it
is audited like every other access change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from obruten.accounts.models import Role, User
from obruten.audit import log as audit

from .models import Identity


def _is_administrator(actor: Any) -> bool:
    return bool(actor.is_staff and (actor.role == Role.ADMINISTRATOR or actor.is_superuser))


def _describe(identity: Identity | None) -> str | None:
    return str(identity) if identity else None


@transaction.atomic
def link_identity(*, actor: Any, user: User, issuer: str, subject: str) -> Identity:
    """Make (issuer, subject) sign in as ``user``; only an administrator, never for themselves."""
    if not _is_administrator(actor) or actor.pk == user.pk:
        raise PermissionDenied("Only an administrator links identities, and never to their own account.")
    before = Identity.objects.filter(user=user).first()
    old = _describe(before)
    identity, _created = Identity.objects.update_or_create(
        user=user, defaults={"issuer": issuer.strip(), "subject": subject.strip()}
    )
    if old and old != _describe(identity):
        end_sessions(user)  # sessions of the old identity sign in no more
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE if before else audit.Action.CREATE,
        via="admin",
        obj=user,
        changes={"identity": [old, _describe(identity)]},
    )
    return identity


@transaction.atomic
def unlink_identity(*, actor: Any, identity: Identity) -> None:
    if not _is_administrator(actor) or actor.pk == identity.user_id:
        raise PermissionDenied("Only an administrator unlinks another user's identity.")
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        via="admin",
        obj=identity.user,
        changes={"identity": [_describe(identity), None]},
    )
    user = identity.user
    identity.delete()
    end_sessions(user)  # a session signed in through the identity signs in no more


def second_factor_passed(request: HttpRequest) -> None:
    """After every second factor, a new session id and CSRF token: an id planted in the
    browser before the second factor (a sibling subdomain, http before HSTS) is worth nothing after it."""
    request.session.cycle_key()
    rotate_token(request)


def end_sessions(user: Any) -> None:
    """Sign ``user`` out everywhere: every stored session that is theirs is deleted."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()


def record_second_factor(*, user: User, kind: str) -> None:
    """The user enrolled a second factor of their own."""
    audit.record(
        actor=user, action=audit.Action.UPDATE, via="web", obj=user, changes={"second_factor": [None, kind]}
    )


@transaction.atomic
def remove_second_factor(*, actor: Any, device: Any) -> None:
    """An administrator removes someone's TOTP device or security key (lost); never their own."""
    if not _is_administrator(actor) or actor.pk == device.user_id:
        raise PermissionDenied("Only an administrator removes another user's second factor.")
    kind = "TOTP" if isinstance(device, TOTPDevice) else "WebAuthn"
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        via="admin",
        obj=device.user,
        changes={"second_factor": [kind, None]},
    )
    device.delete()
