from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "obruten.participation"
    label = "participation"
    verbose_name = "Barnets röst"
