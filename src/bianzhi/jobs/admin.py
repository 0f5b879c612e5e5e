from django.contrib import admin

from bianzhi.jobs.models import Job
from bianzhi.kernel.admin_mixins import ReadOnlyAdminMixin


@admin.register(Job)
class JobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Job]):
    list_display = ("id", "label", "status", "progress", "total", "created_by", "created_at")
    list_filter = ("status", "kind")
