"""Dispatched agencies (派驻机构) and the annual assessments of agencies and
county departments.

* ``DispatchedAgency``: a county department's unit in a township, in mode
  派驻 or, after a handover, 属地管理 (000 §二.2, 001 §(二)2, 002 §3).
* ``AgencyHandover``: the record of one handover to local management, with
  the quotas and staff that moved with it ("编随事走、人随编走", 002 §3).
* ``HeadChange``: appointing or removing the head; cannot complete without
  the township's written opinion (000 §二.2, 001 §(二)2, 002 §3).
* ``QuotaChange`` / ``QuotaOpinion``: a change of the agency's quotas in
  the institutions ledger; cannot complete before every township it serves
  (its own and, for a 片区 agency, ``served_townships``) has given its
  written opinion, one each (002 §3).
* ``AssessmentFloor``: a region's floors for the township's weight
  (defaults 50% / 30% from bianzhi.core.duties); the nearest region up the
  tree that sets a floor wins.
* ``AgencyAssessment`` / ``DepartmentAssessment``: annual scores.
* ``Evaluation``: one score of the two-way evaluation between townships and
  county departments (002 §12).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# Types named in 001 §(二)2 and 003; the field is free text so a county can
# add its own (e.g. 农业服务中心) without a code change.
AGENCY_TYPES: tuple[str, ...] = (
    "法庭",
    "检察室",
    "司法所",
    "派出所",
    "市场监管所",
    "自然资源和规划所",
    "财政所",
)


# Types 001 §(二)2 (and 000 §二.2, 003 §一(四)二是) keep dispatched in every
# text: the default of ``DispatchedAgency.vertical``. 001 §(二)2 also names
# 市场监管所 and 自然资源所, which 003 shows handed down in practice, so for
# those the county decides (the flag on the agency).
VERTICAL_TYPES: tuple[str, ...] = ("法庭", "检察室", "派出所", "司法所")
VERTICAL_SOURCE = "001 §(二)2"


class Mode(models.TextChoices):
    DISPATCHED = "dispatched", "派驻"
    LOCAL = "local", "属地管理"


class DispatchedAgency(models.Model):
    township = models.ForeignKey(
        "regions.Region", verbose_name="所在乡镇", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("机构名称", max_length=100)
    agency_type = models.CharField("类型", max_length=30)
    # 001 §(二)2: agencies the Party centre or the province keeps dispatched
    # "不作调整": never handed over to local management.
    vertical = models.BooleanField("实行派驻、不作调整", default=False)
    managing_department = models.ForeignKey(
        "accounts.Department", verbose_name="主管部门", on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField("管理方式", max_length=12, choices=Mode.choices, default=Mode.DISPATCHED)
    head_name = models.CharField("主要负责人", max_length=50, blank=True)
    # A 片区 agency serves townships besides the one it sits in; each of them
    # gives its opinion on a quota change (002 §3 所在乡镇党委意见).
    served_townships = models.ManyToManyField(
        "regions.Region", verbose_name="服务的其他乡镇（片区）", blank=True, related_name="+"
    )
    # The agency's record in the institutions ledger: a 派驻机构 institution of
    # the township while dispatched, the township's own institution after the
    # handover. Quotas and staff are read from there, never kept here.
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="机构台账",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "派驻机构"
        verbose_name_plural = "派驻机构"
        ordering = ["township__code", "agency_type", "id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="agency_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AgencyHandover(models.Model):
    """One handover to 属地管理 with what moved to the township."""

    agency = models.OneToOneField(
        DispatchedAgency, on_delete=models.PROTECT, related_name="handover"
    )
    handed_over_on = models.DateField("划转日期")
    document_number = models.CharField("文号", max_length=100)
    quota_moved = models.PositiveIntegerField("划转编制")
    staff_moved = models.PositiveIntegerField("随编划转人员")
    # What the institutions ledger recorded, when it did (see services).
    ledger_note = models.CharField("台账记录", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "属地管理划转"
        verbose_name_plural = "属地管理划转"


class HeadChangeKind(models.TextChoices):
    APPOINT = "appoint", "任命"
    REMOVE = "remove", "免职"


class HeadChangeStatus(models.TextChoices):
    PENDING = "pending", "征求乡镇意见中"
    COMPLETED = "completed", "已完成"


class HeadChange(models.Model):
    agency = models.ForeignKey(
        DispatchedAgency, on_delete=models.PROTECT, related_name="head_changes"
    )
    kind = models.CharField("事项", max_length=10, choices=HeadChangeKind.choices)
    person_name = models.CharField("人员姓名", max_length=50)
    status = models.CharField(
        "状态", max_length=10, choices=HeadChangeStatus.choices, default=HeadChangeStatus.PENDING
    )
    opinion_agrees = models.BooleanField("乡镇是否同意", null=True, blank=True)
    opinion_text = models.TextField("乡镇书面意见", blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion_at = models.DateTimeField("意见登记时间", null=True, blank=True)
    document_number = models.CharField("任免文号", max_length=100, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "负责人任免"
        verbose_name_plural = "负责人任免"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency.name} {self.get_kind_display()}{self.person_name}"


class QuotaChangeStatus(models.TextChoices):
    PENDING = "pending", "征求乡镇意见中"
    COMPLETED = "completed", "已完成"


class QuotaChange(models.Model):
    """A change of the agency's quotas (人员编制调整), as target balances of
    ledger items; written to the institutions ledger on completion."""

    agency = models.ForeignKey(
        DispatchedAgency, on_delete=models.PROTECT, related_name="quota_changes"
    )
    targets = models.JSONField("调整后编制", default=dict)
    reason = models.CharField("调整原因", max_length=255)
    status = models.CharField(
        "状态", max_length=10, choices=QuotaChangeStatus.choices, default=QuotaChangeStatus.PENDING
    )
    document_number = models.CharField("文号", max_length=100, blank=True)
    completed_on = models.DateField("生效日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "派驻机构编制调整"
        verbose_name_plural = "派驻机构编制调整"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency.name} 编制调整"


class ServedTownshipOpinion(models.Model):
    """A served township's written opinion on a pending change of a dispatched
    agency (002 §3), one per township and change: the fields both kinds share."""

    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    agrees = models.BooleanField("乡镇是否同意")
    text = models.TextField("乡镇党委书面意见")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField("意见登记时间")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.township.name}意见"


class QuotaOpinion(ServedTownshipOpinion):
    """One served township's written opinion on a quota change (revisable
    while the change is pending: the latest stands, the audit log keeps all)."""

    change = models.ForeignKey(QuotaChange, on_delete=models.PROTECT, related_name="opinions")

    class Meta:
        verbose_name = "编制调整乡镇意见"
        verbose_name_plural = "编制调整乡镇意见"
        ordering = ["township__code"]
        constraints = [
            models.UniqueConstraint(fields=["change", "township"], name="quota_opinion_once_per_township")
        ]


class HeadOpinion(ServedTownshipOpinion):
    """The written opinion on a head change of a township a 片区 agency serves
    besides its seat (the seat's own is on ``HeadChange``, which needs its
    consent, 001 §(二)2); one per township (002 §3)."""

    change = models.ForeignKey(HeadChange, on_delete=models.PROTECT, related_name="other_opinions")

    class Meta:
        verbose_name = "任免片区乡镇意见"
        verbose_name_plural = "任免片区乡镇意见"
        ordering = ["township__code"]
        constraints = [
            models.UniqueConstraint(fields=["change", "township"], name="head_opinion_once_per_township")
        ]


class AssessmentFloor(models.Model):
    """A region's floors (percent) for the township's weight in assessments;
    empty keeps the value of the region above (or the policy default)."""

    region = models.OneToOneField(
        "regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    agency_floor = models.DecimalField(
        "派驻机构考核乡镇权重下限（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    department_floor = models.DecimalField(
        "县直部门考核乡镇权重下限（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "考核权重下限"
        verbose_name_plural = "考核权重下限"

    def __str__(self) -> str:
        return f"{self.region.name} 考核权重下限"


class AgencyAssessment(models.Model):
    agency = models.ForeignKey(
        DispatchedAgency, on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField("年度")
    township_weight = models.DecimalField("乡镇评价权重（%）", max_digits=5, decimal_places=2)
    township_score = models.DecimalField("乡镇评价得分", max_digits=5, decimal_places=2)
    department_score = models.DecimalField("主管部门考核得分", max_digits=5, decimal_places=2)
    total = models.DecimalField("综合得分", max_digits=5, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "派驻机构年度考核"
        verbose_name_plural = "派驻机构年度考核"
        ordering = ["-year", "-total"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="agency_assessment_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.agency.name}"


class DepartmentAssessment(models.Model):
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    township_weight = models.DecimalField("乡镇评价权重（%）", max_digits=5, decimal_places=2)
    township_score = models.DecimalField("乡镇评价得分", max_digits=5, decimal_places=2)
    other_score = models.DecimalField("其他考核得分", max_digits=5, decimal_places=2)
    total = models.DecimalField("综合得分", max_digits=5, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "县直部门年度绩效考核"
        verbose_name_plural = "县直部门年度绩效考核"
        ordering = ["-year", "-total"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"], name="department_assessment_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.department.name}"


class Direction(models.TextChoices):
    TOWNSHIP_TO_DEPARTMENT = "t2d", "乡镇评议部门"
    DEPARTMENT_TO_TOWNSHIP = "d2t", "部门评议乡镇"


class Evaluation(models.Model):
    year = models.PositiveSmallIntegerField("年度")
    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name="部门", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    comment = models.CharField("评语", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "双向考核评议"
        verbose_name_plural = "双向考核评议"
        ordering = ["-year", "direction", "township__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "direction", "township", "department"], name="evaluation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.get_direction_display()} {self.township.name}—{self.department.name}"
