from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "obruten.accounts"
    label = "accounts"
    verbose_name = "Användare"
