from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "obruten.teams"
    label = "teams"
    verbose_name = "Arbetsgrupper"
