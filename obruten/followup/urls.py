from django.urls import path

from . import correction_views, views

app_name = "followup"
urlpatterns = [
    path("barn/<int:child_id>/uppfoljningar/ny/", views.follow_up_create, name="create"),
    path("barn/<int:child_id>/uppfoljningar/<int:follow_up_id>/", views.follow_up_detail, name="detail"),
    path(
        "barn/<int:child_id>/uppfoljningar/<int:follow_up_id>/rattelse/",
        correction_views.follow_up_correct,
        name="correct",
    ),
    path("barn/<int:child_id>/slutbetyg/", views.final_grades, name="final_grades"),
    path("skolfam/malgrupp/", views.skolfam_target_group, name="skolfam_target_group"),
    path(
        "barn/<int:child_id>/gymnasieexamen/",
        views.upper_secondary_qualification,
        name="upper_secondary_qualification",
    ),
    path("barn/<int:child_id>/insatser/ny/", views.intervention_create, name="intervention_create"),
    path(
        "barn/<int:child_id>/insatser/<int:intervention_id>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path(
        "barn/<int:child_id>/placeringar/<int:placement_id>/kedja/<int:step_id>/",
        views.chain_step,
        name="chain_step",
    ),
    path(
        "barn/<int:child_id>/placeringar/<int:placement_id>/kedja/<int:step_id>/andra/",
        correction_views.chain_step_correct,
        name="chain_step_correct",
    ),
]
