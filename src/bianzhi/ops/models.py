"""A backup archive the system wrote (by hand or on schedule) and whether it
was verified after writing."""

from __future__ import annotations

from django.db import models


class BackupStatus(models.TextChoices):
    RUNNING = "running", "正在备份"
    VERIFIED = "verified", "已校验"
    FAILED = "failed", "失败"
    DELETED = "deleted", "已按保留份数删除"


class BackupKind(models.TextChoices):
    MANUAL = "manual", "手动"
    SCHEDULED = "scheduled", "定时"


class BackupRecord(models.Model):
    path = models.CharField("文件", max_length=500)
    kind = models.CharField("方式", max_length=16, choices=BackupKind.choices)
    # One scheduled backup per slot (a day by default): several workers race
    # to create the row, the unique constraint lets exactly one win.
    slot = models.CharField("定时批次", max_length=32, null=True, blank=True, unique=True)
    status = models.CharField(
        "状态", max_length=16, choices=BackupStatus.choices, default=BackupStatus.RUNNING
    )
    size = models.BigIntegerField("大小（字节）", default=0)
    message = models.TextField("说明", blank=True)
    manifest = models.JSONField("清单", null=True, blank=True)
    created_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "备份"
        verbose_name_plural = "备份"

    def __str__(self) -> str:
        return f"备份 {self.path}（{self.get_status_display()}）"
