"""Townships as the staffing office sees them: class, indicators, approved quotas.

The township itself is a ``regions.Region`` of level township; this app hangs
everything else off it:

* ``CountySettings``: the county's class scheme (001's five classes, the
  default, or 002's 一类/二类/三类);
* ``Township``: the township's class (a township without a row has the
  scheme's last class, 一般乡镇 or 三类);
* ``IndicatorDefinition``: the county's X indicators (name, unit); the three
  main indicators 人口/面积/经济 are fixed (``MAIN_INDICATOR_UNITS``);
* ``IndicatorValue``: one indicator of one township for one year;
* ``ApprovedQuota``: the township's approved quota (核定编制) per quota type;
* ``QuotaLedgerEntry``: the ledger (台账) of every change of an approved quota
  or of the county's reserve pool;
* ``CountyReserve``: the county's reserve pool (机动编制) per quota type;
* ``ControlNumber``: the control numbers issued from above (上级下达的控制数).

Class names and quota-type labels are stored as the Chinese labels the
engine (``bianzhi.core.allocation``) works with, so a plan's inputs read the
same in the database, the engine and the spreadsheets.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bianzhi.core.allocation import ADMIN_QUOTA, CLASSES_001, CLASSES_002, INSTITUTION_QUOTA

# Units of the three main indicators of the "3+X" model.
MAIN_INDICATOR_UNITS: dict[str, str] = {"人口": "人", "面积": "平方公里", "经济": "万元"}


class ClassScheme(models.TextChoices):
    FIVE_CLASSES = "001", "五类：县政府驻地镇、中心镇、重点镇、特色镇、一般乡镇"
    THREE_CLASSES = "002", "三类：一类、二类、三类"


SCHEME_CLASSES: dict[str, tuple[str, ...]] = {
    ClassScheme.FIVE_CLASSES: CLASSES_001,
    ClassScheme.THREE_CLASSES: CLASSES_002,
}


class QuotaType(models.TextChoices):
    """Values are the engine's quota-type names (行政编制, 事业编制)."""

    ADMIN = ADMIN_QUOTA, "行政编制"
    INSTITUTION = INSTITUTION_QUOTA, "事业编制"


# Stable ASCII keys for form fields and URLs.
QUOTA_TYPE_KEYS: dict[str, str] = {QuotaType.ADMIN: "admin", QuotaType.INSTITUTION: "institution"}


class CountySettings(models.Model):
    county = models.OneToOneField(
        "regions.Region",
        verbose_name="县",
        on_delete=models.PROTECT,
        related_name="township_settings",
    )
    class_scheme = models.CharField(
        "乡镇类别方案", max_length=3, choices=ClassScheme.choices, default=ClassScheme.FIVE_CLASSES
    )

    class Meta:
        verbose_name = "县乡镇类别方案"
        verbose_name_plural = "县乡镇类别方案"

    def __str__(self) -> str:
        return f"{self.county.name} 乡镇类别方案"

    @property
    def classes(self) -> tuple[str, ...]:
        return SCHEME_CLASSES[self.class_scheme]


class Township(models.Model):
    region = models.OneToOneField(
        "regions.Region",
        verbose_name="乡镇（街道）",
        on_delete=models.PROTECT,
        related_name="township_profile",
    )
    township_class = models.CharField("乡镇类别", max_length=20)

    class Meta:
        verbose_name = "乡镇类别"
        verbose_name_plural = "乡镇类别"

    def __str__(self) -> str:
        return f"{self.region.name}（{self.township_class}）"


class IndicatorDefinition(models.Model):
    """A county-defined X indicator of the "3+X" model."""

    county = models.ForeignKey(
        "regions.Region",
        verbose_name="县",
        on_delete=models.PROTECT,
        related_name="indicator_definitions",
    )
    name = models.CharField("指标名称", max_length=30)
    unit = models.CharField("单位", max_length=20, blank=True)

    class Meta:
        verbose_name = "自定义指标"
        verbose_name_plural = "自定义指标"
        ordering = ["county", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="indicator_unique_per_county")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class IndicatorValue(models.Model):
    township = models.ForeignKey(
        "regions.Region",
        verbose_name="乡镇（街道）",
        on_delete=models.PROTECT,
        related_name="indicator_values",
    )
    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=30)
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)
    source = models.CharField("来源", max_length=50, blank=True)

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        ordering = ["township__code", "year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "indicator"], name="indicator_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.township.name} {self.year} {self.indicator}={self.value}"


