from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("arbetsgrupper/", views.manage, name="manage"),
]
