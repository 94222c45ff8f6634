from django.apps import AppConfig


class TeachingConfig(AppConfig):
    name = "obruten.teaching"
    label = "teaching"
    verbose_name = "Teaching"
