from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "obruten.followup"
    label = "followup"
    verbose_name = "Uppföljning"
