from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User

admin.site.site_header = _("Obruten – administration")
admin.site.site_title = _("Obruten – administration")
admin.site.index_title = _("Kodlistor och användare")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users, with role and districts. Every change of access is written to the audit
    log (``services.record_access_change``); one's own access is read-only."""

    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "districts")
    # Access in Obruten is the role and the districts (docs/access-policy.md), so they come
    # first; Django's groups and permissions are not used and are left out.
    fieldsets = (
        (_("Behörighet i Obruten"), {"fields": ("role", "districts")}),
        (None, {"fields": ("username", "password")}),
        (_("Personuppgifter"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Viktiga datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Behörighet i Obruten"), {"fields": ("role", "districts")}),
    )
    filter_horizontal = ("districts",)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        """Setting someone's password lets the administrator sign in as them: audited."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            services.record_password_change(
                actor=request.user, user=User.objects.get(pk=id), via="admin:auth_user_password_change"
            )
        return response

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return (*readonly, *services.ACCESS_FIELDS)
        return readonly

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # The access as stored, before this save; audited once the districts are saved too.
        stored = User.objects.filter(pk=obj.pk).first() if obj.pk else None
        request._access_before = services.access_of(stored)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.record_access_change(
            actor=request.user,
            user=form.instance,
            before=getattr(request, "_access_before", {}),
            via="admin:accounts_user",
        )
