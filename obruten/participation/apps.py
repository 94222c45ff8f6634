from django.apps import AppConfig


class ParticipationConfig(AppConfig):
    name = "obruten.participation"
    label = "participation"
    verbose_name = "Barnets röst"

    def ready(self) -> None:
        from obruten.audit import records

        # An alert and its acknowledgement are part of the child's record (the answers,
        # written by the child without an account, are not: docs/audit-log.md).
        records.register("participation.Alert", "child")
