from django.urls import path

from . import summary_views, views

app_name = "register"
urlpatterns = [
    path("barn/", views.caseload, name="caseload"),
    path("barn/nytt/", views.child_create, name="child_create"),
    path("barn/<int:child_id>/", views.child_detail, name="child_detail"),
    path("barn/<int:child_id>/andra/", views.child_edit, name="child_edit"),
    path("barn/<int:child_id>/sammanfattning/", summary_views.child_summary, name="child_summary"),
    path("barn/<int:child_id>/skydd/", views.protection, name="protection"),
    path("barn/<int:child_id>/placeringar/ny/", views.placement_create, name="placement_create"),
    path(
        "barn/<int:child_id>/placeringar/<int:placement_id>/andra/",
        views.placement_edit,
        name="placement_edit",
    ),
    path(
        "barn/<int:child_id>/placeringar/<int:placement_id>/skolstart/",
        views.school_start,
        name="school_start",
    ),
    path("skolstart/", views.school_start_breaches, name="school_start_breaches"),
    path("skolstart/export/", views.school_start_breaches_export, name="school_start_breaches_export"),
    path("import/", views.import_placements, name="import"),
    path("import/format/", views.import_help_page, name="import_help"),
    path("import/mall.xlsx", views.import_template, name="import_template"),
]
