from django.urls import path

from . import views

app_name = "teaching"
urlpatterns = [
    path("barn/<int:child_id>/undervisning/", views.child_teaching, name="child"),
    path("larteamet/undervisning/", views.report, name="report"),
]
