from django.apps import AppConfig


class TeachingConfig(AppConfig):
    name = "obruten.teaching"
    label = "teaching"
    verbose_name = "Teaching"

    def ready(self) -> None:
        from obruten.audit import records

        # A child's records, checked against the audit log (obruten audit verify --records).
        records.register("teaching.TeachingWeek", "child")

        from obruten.register import signals

        from . import services

        signals.school_start_checking.connect(services.on_school_start_checking, dispatch_uid="teaching")
