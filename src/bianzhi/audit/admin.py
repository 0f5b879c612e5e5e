from django.contrib import admin

from bianzhi.audit.models import AuditRecord
from bianzhi.web.admin_mixins import ReadOnlyAdminMixin


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
