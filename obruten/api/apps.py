from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "obruten.api"
    label = "api"
    verbose_name = "API"
