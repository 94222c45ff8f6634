from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "obruten.statistics"
    label = "statistics"
    verbose_name = "Statistik"
