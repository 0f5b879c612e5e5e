"""The real-name roster (实名制): one row per person who holds (or, when
borrowed in, works on) a township quota.

The identity number is unique among persons on the roster (not exited) in
the whole system (a partial unique constraint), so one person cannot hold two
quotas. Gender and birth date are derived from it on every write and stored
only so lists can sort and filter on them.

A person who leaves (出编) keeps the row with `exited_on` set: it is the
history of the county that held the person. Entering the person again in the
same county reuses that row; entering them in another county (or where the
user may not edit the old row) creates a new row whose `previous` points to
the old one, so the old county's record and audit trail stay where they were
and the new county learns nothing of them (see README “出编后再入编、跨县流动”).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bianzhi.core.rules import EXCELLENT, PersonStatus
from bianzhi.institutions.models import QuotaType


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high-school", "高中及以下"


class PostCategory(models.TextChoices):
    LEADER = "leader", "领导"
    MIDDLE = "middle", "中层"
    GENERAL = "general", "一般"


class EntryWay(models.TextChoices):
    EXAM = "exam", "考录"
    SELECTION = "selection", "选调"
    TRANSFER = "transfer", "转任"
    MILITARY = "military", "军转安置"
    RECRUITMENT = "recruitment", "公开招聘"
    OTHER = "other", "其他"


class Status(models.TextChoices):
    """Values are the engine's (bianzhi.core.rules.PersonStatus)."""

    ON_POST = PersonStatus.ON_POST.value, "在岗"
    SECONDED_OUT = PersonStatus.SECONDED_OUT.value, "借调出"
    BORROWED_IN = PersonStatus.BORROWED_IN.value, "借入"
    OTHER_ABSENCE = PersonStatus.OTHER_ABSENCE.value, "其他离岗"


class Grade(models.TextChoices):
    """Annual assessment grades; the value is the Chinese grade the rules count."""

    EXCELLENT = EXCELLENT, "优秀"
    COMPETENT = "称职", "称职"
    BASIC = "基本称职", "基本称职"
    INCOMPETENT = "不称职", "不称职"


class Person(models.Model):
    # Unique only among persons in post (Meta.constraints): exited rows are the
    # history of the regions that held the person and may share the number.
    id_number = models.CharField("身份证号", max_length=18, db_index=True)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    # The township whose quota the person holds (借入: the township worked in).
    region = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="persons"
    )
    quota_type = models.CharField("编制类型", max_length=10, choices=QuotaType.choices)
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
    )
    post_category = models.CharField(
        "岗位类别", max_length=10, choices=PostCategory.choices, default=PostCategory.GENERAL
    )
    is_enforcement_staff = models.BooleanField("执法人员", default=False)
    entry_date = models.DateField("入编日期", null=True, blank=True)
    entry_way = models.CharField(
        "入编方式", max_length=20, choices=EntryWay.choices, default=EntryWay.OTHER
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.ON_POST
    )
    secondment_unit = models.CharField("借调单位", max_length=100, blank=True)
    secondment_start = models.DateField("借调开始日期", null=True, blank=True)
    secondment_end = models.DateField("借调结束日期", null=True, blank=True)
    service_period_end = models.DateField("服务期满日期", null=True, blank=True)
    certificate_number = models.CharField("执法证号", max_length=50, blank=True)
    certificate_expiry = models.DateField("执法证有效期至", null=True, blank=True)
    assessment_grade = models.CharField(
        "年度考核", max_length=10, choices=Grade.choices, blank=True
    )
    exited_on = models.DateField("出编日期", null=True, blank=True)
    exit_reason = models.CharField("出编原因", max_length=255, blank=True)
    # The exited record (usually another county's) this person left before
    # being entered here; never shown to users who cannot see that record.
    previous = models.ForeignKey(
        "self",
        verbose_name="此前的记录",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_entries",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "实名制人员"
        verbose_name_plural = "实名制人员"
        ordering = ["region__code", "id"]
        indexes = [
            models.Index(fields=["region", "quota_type"], name="person_region_quota_idx"),
            models.Index(fields=["status"], name="person_status_idx"),
            # Covers the dashboards' per-region tallies (every column they
            # count by), so that a province's 150,000 persons are counted
            # from the index in region order without reading the rows.
            models.Index(
                fields=["region", "exited_on", "status", "quota_type", "post_category",
                        "is_enforcement_staff", "certificate_expiry"],
                name="person_region_tally_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(exited_on__isnull=True),
                name="person_id_number_in_post_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def on_roster(self) -> bool:
        return self.exited_on is None


class EntryAttempt(models.Model):
    """One submission of the 入编 form, kept about a minute for its rate limit
    (services.entry_attempt_allow). The form tells whether an identity number
    is registered elsewhere, so it must not serve as a fast oracle; the count
    lives in the database because several stateless app servers share it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "入编提交记录"
        verbose_name_plural = "入编提交记录"
        indexes = [models.Index(fields=["user", "at"], name="entry_attempt_user_at_idx")]
