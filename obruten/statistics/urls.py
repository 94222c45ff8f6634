from django.urls import path

from . import pack_views, views

app_name = "statistics"
urlpatterns = [
    path("statistik/", views.index, name="index"),
    path("statistik/manadsfil/", views.monthly, name="monthly"),
    path("statistik/manadsfil/export", views.monthly_export, name="monthly_export"),
    path("statistik/tertialpaket.<str:fmt>", pack_views.pack, name="pack"),
    path("statistik/<slug:name>/", views.report, name="report"),
    path("statistik/<slug:name>/ladda-ned.<str:fmt>", views.download, name="download"),
]
