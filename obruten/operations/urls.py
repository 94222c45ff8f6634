from django.urls import path

from . import health, views

app_name = "operations"
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("barn/<int:child_id>/registerutdrag.xlsx", views.extract_xlsx, name="extract_xlsx"),
    path("barn/<int:child_id>/registerutdrag.pdf", views.extract_pdf, name="extract_pdf"),
]
