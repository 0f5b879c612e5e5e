"""Work plans, their tasks, progress reports and supervision rounds (the inbox
is ``bianzhi.inbox``).

A plan belongs to a region (the township or county that issued it), and
everything under it is scoped through that region
(``scope.filter(qs, "plan__region")``). Task states and the rules between
them live in ``bianzhi.core.tasks``; these models only store them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bianzhi.core.tasks import STATUS_LABELS, Cadence, FindingStatus, TaskStatus

STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in TaskStatus]
CADENCE_CHOICES = [(c.value, c.label) for c in Cadence]
FINDING_CHOICES = [(s.value, s.label) for s in FindingStatus]


class WorkPlan(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区划",
        on_delete=models.PROTECT,
        related_name="work_plans",
    )
    title = models.CharField("方案名称", max_length=200)
    source = models.CharField("来源文件", max_length=255, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    cadence = models.CharField(
        "督导频次", max_length=20, choices=CADENCE_CHOICES, default=Cadence.HALF_MONTH.value
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "工作方案"
        verbose_name_plural = "工作方案"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "title"], name="workplan_title_unique_per_region"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    plan = models.ForeignKey(
        WorkPlan, verbose_name="工作方案", on_delete=models.CASCADE, related_name="tasks"
    )
    seq = models.PositiveIntegerField("序号")
    content = models.TextField("工作任务")
    lead_units = models.JSONField("牵头单位", default=list)
    responsible_units = models.JSONField("责任单位", default=list)
    deadline = models.DateField("完成时限", null=True, blank=True, db_index=True)
    deadline_text = models.CharField("完成时限（原文）", max_length=100, blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=STATUS_CHOICES,
        default=TaskStatus.NOT_STARTED.value,
        db_index=True,
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "工作任务"
        verbose_name_plural = "工作任务"
        ordering = ["plan_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="task_seq_unique_per_plan")
        ]

    def __str__(self) -> str:
        short = self.content if len(self.content) <= 30 else self.content[:30] + "…"
        return f"{self.seq}. {short}"

    @property
    def task_status(self) -> TaskStatus:
        return TaskStatus(self.status)

    @property
    def units(self) -> list[str]:
        """Lead units first, then responsible units, without repeats."""
        return list(dict.fromkeys([*self.lead_units, *self.responsible_units]))


class ReportKind(models.TextChoices):
    PROGRESS = "progress", "进展报送"
    CLOSEOUT_REQUEST = "closeout_request", "申请销号"
    CLOSEOUT_REJECTED = "closeout_rejected", "销号退回"
    CLOSEOUT_APPROVED = "closeout_approved", "准予销号"


class ProgressReport(models.Model):
    """One entry of a task's timeline: a progress report or a close-out step."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField("类型", max_length=20, choices=ReportKind.choices)
    unit = models.CharField("报送单位", max_length=100, blank=True)
    text = models.TextField("内容")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "任务进展"
        verbose_name_plural = "任务进展"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:20]}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is the safe name chosen by the service, under the task's folder.
    return f"tasks/{instance.task_id}/{filename}"


class Attachment(models.Model):
    """A file attached to a timeline entry or a finding's rectification.

    ``original_name`` is what the user uploaded (shown and used for download);
    the stored file name is generated and never comes from the user.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    finding = models.ForeignKey(
        "Finding", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小")
    content_type = models.CharField(max_length=100)
    is_evidence = models.BooleanField("佐证材料", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self) -> str:
        return self.original_name


class SupervisionRound(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区划",
        on_delete=models.PROTECT,
        related_name="supervision_rounds",
    )
    plan = models.ForeignKey(
        WorkPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="rounds"
    )
    held_on = models.DateField("督导日期")
    title = models.CharField("名称", max_length=200)
    inspector = models.CharField("督导单位", max_length=100, blank=True)
    summary = models.TextField("督导情况", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "巡回督导"
        verbose_name_plural = "巡回督导"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    round = models.ForeignKey(SupervisionRound, on_delete=models.CASCADE, related_name="findings")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )
    unit = models.CharField("整改单位", max_length=100, blank=True)
    description = models.TextField("发现问题")
    rectify_by = models.DateField("整改时限", null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=FINDING_CHOICES,
        default=FindingStatus.OPEN.value,
        db_index=True,
    )
    rectification = models.TextField("整改情况", blank=True)
    rectified_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "督导问题"
        verbose_name_plural = "督导问题"
        ordering = ["round_id", "id"]

    def __str__(self) -> str:
        return self.description[:40]
