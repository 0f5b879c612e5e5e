"""Monitoring snapshots: the key figures of one township on one date.

Figures are stored as JSON (``bianzhi.reports.figures.INDICATORS`` names
them), so adding an indicator needs no migration and an old snapshot keeps
exactly what was measured then.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Snapshot(models.Model):
    region = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="snapshots"
    )
    taken_on = models.DateField("监测日期", db_index=True)
    figures = models.JSONField("指标", default=dict)
    taken_at = models.DateTimeField(auto_now=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "监测快照"
        verbose_name_plural = "监测快照"
        ordering = ["region__code", "-taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["region", "taken_on"], name="snapshot_unique_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.taken_on}"


class MainDuty(models.Model):
    """主要职责 of a township (``institution`` empty) or of one of its
    institutions, by functional area (领域), as the 三定方案 states them in
    "一、主要职责" before the summary of the powers list. Replaced as a whole
    per township by an import or an edit; the audit log keeps every version."""

    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.CASCADE, related_name="main_duties"
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="main_duties",
    )
    area = models.CharField("领域", max_length=50)
    text = models.TextField("职责")
    position = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "主要职责"
        verbose_name_plural = "主要职责"
        ordering = ["township__code", "position", "id"]

    def __str__(self) -> str:
        return f"{self.township.name} {self.area}"