class ApprovedQuota(models.Model):
    """核定编制: changed only through ``approved_quota_set`` or a plan's approval,
    each change leaving a ``QuotaLedgerEntry``."""

    township = models.ForeignKey(
        "regions.Region",
        verbose_name="乡镇（街道）",
        on_delete=models.PROTECT,
        related_name="approved_quotas",
    )
    quota_type = models.CharField("编制类型", max_length=10, choices=QuotaType.choices)
    count = models.PositiveIntegerField("核定编制")

    class Meta:
        verbose_name = "核定编制"
        verbose_name_plural = "核定编制"
        ordering = ["township__code", "quota_type"]
        constraints = [
            models.UniqueConstraint(fields=["township", "quota_type"], name="approved_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.township.name} {self.quota_type} {self.count}"


class QuotaLedgerEntry(models.Model):
    """台账: one change of one approved quota, citing its 文号. A change of the
    county's reserve pool (``CountyReserve``) is an entry whose ``township``
    is the county itself (``is_reserve``)."""

    township = models.ForeignKey(
        "regions.Region",
        verbose_name="乡镇（街道）或县（机动编制）",
        on_delete=models.PROTECT,
        related_name="quota_ledger",
    )
    quota_type = models.CharField("编制类型", max_length=10, choices=QuotaType.choices)
    before = models.PositiveIntegerField("调整前", null=True, blank=True)
    after = models.PositiveIntegerField("调整后")
    document_number = models.CharField("文号", max_length=100)
    date = models.DateField("日期")
    plan = models.ForeignKey(
        "allocation.AllocationPlan",
        verbose_name="测算方案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    reason = models.CharField("原因", max_length=255, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "编制台账"
        verbose_name_plural = "编制台账"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.township.name} {self.quota_type} {self.before}→{self.after}（{self.document_number}）"

    @property
    def change(self) -> int:
        return self.after - (self.before or 0)

    @property
    def is_reserve(self) -> bool:
        """A change of the county's reserve pool, not of a township's quota."""
        return bool(self.township.level == "county")


class CountyReserve(models.Model):
    """机动编制 (001 §(三)2 "基本编制+机动编制"): the quota a county keeps
    back from its townships. Set by a plan's approval (the plan's reserve),
    lowered when part of it is assigned to a township; every change leaves a
    ``QuotaLedgerEntry`` on the county. Counted in the county total that
    "两个不减少" and the control numbers compare."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="quota_reserves"
    )
    quota_type = models.CharField("编制类型", max_length=10, choices=QuotaType.choices)
    count = models.PositiveIntegerField("机动编制")

    class Meta:
        verbose_name = "机动编制"
        verbose_name_plural = "机动编制"
        ordering = ["county__code", "quota_type"]
        constraints = [
            models.UniqueConstraint(fields=["county", "quota_type"], name="county_reserve_unique")
        ]

    def __str__(self) -> str:
        return f"{self.county.name} 机动{self.quota_type} {self.count}"


class ControlNumber(models.Model):
    """上级下达的控制数: the most a county's townships may hold of one quota
    type in total (reserve included), issued by a document. Rows are kept as
    history; the one in force on a day is the latest dated on or before it."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="control_numbers"
    )
    quota_type = models.CharField("编制类型", max_length=10, choices=QuotaType.choices)
    count = models.PositiveIntegerField("控制数")
    document_number = models.CharField("文号", max_length=100)
    date = models.DateField("下达日期")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "控制数"
        verbose_name_plural = "控制数"
        ordering = ["county__code", "quota_type", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.county.name} {self.quota_type} 控制数{self.count}（{self.document_number}）"
