from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "obruten.casework"
    label = "casework"
    verbose_name = "Casework"

    def ready(self) -> None:
        from obruten.audit import records

        # A child's records, checked against the audit log (obruten audit verify --records).
        records.register("casework.Transfer", "child")
        records.register("casework.ResponsibilityPeriod", "child")
