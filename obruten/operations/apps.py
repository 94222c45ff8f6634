from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Obruten: health, backup and restore, culling, the child's register extract."""

    name = "obruten.operations"
    verbose_name = "Drift"
