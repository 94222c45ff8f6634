from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "obruten.sso"
    label = "sso"
    verbose_name = _("Inloggning")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deployment checks
