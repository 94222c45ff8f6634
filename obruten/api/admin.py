from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Lists the keys; they are created and revoked with ``obruten api-key`` (the
    secret is shown once, on the command line), never here."""

    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "user__username", "name")
    fields = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
