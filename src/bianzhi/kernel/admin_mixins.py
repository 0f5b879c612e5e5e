"""The Django admin writes around the services and so around the audit trail:
every model is registered read-only; changes go through services (pages,
API, CLI), which audit them."""

from typing import Any


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
