from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "nextsteps.audit"
    verbose_name = "Audit log"
