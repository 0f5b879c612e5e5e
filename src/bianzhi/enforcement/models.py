"""The enforcement registers of a township (综合行政执法).

* ``EnforcementTeam``: one per township — the leader in charge of
  enforcement (分管执法的领导) and the head of the enforcement office
  (执法办主任, held by a leadership member: 000 §二.4), both persons of the
  roster.
* ``Case`` (执法案件台账) with its full-process records (``CaseRecord`` and
  their checked ``CaseFile`` attachments) and its transfer to a county
  department (``CaseTransfer``, with the receipt).
* ``JointMeeting`` (联席会议): dated records with participants and
  decisions, linked to work-plan tasks.

The enforcement matters list (执法事项清单) is not stored: it is read from
the township's powers list (``selectors.matter_list``), so it can never
disagree with it. A case keeps the code and name of its matter as they were.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bianzhi.core.enforcement import CASE_STATUS_LABELS, CaseStatus

CASE_STATUS_CHOICES = [(s.value, label) for s, label in CASE_STATUS_LABELS.items()]


class PartyKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class EnforcementTeam(models.Model):
    township = models.OneToOneField(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    leader_in_charge = models.ForeignKey(
        "roster.Person", verbose_name="分管执法的领导", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    office_head = models.ForeignKey(
        "roster.Person", verbose_name="综合行政执法办公室主任", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "综合行政执法办公室"
        verbose_name_plural = "综合行政执法办公室"

    def __str__(self) -> str:
        return f"{self.township.name}综合行政执法办公室"


class Case(models.Model):
    township = models.ForeignKey(
        "regions.Region", verbose_name="乡镇", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("案件编号", max_length=60)
    matter_code = models.CharField("事项编码", max_length=50)
    matter_name = models.CharField("执法事项", max_length=200)
    power_type = models.CharField("权力类型", max_length=10)
    party_kind = models.CharField("当事人类型", max_length=20, choices=PartyKind.choices)
    party_name = models.CharField("当事人", max_length=200)
    # A person's identity number or an organisation's credit code, checked;
    # shown masked everywhere except to those who may edit the case.
    party_id = models.CharField("证件号码", max_length=18)
    summary = models.TextField("案情摘要", blank=True)
    filed_on = models.DateField("立案日期")
    investigated_on = models.DateField("调查日期", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    decision = models.TextField("处理决定", blank=True)
    penalty_amount = models.DecimalField(
        "罚款金额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        "状态", max_length=20, choices=CASE_STATUS_CHOICES, default=CaseStatus.FILED.value,
        db_index=True,
    )
    is_major = models.BooleanField("重大执法决定", default=False)
    legal_reviewed_on = models.DateField("法制审核日期", null=True, blank=True)
    legal_reviewer = models.CharField("法制审核人员", max_length=50, blank=True)
    legal_review_opinion = models.TextField("法制审核意见", blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执法案件"
        verbose_name_plural = "执法案件"
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["township", "number"], name="case_number_unique")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def case_status(self) -> CaseStatus:
        return CaseStatus(self.status)


class CaseRecord(models.Model):
    """One entry of the full-process record (执法全过程记录)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    stage = models.CharField("环节", max_length=20)
    text = models.TextField("记录内容")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执法全过程记录"
        verbose_name_plural = "执法全过程记录"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.stage}：{self.text[:20]}"


def _case_file_path(instance: CaseFile, filename: str) -> str:
    return f"enforcement/{instance.record.case_id}/{filename}"


class CaseFile(models.Model):
    """A checked attachment of a record; the stored name is generated."""

    record = models.ForeignKey(CaseRecord, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_case_file_path, max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "记录附件"
        verbose_name_plural = "记录附件"

    def __str__(self) -> str:
        return self.original_name


class CaseTransfer(models.Model):
    """A case moved to a county department (案件移送) and its receipt (回执)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="transfer")
    department = models.CharField("接收部门", max_length=100)
    transferred_on = models.DateField("移送日期")
    document_number = models.CharField("移送文书编号", max_length=100)
    reason = models.TextField("移送理由")
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    receipt_by = models.CharField("接收人", max_length=50, blank=True)
    receipt_note = models.CharField("回执说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "案件移送"
        verbose_name_plural = "案件移送"

    def __str__(self) -> str:
        return f"{self.case.number} → {self.department}"


class JointMeeting(models.Model):
    region = models.ForeignKey(
        "regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=200)
    participants = models.TextField("参会单位和人员")
    decisions = models.TextField("议定事项")
    tasks = models.ManyToManyField("tasks.Task", verbose_name="关联任务", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title
