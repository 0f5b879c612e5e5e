"""Allocation plans (测算方案): parameters, the inputs they ran on, the result.

A plan belongs to one county, or to a city across its counties (``mode``:
各县分别控制, each county its own total, floors and caps; or 全市统筹, one
total over all the city's townships; see ``allocation.engine``). Its life: 草稿 (draft: parameters only) →
已测算 (computed: ``inputs`` and ``results`` are filled and one
``PlanAllocation`` row per township and quota type stored) → 已批准
(approved: immutable; the townships' approved quotas became the plan's
allocations). Changing the parameters of a computed plan sends it back to
draft. Only ``bianzhi.allocation.services`` changes plans.

``params`` holds one entry per quota type, keyed by the engine's quota-type
name, each with everything ``AllocationParams`` needs except the per-township
figures (see ``services.params_from_json``)::

    {"行政编制": {"total": 160, "reserve": "5%", "method": "webster",
                 "weights": {"人口": 0.4, ...}, "floors": {"一般乡镇": 15},
                 "caps": {}, "coefficients": {}, "no_decrease": false,
                 "max_step": null}}

``inputs`` is the snapshot the engine saw at run time (townships, classes,
indicator values, current approved quotas), so that a result can be
re-derived and explained later whatever happens to the live data.
``results`` holds, per quota type, the export adapter's JSON document.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    COMPUTED = "computed", "已测算"
    APPROVED = "approved", "已批准"


class PlanMode(models.TextChoices):
    COUNTY = "county", "本县测算"
    PER_COUNTY = "per_county", "各县分别控制"
    POOLED = "pooled", "全市统筹"


class AllocationPlan(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="区划",
        on_delete=models.PROTECT,
        related_name="allocation_plans",
    )
    name = models.CharField("方案名称", max_length=100)
    # A county plan is always COUNTY; a city plan PER_COUNTY or POOLED, fixed at creation.
    mode = models.CharField(
        "测算方式", max_length=12, choices=PlanMode.choices, default=PlanMode.COUNTY
    )
    year = models.PositiveSmallIntegerField("指标年度")
    status = models.CharField(
        "状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    params = models.JSONField("测算参数", default=dict)
    inputs = models.JSONField("测算输入", null=True, blank=True)
    results = models.JSONField("测算结果", null=True, blank=True)
    # Chinese messages of the engine (AllocationError.problems) of the last run.
    problems = models.JSONField("问题", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    computed_at = models.DateTimeField("测算时间", null=True, blank=True)
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document_number = models.CharField("文号", max_length=100, blank=True)
    approval_date = models.DateField("批准日期", null=True, blank=True)

    class Meta:
        verbose_name = "测算方案"
        verbose_name_plural = "测算方案"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}年）"

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED

    @property
    def is_city_plan(self) -> bool:
        return self.mode != PlanMode.COUNTY

    @property
    def quota_types(self) -> list[str]:
        return list(self.params)


class PlanAllocation(models.Model):
    """One township's result for one quota type of a computed plan."""

    plan = models.ForeignKey(
        AllocationPlan, verbose_name="测算方案", on_delete=models.CASCADE, related_name="allocations"
    )
    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    quota_type = models.CharField("编制类型", max_length=10)
    township_class = models.CharField("乡镇类别", max_length=20)
    score = models.FloatField("综合得分")
    quota = models.FloatField("理论编制数")
    allocation = models.PositiveIntegerField("测算编制")
    current = models.PositiveIntegerField("现有编制", null=True, blank=True)
    change = models.IntegerField("增减", null=True, blank=True)
    bound = models.CharField("约束", max_length=20)

    class Meta:
        verbose_name = "测算结果"
        verbose_name_plural = "测算结果"
        ordering = ["plan", "quota_type", "township__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "township", "quota_type"], name="plan_allocation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.township.name} {self.quota_type} {self.allocation}"
