from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "obruten.audit"
    label = "audit"
    verbose_name = "Loggning"
