from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Q
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from obruten.register.models import District

from . import services
from .models import Role, User

# Everyone who reads children's records is named where colleagues see them (a transfer, a
# caseload, the audit log), so a user needs a name and an e-mail address.
NAMED = ("first_name", "last_name", "email")


class NamedUserCreationForm(AdminUserCreationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in NAMED:
            self.fields[name].required = True


class NamedUserChangeForm(UserChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in NAMED:
            if name in self.fields:
                self.fields[name].required = True


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
    # The administration's rights follow the role (an administrator has them all, no one
    # else any), so neither "staff" nor "superuser" is a choice of its own.
    fieldsets = (
        (_("Behörighet i Obruten"), {"fields": ("role", "districts")}),
        (None, {"fields": ("username", "password")}),
        (_("Personuppgifter"), {"fields": NAMED}),
        (_("Status"), {"fields": ("is_active",)}),
        (_("Viktiga datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Personuppgifter"), {"fields": NAMED}),
        (_("Behörighet i Obruten"), {"fields": ("role", "districts")}),
    )
    form = NamedUserChangeForm
    add_form = NamedUserCreationForm
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("districts",)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "districts" in form.base_fields:
            # A district that has been dissolved is not assigned; one the user still has stays.
            current = Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate())
            if obj is not None:
                current |= Q(pk__in=obj.districts.values("pk"))
            form.base_fields["districts"].queryset = District.objects.filter(current)  # type: ignore[attr-defined]
        return form

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
        if "role" in form.cleaned_data:
            obj.is_staff = obj.is_superuser = obj.role == Role.ADMINISTRATOR
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.record_access_change(
            actor=request.user,
            user=form.instance,
            before=getattr(request, "_access_before", {}),
            via="admin:accounts_user",
        )
