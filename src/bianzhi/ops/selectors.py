"""Reads of the ops app: the list of backups (system administrators only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from bianzhi.accounts.scope import Scope
from bianzhi.ops.models import BackupRecord


def backup_list(*, scope: Scope) -> QuerySet[BackupRecord]:
    """Backups, newest first; nothing for anyone but a system administrator
    (a backup holds every county's data)."""
    if not scope.is_superuser:
        return BackupRecord.objects.none()
    return BackupRecord.objects.order_by("-created_at", "-id")


def backup_settings() -> dict[str, Any]:
    return {
        "folder": str(settings.BIANZHI_BACKUP_DIR),
        "interval_hours": settings.BIANZHI_BACKUP_INTERVAL_HOURS,
        "keep": settings.BIANZHI_BACKUP_KEEP,
    }
