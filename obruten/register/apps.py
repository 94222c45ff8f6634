from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "obruten.register"
    label = "register"
    verbose_name = "Register"

    def ready(self) -> None:
        from obruten.audit import records

        # A child's records, checked against the audit log (obruten audit verify --records).
        records.register("register.Child", "pk")
        records.register(
            "register.Placement", "child", added={"exit_destination": "", "school_after_id": None}
        )
        records.register("register.SchoolStart", "placement__child", added={"late_reason": ""})
