from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from . import services
from .models import MunicipalSettings


@admin.register(MunicipalSettings)
class MunicipalSettingsAdmin(admin.ModelAdmin):
    """One row; every change goes through ``services.change_settings`` and is audited."""

    fields = services.SETTINGS_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MunicipalSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        saved = services.change_settings(
            actor=request.user,
            via="admin:municipal_municipalsettings",
            **{name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS},
        )
        obj.pk = saved.pk
