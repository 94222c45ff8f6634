from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

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
        obj.pk = services.link_identity(
            actor=request.user, user=obj.user, issuer=obj.issuer, subject=obj.subject
        ).pk

    def delete_model(self, request: HttpRequest, obj: Identity) -> None:
        services.unlink_identity(actor=request.user, identity=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for identity in queryset:
            services.unlink_identity(actor=request.user, identity=identity)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("user",) if obj is not None else ()


# django-otp's own admin shows a device's key as a QR code: whoever reads it could pass as
# the user's second factor. Here the administrator only sees and removes devices (a lost
# phone); the user enrols anew at the next sign-in, after the provider's first factor.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice, WebAuthnCredential)
class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed")
    fields = ("user", "name", "confirmed")
    readonly_fields = fields
    search_fields = ("user__username",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TOTPDevice | WebAuthnCredential) -> None:
        services.remove_second_factor(actor=request.user, device=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for device in queryset:
            services.remove_second_factor(actor=request.user, device=device)
