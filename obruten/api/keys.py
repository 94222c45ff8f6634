"""Creating, checking and revoking API keys.

A key reads ``obr_<prefix>_<secret>``. The secret is 256 random bits, so a plain
SHA-256 of it cannot be reversed by guessing; a slow password hash (Argon2) would only
add its cost to every request. The prefix is stored in the clear to find the row, and
the hashes are compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from obruten.audit import log as audit

from .models import ApiKey

SCHEME = "obr"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_key(*, user: Any, days: int, name: str = "", via: str) -> tuple[ApiKey, str]:
    """A new key for the service account; the text is returned once and never stored."""
    if days < 1:
        raise ValueError("days must be at least 1")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(
        actor=None,
        action=audit.Action.CREATE,
        via=via,
        obj=key,
        changes={"user": [None, user.username], "expires_at": [None, key.expires_at.isoformat()]},
    )
    return key, f"{SCHEME}_{prefix}_{secret}"


@transaction.atomic
def revoke_key(*, key_id: int, via: str) -> ApiKey:
    key = ApiKey.objects.select_for_update().get(pk=key_id)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record(
            actor=None,
            action=audit.Action.UPDATE,
            via=via,
            obj=key,
            changes={"revoked_at": [None, key.revoked_at.isoformat()]},
        )
    return key


def key_for(text: str) -> ApiKey | None:
    """The usable key the text names, or None (unknown, wrong secret, revoked, expired,
    or its account inactive)."""
    scheme, _, rest = text.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret:
        return None
    key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return key if key.is_usable() else None
