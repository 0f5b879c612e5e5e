from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "bianzhi.audit"
    verbose_name = "变更记录"
