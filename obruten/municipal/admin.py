from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from . import services
from .models import (
    CoordinatorTargetGroup,
    DatedSetting,
    DisclosureThreshold,
    MunicipalSettings,
    SchoolStartGoal,
)


@admin.register(MunicipalSettings)
class MunicipalSettingsAdmin(admin.ModelAdmin):
    """One row; every change goes through ``services.change_settings`` and is audited."""

    fields = services.SETTINGS_FIELDS

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """There is one row: the list goes straight to its form."""
        row = MunicipalSettings.objects.first()
        if row is None:
            return redirect("admin:municipal_municipalsettings_add")
        return redirect("admin:municipal_municipalsettings_change", row.pk)

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


class DatedSettingAdmin(admin.ModelAdmin):
    """A setting from a day on (``models.DatedSetting``): a row in force is never changed
    and none is deleted; a future row's day stays (another day is another row). Saving
    goes through the setting's own service (``setter``, which sets ``value``), which
    audits it. The list is the setting's history."""

    value: str
    setter: Callable[..., DatedSetting]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("valid_from", self.value)

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        return ("__str__", "valid_from", self.value)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        in_force = obj is not None and obj.valid_from <= timezone.localdate()
        return not in_force and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("valid_from",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        saved = type(self).setter(
            actor=request.user,
            valid_from=obj.valid_from,
            via=f"admin:{self.opts.app_label}_{self.opts.model_name}",
            **{self.value: form.cleaned_data[self.value]},
        )
        obj.pk = saved.pk


@admin.register(SchoolStartGoal)
class SchoolStartGoalAdmin(DatedSettingAdmin):
    value, setter = "days", services.set_school_start_goal


@admin.register(DisclosureThreshold)
class DisclosureThresholdAdmin(DatedSettingAdmin):
    value, setter = "threshold", services.set_disclosure_threshold


@admin.register(CoordinatorTargetGroup)
class CoordinatorTargetGroupAdmin(DatedSettingAdmin):
    value, setter = "follows_upper_secondary", services.set_coordinator_target_group
