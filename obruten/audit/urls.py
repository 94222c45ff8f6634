from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("barn/<int:child_id>/logg/", views.child_trail, name="child_trail"),
    path("barn/<int:child_id>/logg/logg.xlsx", views.child_trail_xlsx, name="child_trail_xlsx"),
]
