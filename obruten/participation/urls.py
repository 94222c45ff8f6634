from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("barn/<int:child_id>/barnets-rost/ny/", views.create, name="create"),
    path("barn/<int:child_id>/barnets-rost/<int:invitation_id>/", views.detail, name="detail"),
    path("barn/<int:child_id>/barnets-rost/<int:invitation_id>/atgard/", views.action, name="action"),
    path(
        "barn/<int:child_id>/barnets-rost/<int:invitation_id>/kvittera/",
        views.acknowledge,
        name="acknowledge",
    ),
    path("q/<str:token>/", views.answer, name="answer"),
]
