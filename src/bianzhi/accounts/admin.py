from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bianzhi.accounts.models import ApiToken, Department, User, UserRole
from bianzhi.kernel.admin_mixins import ReadOnlyAdminMixin


class UserRoleInline(ReadOnlyAdminMixin, admin.TabularInline[UserRole, User]):
    model = UserRole
    extra = 0


@admin.register(User)
class UserAdmin(ReadOnlyAdminMixin, BaseUserAdmin[User]):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("区划与部门", {"fields": ("region", "department")}),
    )
    list_display = ("username", "first_name", "region", "is_active", "is_superuser")
    inlines = [UserRoleInline]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Department]):
    list_display = ("name", "county")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ApiToken]):
    # No key_hash: even a hash is of no use on screen. Revoke on /accounts/tokens/.
    list_display = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("key_hash",)
