"""django-otp-webauthn's endpoints under its own namespace (its template tags reverse
``otp_webauthn:...``), with registration completed by Obruten's audited view."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn_views

from . import views

app_name = "otp_webauthn"

urlpatterns = [
    path(
        "registrering/start/",
        webauthn_views.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registrering/klar/",
        views.CompleteKeyRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "verifiering/start/",
        webauthn_views.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "verifiering/klar/",
        views.CompleteKeyAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn", "obruten.sso"]),
        name="js-i18n-catalog",
    ),
]
