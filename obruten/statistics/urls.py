from django.urls import path

from . import views

app_name = "statistics"
urlpatterns = [
    path("statistik/", views.index, name="index"),
    path("statistik/<slug:name>/", views.report, name="report"),
    path("statistik/<slug:name>/ladda-ned.<str:fmt>", views.download, name="download"),
]
