"""Whether the provider vouches for two factors, and whether a session has one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest

# RFC 8176 authentication method references: something one knows, something one has.
KNOWLEDGE = {"pwd", "pin", "kba"}
POSSESSION = {"otp", "hwk", "swk", "sc", "sms", "tel", "pop"}
PROVIDER_MFA_SESSION_KEY = "sso_provider_mfa"
OIDC_BACKEND = "obruten.sso.backends.ProviderBackend"


def provider_asserts_mfa(claims: Mapping[str, Any]) -> bool:
    """The ID token's ``acr`` is one the city's provider gives only after two factors,
    or its ``amr`` names a knowledge and a possession factor (or ``mfa``)."""
    if claims.get("acr") and claims["acr"] in settings.OIDC_MFA_ACR_VALUES:
        return True
    methods = set(claims.get("amr") or [])
    return "mfa" in methods or bool(methods & KNOWLEDGE and methods & POSSESSION)


def second_factor_required() -> bool:
    """Every session passes a second factor before any page: always with the provider, and
    where passwords are the first factor if ``SECOND_FACTOR_REQUIRED``."""
    return bool(settings.OIDC_ENABLED or settings.SECOND_FACTOR_REQUIRED)


def session_has_second_factor(request: HttpRequest) -> bool:
    session = request.session
    if session.get(PROVIDER_MFA_SESSION_KEY) and session.get("_auth_user_backend") == OIDC_BACKEND:
        return True
    return bool(request.user.is_verified())  # type: ignore[union-attr]  # django-otp's middleware
