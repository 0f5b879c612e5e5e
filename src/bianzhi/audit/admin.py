from django.contrib import admin

from bianzhi.audit.models import AuditRecord, LoginEvent
from bianzhi.kernel.admin_mixins import ReadOnlyAdminMixin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AuditRecord]):
    """Read-only: the admin can list and view records, never add, change or delete."""

    list_display = (
        "at",
        "actor_name",
        "action",
        "object_type",
        "object_label",
        "region_code",
        "reason",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_label", "object_id", "region_code", "reason", "actor_name")
    actions = None


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[LoginEvent]):
    """Read-only, like the audit trail: the login history is append-only."""

    list_display = (
        "at",
        "username",
        "user",
        "succeeded",
        "reason",
        "locked_out",
        "channel",
        "client_address",
    )
    list_filter = ("succeeded", "reason", "channel")
    search_fields = ("username", "client_address", "user_agent")
    actions = None
