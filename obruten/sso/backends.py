"""Sign-in backends: the city's OpenID provider, and local passwords where allowed."""

from __future__ import annotations

from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .mfa import PROVIDER_MFA_SESSION_KEY, provider_asserts_mfa
from .models import Identity

UNKNOWN_SESSION_KEY = "sso_unknown_identity"


class ProviderBackend(OIDCAuthenticationBackend):
    """Finds the user by the ID token's (iss, sub) on a linked Identity; never by e-mail,
    never creating anyone. Role and districts are administered in Obruten."""

    def get_payload_data(self, token: str, key: Any) -> dict[str, Any]:
        # The library checks the signature only; the issuer, audience and expiry matter too.
        header = jwt.get_unverified_header(token)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("Unexpected ID token algorithm")
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc
        # OIDC Core 1.0, 3.1.3.7 (3, 4): a token for several audiences must name this client
        # as its authorized party; a token issued to another party is not this client's.
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if (len(audiences) > 1 or "azp" in payload) and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token refused: not issued to this client (azp)")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        identity = (
            Identity.objects.select_related("user")
            .filter(issuer=payload["iss"], subject=payload["sub"], user__is_active=True)
            .first()
        )
        session = self.request.session
        if identity is None:
            session[UNKNOWN_SESSION_KEY] = True
            return None
        session[PROVIDER_MFA_SESSION_KEY] = provider_asserts_mfa(payload)
        return identity.user

    def get_user(self, user_id: Any) -> Any:
        # Asked on every request of a provider session: a user deactivated since signing in
        # is signed out at once, as Django's ModelBackend does for password sessions.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not settings.OIDC_ENABLED:
            return None
        return super().authenticate(request, **kwargs)


class LocalPasswordBackend(ModelBackend):
    """Passwords sign in in demo mode or without a provider; in production only the
    break-glass accounts named in BREAK_GLASS_USERS may use one (and then a TOTP code)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not passwords_allowed_for(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def passwords_allowed_for(username: str | None) -> bool:
    if settings.DEMO_MODE or not settings.OIDC_ENABLED:
        return True
    return bool(username) and username in settings.BREAK_GLASS_USERS
