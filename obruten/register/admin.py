"""Admin for the code lists only. Children, placements and school starts are personal
records and are reached only through the application's pages and the access policy."""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from obruten.municipal import services

from .models import District, Municipality, PlacementForm, School


class CodeListAdmin(admin.ModelAdmin):
    """Each save goes through ``services.save_code_list_entry``, validated and audited. A
    row is never deleted here: records refer to it, and the loaders (``obruten
    load-districts``, ``obruten load-schools``) retire what a new file leaves out."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.save_code_list_entry(actor=request.user, entry=obj, via=f"admin:{obj._meta.label_lower}")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(District)
class DistrictAdmin(CodeListAdmin):
    list_display = ("name", "code", "valid_from", "valid_to", "successor")
    # Validity and successor decide who may place records in a district (and mergers):
    # they come from the district file (`obruten load-districts`), never from the admin.
    readonly_fields = ("code", "valid_from", "valid_to", "successor")


@admin.register(Municipality)
class MunicipalityAdmin(CodeListAdmin):
    list_display = ("name", "code", "county_code")
    search_fields = ("name", "code")


@admin.register(PlacementForm)
class PlacementFormAdmin(CodeListAdmin):
    list_display = ("name", "code", "is_protected_housing", "school_coordinator_follows_up", "is_family_home")
    # Which forms are protected housing decides whose whereabouts are hidden, and which
    # the school coordinators follow decides their scope: both come from the shipped code
    # list (a data migration), never from the admin.
    readonly_fields = ("code", "is_protected_housing", "school_coordinator_follows_up")


@admin.register(School)
class SchoolAdmin(CodeListAdmin):
    list_display = ("name", "unit_code", "municipality", "school_form")
    search_fields = ("name", "unit_code")
