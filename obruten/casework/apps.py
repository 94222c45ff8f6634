from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "obruten.casework"
    label = "casework"
    verbose_name = "Casework"
