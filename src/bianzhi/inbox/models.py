"""The in-app inbox: one row per message and user, and one row per daily digest.

These models lived in ``tasks`` until the inbox became an app of its own;
migration 0001 takes over their tables and 0002 renames them (the rows stay).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bianzhi.inbox.kinds import KIND_MAX_LENGTH, kind_label


class Notification(models.Model):
    """One inbox message. ``key`` makes creation idempotent per user: the daily
    run can be repeated without duplicating messages."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # No choices=: the kinds are registered by the apps (bianzhi.inbox.kinds),
    # so a new kind needs no migration here.
    kind = models.CharField("类型", max_length=KIND_MAX_LENGTH)
    title = models.CharField("标题", max_length=255)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=255, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_key_unique")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


class DigestRun(models.Model):
    """One row per day the digest went out: ``bianzhi notify --once`` is a no-op
    the second time on the same day."""

    day = models.DateField(unique=True)
    ran_at = models.DateTimeField(auto_now_add=True)
    notifications = models.PositiveIntegerField(default=0)
    emails = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "每日提醒"
        verbose_name_plural = "每日提醒"
