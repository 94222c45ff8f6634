from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from . import services
from .models import Identity


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """The administrator links a person's subject at the provider to their user;
    every link and unlink is audited by the service."""

    list_display = ("user", "subject", "issuer", "linked_at")
    search_fields = ("user__username", "subject")
    autocomplete_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: Identity, form: ModelForm, change: bool) -> None:
        services.link_identity(actor=request.user, user=obj.user, issuer=obj.issuer, subject=obj.subject)

    def delete_model(self, request: HttpRequest, obj: Identity) -> None:
        services.unlink_identity(actor=request.user, identity=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for identity in queryset:
            services.unlink_identity(actor=request.user, identity=identity)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("user",) if obj is not None else ()
