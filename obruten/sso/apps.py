from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpDefaultConfig
from django_otp_webauthn.apps import OtpWebauthnConfig


class SsoConfig(AppConfig):
    default = True  # the app's own configuration; the others below are for INSTALLED_APPS by path
    name = "obruten.sso"
    label = "sso"
    verbose_name = _("Inloggning")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks


# The sign-in libraries' own app names ("OTP_TOTP", "Axes") in the administration's Swedish.


class LockoutConfig(AxesConfig):
    verbose_name = _("Inloggningsförsök och spärrar")


class TotpConfig(TotpDefaultConfig):
    verbose_name = _("Engångskoder från app (TOTP)")


class WebauthnConfig(OtpWebauthnConfig):
    verbose_name = _("Säkerhetsnycklar")
