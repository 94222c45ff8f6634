from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .mfa import second_factor_required, session_has_second_factor

# The security-key ceremonies (obruten/sso/webauthn_urls.py) run before the second factor.
KEY_ENDPOINTS = "/konto/nyckel/"


class SecondFactorMiddleware:
    """With the provider configured, or ``SECOND_FACTOR_REQUIRED``, a signed-in session without
    a second factor (the provider's, or Obruten's TOTP or security key) reaches the
    second-factor page and logout only."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            second_factor_required()
            and request.user.is_authenticated
            and not self._open(request.path_info)
            and not session_has_second_factor(request)
        ):
            target = reverse("sso:second_factor")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path in {reverse("sso:second_factor"), reverse("logout")} or path.startswith(
            (settings.STATIC_URL or "/static/", "/i18n/", KEY_ENDPOINTS)
        )
