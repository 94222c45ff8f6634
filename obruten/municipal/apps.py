from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalConfig(AppConfig):
    name = "obruten.municipal"
    label = "municipal"
    verbose_name = _("Kommunens inställningar")

    def ready(self) -> None:
        from django.core.signals import request_started
        from django.test.signals import setting_changed

        from . import forget

        # Each request reads the stored settings afresh: a change made through another
        # worker process is seen at the next request.
        request_started.connect(forget, dispatch_uid="obruten.municipal.forget")
        # The environment's defaults changed (a test's settings): read again too.
        setting_changed.connect(forget, dispatch_uid="obruten.municipal.forget_settings")
