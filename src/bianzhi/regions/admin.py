from django.contrib import admin

from bianzhi.kernel.admin_mixins import ReadOnlyAdminMixin
from bianzhi.regions.models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Region]):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")
