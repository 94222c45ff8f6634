"""Admin for the code lists only. Children, placements and school starts are personal
records and are reached only through the application's pages and the access policy."""

from django.contrib import admin

from .models import District, Municipality, PlacementForm, School


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "valid_from", "valid_to", "successor")
    # Validity and successor decide who may place records in a district (and mergers):
    # they come from the district file (`obruten load-districts`), never from the admin.
    readonly_fields = ("code", "valid_from", "valid_to", "successor")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "county_code")
    search_fields = ("name", "code")


@admin.register(PlacementForm)
class PlacementFormAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_protected_housing", "school_coordinator_follows_up", "is_family_home")
    # Which forms are protected housing decides whose whereabouts are hidden, and which
    # the school coordinators follow decides their scope: both come from the shipped code
    # list (a data migration), never from the admin.
    readonly_fields = ("code", "is_protected_housing", "school_coordinator_follows_up")


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "unit_code", "municipality", "school_form")
    search_fields = ("name", "unit_code")
