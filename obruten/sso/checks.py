"""Deployment checks of sign-in: production never lets a password alone in."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from .mfa import second_factor_required


@register(Tags.security, deploy=True)
def check_no_password_alone(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEMO_MODE or second_factor_required():
        return []
    return [
        Error(
            "A password alone signs in: there is no identity provider and no second factor.",
            hint=(
                "Configure the provider (OIDC_CLIENT_ID and the other OIDC_* settings), or set "
                "SECOND_FACTOR_REQUIRED=true so that every password account enrols and passes a "
                "TOTP code or a security key before any page (docs/sign-in.md)."
            ),
            id="obruten.E001",
        )
    ]
