from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("org/", views.ProviderSignIn.as_view(), name="sign_in"),
    path("org/svar/", views.ProviderCallback.as_view(), name="callback"),
    path("inget-konto/", views.no_account, name="no_account"),
    path("andra-faktorn/", views.second_factor, name="second_factor"),
]
