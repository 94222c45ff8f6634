from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from obruten.municipal import services

from .models import ChainModel, ChainStep


class ChainStepInline(admin.TabularInline):
    model = ChainStep
    extra = 0
    # A step that has been recorded for a placement is referred to; it is never deleted.
    can_delete = False


@admin.register(ChainModel)
class ChainModelAdmin(admin.ModelAdmin):
    """The schooling chain and its steps with their days and who is responsible; each
    change is audited through ``obruten.municipal.services``."""

    list_display = ("name", "code", "is_active")
    inlines = [ChainStepInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.save_chain_model(actor=request.user, chain_model=obj, via="admin:followup_chainmodel")

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        for step in formset.save(commit=False):
            services.save_chain_step(actor=request.user, step=step, via="admin:followup_chainmodel")
