from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "obruten.obligations"
    label = "obligations"
    verbose_name = "Åligganden"

    def ready(self) -> None:
        from obruten.audit import records

        from . import services

        # Every write about a child is audited in its transaction; recompute there.
        records.on_write(services.recompute_for_writes)
