from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "obruten.followup"
    label = "followup"
    verbose_name = "Uppföljning"

    def ready(self) -> None:
        from obruten.audit import records

        # A child's records, checked against the audit log (obruten audit verify --records).
        records.register("followup.FollowUp", "child", added={"programme": "", "school_id": None})
        records.register("followup.SubjectResult", "follow_up__child")
        records.register("followup.FinalGrades", "child")
        records.register("followup.Intervention", "child")
        records.register("followup.ChainStepRecord", "placement__child")
        # Registered after states were first stored: part of states written since (version 2).
        records.register("followup.UpperSecondaryQualification", "child", since=2)

        from obruten.register import signals

        from . import services

        signals.school_start_recorded.connect(services.on_school_start_recorded, dispatch_uid="followup")
