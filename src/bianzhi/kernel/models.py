"""Shared state of the web layer that must outlive one process: the request
counters of the anonymous rate limit (``bianzhi.kernel.ratelimit``). In the
database, so every app server counts the same requests."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """Requests of one client address in one fixed time window."""

    # "<scope>:<address>:<window number>"
    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    # End of the window: the row is useless afterwards and gets deleted.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "访问频率计数"
        verbose_name_plural = "访问频率计数"

    def __str__(self) -> str:
        return f"{self.key} {self.count}"
