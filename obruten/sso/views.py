"""Sign-in through the provider, the page for an unknown identity, and Obruten's own
second factor (TOTP or a security key) for sessions the provider did not vouch two factors for."""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)
from mozilla_django_oidc import views as oidc_views

from .backends import UNKNOWN_SESSION_KEY
from .forms import CodeForm
from .services import record_second_factor, second_factor_passed

# The TOTP secret offered while enrolling: made for this session alone and saved only when
# a correct code confirms it, so a secret shown to another session never becomes a factor.
ENROLMENT_SECRET_KEY = "sso_totp_enrolment_secret"  # noqa: S105 - a session key's name


class ProviderSignIn(oidc_views.OIDCAuthenticationRequestView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().get(request)


class ProviderCallback(oidc_views.OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().get(request)

    def login_failure(self) -> HttpResponse:
        if self.request.session.pop(UNKNOWN_SESSION_KEY, False):
            return HttpResponseRedirect(resolve_url("sso:no_account"))
        return HttpResponseRedirect(resolve_url("login") + "?misslyckad=1")


def no_account(request: HttpRequest) -> HttpResponse:
    return render(request, "sso/no_account.html", status=403)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url("home")


class CompleteKeyRegistration(CompleteCredentialRegistrationView):
    """The library verifies the attestation and saves the key; enrolling is audited in
    the same transaction."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().post(*args, **kwargs)
            record_second_factor(user=self.request.user, kind="WebAuthn")
        second_factor_passed(self.request)
        return response


class CompleteKeyAuthentication(CompleteCredentialAuthenticationView):
    """The library verifies the key's signature and marks the session; the session then
    gets a new id, as after every second factor."""

    def complete_auth(self, device: Any) -> Any:
        user = super().complete_auth(device)
        second_factor_passed(self.request)
        return user


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enter a TOTP code or use a security key; the first time, enroll either: the TOTP
    secret and its QR code are shown until the first correct code confirms the device,
    and never again. Someone with a key only is never offered a new TOTP secret."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]  # e.g. a key just registered
        return HttpResponseRedirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    has_key = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    enrolling = device is None and not has_key
    if device is None and has_key:
        return render(request, "sso/second_factor.html", {"has_key": True, "next": _next_url(request)})
    if device is None:
        device = _enrolment_device(request)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip()
        if _enrolled(device, code, user) if enrolling else device.verify_token(code):
            otp_login(request, device)
            request.session.pop(ENROLMENT_SECRET_KEY, None)
            second_factor_passed(request)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("code", _("Koden stämmer inte. Försök igen med koden som visas nu."))
    context = {"form": form, "enrolling": enrolling, "has_key": has_key, "next": _next_url(request)}
    if enrolling:
        context["secret"] = b32encode(device.bin_key).decode()
        context["qr"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(request, "sso/second_factor.html", context)


def _enrolment_device(request: HttpRequest) -> TOTPDevice:
    """An unsaved TOTP device with this session's own secret, made at its first visit."""
    if ENROLMENT_SECRET_KEY not in request.session:
        request.session[ENROLMENT_SECRET_KEY] = random_hex(20)
    key = request.session[ENROLMENT_SECRET_KEY]
    return TOTPDevice(user=request.user, name="Obruten", key=key, confirmed=False)


def _enrolled(device: TOTPDevice, code: str, user: Any) -> bool:
    """Whether ``code`` confirms the session's secret; if so the device is saved, confirmed,
    with the code's time step spent (no replay), and the enrolment audited."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not (code.isdigit() and totp.verify(int(code), device.tolerance)):
        return False
    with transaction.atomic():
        device.last_t, device.confirmed = totp.t(), True
        device.save()
        record_second_factor(user=user, kind="TOTP")
    return True
