from django.contrib import admin
from django.urls import include, path

from obruten.register import views as register_views

urlpatterns = [
    path("", register_views.home, name="home"),
    path("konto/", include("obruten.accounts.urls")),
    path("konto/", include("obruten.sso.urls")),
    path("konto/nyckel/", include("obruten.sso.webauthn_urls")),
    path("", include("obruten.register.urls")),
    path("", include("obruten.audit.urls")),
    path("", include("obruten.followup.urls")),
    path("", include("obruten.obligations.urls")),
    path("", include("obruten.teaching.urls")),
    path("", include("obruten.statistics.urls")),
    path("", include("obruten.participation.urls")),
    path("", include("obruten.casework.urls")),
    path("", include("obruten.teams.urls")),
    path("", include("obruten.operations.urls")),
    path("", include("obruten.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
