from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo command: it composes the demo data of every app, so it lives above them."""

    name = "obruten.demo"
    label = "demo"
    verbose_name = "Demo"
