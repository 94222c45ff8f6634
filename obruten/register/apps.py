from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "obruten.register"
    label = "register"
    verbose_name = "Register"
