"""Recruitment plans and quota transfers of a county.

* ``RecruitmentPlan``: the county's 用编进人计划 for one year (001 §(三)3,
  002 §9, 000 §二.3): 草稿 while its entries are set, then 已下达 with a 文号.
* ``PlannedEntry``: planned entries of one township and quota type; never
  beyond the vacancy when saved (``core.staffing_plans.WITHIN_VACANCY``).
* ``QuotaTransfer``: one cross-level transfer (下沉编制 or its reverse, 上收)
  between a county body and a township or the county's reserve pool
  (``township`` is then the county itself, as in the quota ledger), with
  文号, date and count; it moves the township's approved quota or the reserve
  pool through ``townships.services.approved_quotas_apply`` (rule-guarded,
  recorded in the quota ledger with the same 文号). See docs/model.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bianzhi.townships.models import QuotaType


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已下达"


class RecruitmentPlan(models.Model):
    county = models.ForeignKey("regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issued_on = models.DateField("下达日期", null=True, blank=True)

    class Meta:
        verbose_name = "用编进人计划"
        verbose_name_plural = "用编进人计划"
        ordering = ["county__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="recruitment_plan_unique")]

    def __str__(self) -> str:
        return f"{self.county.name}{self.year}年用编进人计划"


class PlannedEntry(models.Model):
    plan = models.ForeignKey(RecruitmentPlan, verbose_name="计划", on_delete=models.CASCADE, related_name="entries")
    township = models.ForeignKey("regions.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+")
    quota_type = models.CharField("编制类型", max_length=10, choices=QuotaType.choices)
    count = models.PositiveIntegerField("计划进人数")

    class Meta:
        verbose_name = "计划进人"
        verbose_name_plural = "计划进人"
        ordering = ["township__code", "quota_type"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "township", "quota_type"], name="planned_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.township.name} {self.quota_type} {self.count}"


class Direction(models.TextChoices):
    DOWN = "down", "下沉（县级→乡镇）"
    UP = "up", "上收（乡镇→县级）"


class QuotaTransfer(models.Model):
    county = models.ForeignKey("regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="+")
    # A township, or the county itself for its reserve pool (机动编制).
    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇（街道）或县（机动编制）", on_delete=models.PROTECT, related_name="+"
    )
    county_body = models.CharField("县级机关或事业单位", max_length=100)
    direction = models.CharField("方向", max_length=4, choices=Direction.choices)
    quota_type = models.CharField("编制类型", max_length=10, choices=QuotaType.choices)
    count = models.PositiveIntegerField("编制数")
    document_number = models.CharField("文号", max_length=100)
    date = models.DateField("日期")
    reason = models.CharField("事由", max_length=255, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "跨层级编制调整"
        verbose_name_plural = "跨层级编制调整"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.county_body}→{self.holder_name} {self.quota_type}{self.count}（{self.document_number}）"

    @property
    def is_reserve(self) -> bool:
        """To or from the county's reserve pool rather than a township."""
        return bool(self.township.level == "county")

    @property
    def holder_name(self) -> str:
        return f"{self.township.name}机动编制" if self.is_reserve else self.township.name

    @property
    def signed_count(self) -> int:
        """The change to the holder's count and to the county total: + down, − up."""
        return self.count if self.direction == Direction.DOWN else -self.count
