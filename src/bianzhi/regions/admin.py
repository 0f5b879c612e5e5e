from django.contrib import admin

from bianzhi.regions.models import Region
from bianzhi.kernel.admin_mixins import ReadOnlyAdminMixin


@admin.register(Region)
class RegionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Region]):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")
