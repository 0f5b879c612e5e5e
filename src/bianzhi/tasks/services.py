"""Writes of the work-plan app: plans and task imports, progress reports,
close-out (销号), supervision rounds and findings; the inbox messages they
send go through ``bianzhi.inbox`` (the daily digest's part is ``digest.py``).

Every function is keyword-only, atomic and audited. ``actor`` is the acting
user (None for the command line and the demo, which act as "系统" and skip
the permission checks); a user without the right gets ``PermissionDenied``.
The rules (which transition is allowed, what close-out needs) are in
``bianzhi.core.tasks``; this module applies them to the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from bianzhi.accounts.models import Role, User
from bianzhi.accounts.scope import Scope, scope_for
from bianzhi.adapters.xlsx_tasks import TaskRow
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many, field_values
from bianzhi.core.tasks import (
    Cadence,
    CloseoutFacts,
    FindingStatus,
    TaskStatus,
    closeout_approve_problems,
    closeout_request_problems,
    transition_problem,
)
from bianzhi.inbox.kinds import NotificationKind
from bianzhi.inbox.services import notification_create
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Region
from bianzhi.tasks.attachments import CheckedUpload, Upload, check_uploads
from bianzhi.tasks.models import (
    Attachment,
    Finding,
    ProgressReport,
    ReportKind,
    SupervisionRound,
    Task,
    WorkPlan,
)
from bianzhi.tasks.notifications import FINDING

REPORTING_ROLES = frozenset({Role.OFFICER, Role.TOWNSHIP, Role.DEPARTMENT})


# --- permissions ---------------------------------------------------------------------


def may_report(scope: Scope, region: Region) -> bool:
    """Units report progress and ask for close-out: 编办管理员, 乡镇用户, 部门用户 in scope."""
    if scope.is_superuser:
        return True
    return scope.can_view(region) and bool(scope.roles & REPORTING_ROLES)


def reportable_units(*, actor: User | None, task: Task) -> list[str]:
    """The units in whose name ``actor`` may report progress on ``task`` or ask
    for its close-out: the task's 牵头单位 and 责任单位; for a 部门用户 (a user
    with a department, unless also 编办管理员) only their own department, if it
    is one of them. The command line and the demo (``actor`` None) may use any."""
    units = task.units
    if actor is None:
        return units
    scope = _scope(actor)
    if scope.is_superuser or Role.OFFICER in scope.roles:
        return units
    if scope.department_id is not None or Role.DEPARTMENT in scope.roles:
        department = actor.department.name if actor.department is not None else None
        return [u for u in units if u == department]
    return units


def _reporting_unit(*, actor: User | None, task: Task, unit: str) -> str:
    """``unit`` if ``actor`` may report in its name on ``task``, else a
    ServiceError saying why (a unit of another task could otherwise be
    credited with, or blamed for, this task's progress)."""
    unit = unit.strip()
    allowed = reportable_units(actor=actor, task=task)
    if unit in allowed:
        return unit
    if not unit:
        raise ServiceError("请选择报送单位。")
    if unit not in task.units:
        raise ServiceError(f"“{unit}”不是该任务的牵头单位或责任单位。")
    department = getattr(getattr(actor, "department", None), "name", None)
    if department is None:
        raise ServiceError("部门用户须关联所属部门后才能报送。")
    raise ServiceError(f"部门用户只能以本部门（{department}）的名义报送。")


def _check(actor: User | None, allowed: bool) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied("无权进行该操作")


def _scope(actor: User | None) -> Scope:
    return scope_for(actor)


# --- plans and imports ---------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: User | None,
    region: Region,
    title: str,
    source: str = "",
    document_number: str = "",
    issued_on: dt.date | None = None,
    cadence: Cadence = Cadence.HALF_MONTH,
) -> WorkPlan:
    _check(actor, actor is None or _scope(actor).can_edit(region))
    title = title.strip()
    if not title:
        raise ServiceError("方案名称不能为空。")
    if WorkPlan.objects.filter(region=region, title=title).exists():
        raise ServiceError(f"{region.name}已有名为“{title}”的工作方案。")
    plan = WorkPlan.objects.create(
        region=region,
        title=title,
        source=source,
        document_number=document_number,
        issued_on=issued_on,
        cadence=cadence.value,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor, action="create", obj=plan, region_code=region.code, after=field_values(plan)
    )
    return plan


@transaction.atomic
def plan_import_tasks(*, actor: User | None, plan: WorkPlan, rows: Sequence[TaskRow]) -> list[Task]:
    """Add the rows of a task table to ``plan``, all or nothing.

    The rows were checked by ``adapters.xlsx_tasks.read_task_table``; here a
    序号 already used in the plan is refused (the whole import is, then).
    """
    _check(actor, actor is None or _scope(actor).can_edit(plan.region))
    taken = set(plan.tasks.values_list("seq", flat=True))
    clashes = [f"第 {r.row} 行：序号 {r.seq} 已存在于该方案。" for r in rows if r.seq in taken]
    if clashes:
        raise ServiceError(clashes)
    tasks = Task.objects.bulk_create(
        [
            Task(
                plan=plan,
                seq=r.seq,
                content=r.content,
                lead_units=list(r.lead_units),
                responsible_units=list(r.responsible_units),
                deadline=r.deadline,
                deadline_text=r.deadline_text,
            )
            for r in rows
        ]
    )
    # SQLite and PostgreSQL both return primary keys from bulk_create.
    audit_record_many(
        actor=actor,
        action="import",
        entries=(
            AuditEntry(
                object_type="tasks.task",
                object_id=str(t.pk),
                object_label=str(t),
                region_code=plan.region.code,
                after=field_values(t),
            )
            for t in tasks
        ),
        reason=f"导入任务清单：{plan.title}",
    )
    return tasks


@transaction.atomic
def plan_import(
    *,
    actor: User | None,
    region: Region,
    title: str,
    rows: Sequence[TaskRow],
    source: str = "",
    document_number: str = "",
    issued_on: dt.date | None = None,
) -> WorkPlan:
    """A new plan with the rows of its task table, in one transaction."""
    plan = plan_create(
        actor=actor,
        region=region,
        title=title,
        source=source,
        document_number=document_number,
        issued_on=issued_on,
    )
    plan_import_tasks(actor=actor, plan=plan, rows=rows)
    return plan


# --- progress and close-out ---------------------------------------------------------


def _store(
    *,
    actor: User | None,
    task: Task,
    files: Iterable[CheckedUpload],
    report: ProgressReport | None = None,
    finding: Finding | None = None,
    evidence: bool = False,
) -> list[Attachment]:
    stored = []
    for checked in files:
        checked.upload.seek(0)
        attachment = Attachment(
            task=task,
            report=report,
            finding=finding,
            original_name=checked.original_name,
            size=checked.size,
            content_type=checked.content_type,
            is_evidence=evidence,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        # The generated name, never the user's: upload_to puts it under tasks/<task id>/.
        attachment.file.save(checked.stored_name, ContentFile(checked.upload.read()), save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _locked(task: Task) -> Task:
    """The task row re-read under a row lock, so two units cannot race a transition."""
    return Task.objects.select_for_update(of=("self",)).select_related("plan__region").get(pk=task.pk)


def _facts(task: Task) -> CloseoutFacts:
    return CloseoutFacts(
        status=task.task_status,
        progress_reports=task.reports.filter(kind=ReportKind.PROGRESS).count(),
        evidence_files=task.attachments.filter(is_evidence=True).count(),
        open_findings=task.findings.exclude(status=FindingStatus.VERIFIED.value).count(),
    )


def _set_status(*, actor: User | None, task: Task, status: TaskStatus, reason: str) -> None:
    before = field_values(task, ["status"])
    task.status = status.value
    if status is TaskStatus.CLOSED:
        task.closed_at = clock.now()
        task.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    task.save()
    audit_record(
        actor=actor,
        action="approve" if status is TaskStatus.CLOSED else "update",
        obj=task,
        region_code=task.plan.region.code,
        before=before,
        after=field_values(task, ["status"]),
        reason=reason,
    )


@transaction.atomic
def task_report_progress(
    *, actor: User | None, task: Task, unit: str, text: str, files: Sequence[Upload] = ()
) -> ProgressReport:
    """A unit reports progress (with attachments); a task not started starts."""
    task = _locked(task)
    _check(actor, actor is None or may_report(_scope(actor), task.plan.region))
    if task.task_status in (TaskStatus.CLOSED, TaskStatus.CLOSE_REQUESTED):
        raise ServiceError(f"任务{task.get_status_display()}，不能再报送进展。")
    unit = _reporting_unit(actor=actor, task=task, unit=unit)
    if not text.strip():
        raise ServiceError("进展内容不能为空。")
    checked = check_uploads(list(files))
    report = ProgressReport.objects.create(
        task=task,
        kind=ReportKind.PROGRESS,
        unit=unit,
        text=text.strip(),
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _store(actor=actor, task=task, files=checked, report=report)
    audit_record(
        actor=actor,
        action="create",
        obj=report,
        region_code=task.plan.region.code,
        after={"task": task.pk, "unit": report.unit, "text": report.text, "files": len(checked)},
    )
    if task.task_status is TaskStatus.NOT_STARTED:
        _set_status(actor=actor, task=task, status=TaskStatus.IN_PROGRESS, reason="报送进展")
    return report


@transaction.atomic
def task_request_closeout(
    *, actor: User | None, task: Task, unit: str, text: str, files: Sequence[Upload]
) -> ProgressReport:
    """A unit asks for close-out (销号) with evidence; approvers are notified."""
    task = _locked(task)
    _check(actor, actor is None or may_report(_scope(actor), task.plan.region))
    unit = _reporting_unit(actor=actor, task=task, unit=unit)
    checked = check_uploads(list(files))
    facts = _facts(task)
    problems = closeout_request_problems(
        CloseoutFacts(facts.status, facts.progress_reports, len(checked), facts.open_findings)
    )
    if problems:
        raise ServiceError(problems)
    report = ProgressReport.objects.create(
        task=task,
        kind=ReportKind.CLOSEOUT_REQUEST,
        unit=unit,
        text=text.strip() or "任务已完成，申请销号。",
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _store(actor=actor, task=task, files=checked, report=report, evidence=True)
    _set_status(actor=actor, task=task, status=TaskStatus.CLOSE_REQUESTED, reason="申请销号")
    for approver in _approvers_of(task.plan.region):
        notification_create(
            user=approver,
            kind=NotificationKind.APPROVAL,
            title=f"待审核销号：{task.plan.title} 第{task.seq}项",
            body=f"{report.unit or '责任单位'}申请销号：{report.text}",
            url=reverse("tasks:task_detail", args=[task.pk]),
            key=f"approval:{task.pk}:{report.pk}",
        )
    return report


@transaction.atomic
def task_approve_closeout(*, actor: User | None, task: Task, text: str = "") -> Task:
    """An approver crosses the task off (销号)."""
    task = _locked(task)
    _check(actor, actor is None or _scope(actor).can_approve(task.plan.region))
    problems = closeout_approve_problems(_facts(task))
    if problems:
        raise ServiceError(problems)
    ProgressReport.objects.create(
        task=task,
        kind=ReportKind.CLOSEOUT_APPROVED,
        text=text.strip() or "经核实，准予销号。",
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _set_status(actor=actor, task=task, status=TaskStatus.CLOSED, reason="准予销号")
    _notify_requester(task, f"已销号：{task.plan.title} 第{task.seq}项", "closed")
    return task


@transaction.atomic
def task_reject_closeout(*, actor: User | None, task: Task, reason: str) -> Task:
    """An approver sends the request back; the task is in progress again."""
    task = _locked(task)
    _check(actor, actor is None or _scope(actor).can_approve(task.plan.region))
    problem = transition_problem(task.task_status, TaskStatus.IN_PROGRESS)
    if problem or task.task_status is not TaskStatus.CLOSE_REQUESTED:
        raise ServiceError(problem or "只有待销号的任务可以退回。")
    if not reason.strip():
        raise ServiceError("请填写退回理由。")
    ProgressReport.objects.create(
        task=task,
        kind=ReportKind.CLOSEOUT_REJECTED,
        text=reason.strip(),
        author=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _set_status(actor=actor, task=task, status=TaskStatus.IN_PROGRESS, reason=f"销号退回：{reason}")
    _notify_requester(task, f"销号被退回：{task.plan.title} 第{task.seq}项", "rejected")
    return task


def _notify_requester(task: Task, title: str, what: str) -> None:
    request = task.reports.filter(kind=ReportKind.CLOSEOUT_REQUEST).order_by("-id").first()
    if request is None or request.author is None:
        return
    notification_create(
        user=request.author,
        kind=NotificationKind.APPROVAL,
        title=title,
        url=reverse("tasks:task_detail", args=[task.pk]),
        key=f"{what}:{task.pk}:{request.pk}",
    )


# --- supervision rounds and findings ------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor: User | None,
    region: Region,
    held_on: dt.date,
    title: str,
    inspector: str = "",
    summary: str = "",
    plan: WorkPlan | None = None,
) -> SupervisionRound:
    _check(actor, actor is None or _scope(actor).can_edit(region))
    if plan is not None and not (plan.region == region or region.contains(plan.region)):
        raise ServiceError("督导的工作方案不属于该区划。")
    if not title.strip():
        raise ServiceError("督导名称不能为空。")
    item = SupervisionRound.objects.create(
        region=region,
        plan=plan,
        held_on=held_on,
        title=title.strip(),
        inspector=inspector.strip(),
        summary=summary.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor, action="create", obj=item, region_code=region.code, after=field_values(item)
    )
    return item


@transaction.atomic
def finding_create(
    *,
    actor: User | None,
    round: SupervisionRound,
    description: str,
    task: Task | None = None,
    unit: str = "",
    rectify_by: dt.date | None = None,
) -> Finding:
    """A problem found in a round; the units of the region are notified."""
    _check(actor, actor is None or _scope(actor).can_edit(round.region))
    if task is not None and not round.region.contains(task.plan.region):
        raise ServiceError("该任务不属于本轮督导的区划。")
    if not description.strip():
        raise ServiceError("发现问题不能为空。")
    finding = Finding.objects.create(
        round=round,
        task=task,
        unit=unit.strip(),
        description=description.strip(),
        rectify_by=rectify_by,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=finding,
        region_code=round.region.code,
        after=field_values(finding),
    )
    region = task.plan.region if task is not None else round.region
    for user in _reporters_of(region):
        notification_create(
            user=user,
            kind=FINDING,
            title=f"督导发现问题：{round.title}",
            body=finding.description,
            url=reverse("tasks:round_detail", args=[round.pk]),
            key=f"finding:{finding.pk}:new",
        )
    return finding


@transaction.atomic
def finding_rectify(
    *, actor: User | None, finding: Finding, text: str, files: Sequence[Upload] = ()
) -> Finding:
    """The unit reports the rectification (整改情况), with attachments."""
    finding = (
        # of=("self",): PostgreSQL refuses to lock the nullable side of the
        # outer join that select_related("task") makes.
        Finding.objects.select_for_update(of=("self",))
        .select_related("round__region", "task")
        .get(pk=finding.pk)
    )
    region = finding.task.plan.region if finding.task else finding.round.region
    _check(actor, actor is None or may_report(_scope(actor), region))
    if finding.status != FindingStatus.OPEN.value:
        raise ServiceError(f"该问题{FindingStatus(finding.status).label}，不能再报送整改。")
    if not text.strip():
        raise ServiceError("整改情况不能为空。")
    checked = check_uploads(list(files))
    before = field_values(finding, ["status", "rectification"])
    finding.rectification = text.strip()
    finding.status = FindingStatus.RECTIFIED.value
    finding.rectified_at = clock.now()
    finding.save()
    if finding.task is not None:
        _store(actor=actor, task=finding.task, files=checked, finding=finding)
    audit_record(
        actor=actor,
        action="update",
        obj=finding,
        region_code=region.code,
        before=before,
        after=field_values(finding, ["status", "rectification"]),
        reason="报送整改情况",
    )
    return finding


@transaction.atomic
def finding_verify(*, actor: User | None, finding: Finding) -> Finding:
    """The staffing office confirms the rectification (已核实)."""
    finding = Finding.objects.select_for_update(of=("self",)).select_related("round__region").get(pk=finding.pk)
    _check(actor, actor is None or _scope(actor).can_edit(finding.round.region))
    if finding.status != FindingStatus.RECTIFIED.value:
        raise ServiceError("只有已整改的问题可以核实。")
    before = field_values(finding, ["status"])
    finding.status = FindingStatus.VERIFIED.value
    finding.verified_at = clock.now()
    finding.verified_by = actor if getattr(actor, "is_authenticated", False) else None
    finding.save()
    audit_record(
        actor=actor,
        action="approve",
        obj=finding,
        region_code=finding.round.region.code,
        before=before,
        after=field_values(finding, ["status"]),
        reason="核实整改",
    )
    return finding


# --- who is told --------------------------------------------------------------------


def _users_over(region: Region) -> Any:
    """Active users whose region is ``region`` or one of its ancestors."""
    codes = [*region.ancestor_codes(), region.code]
    return User.objects.filter(is_active=True, region__code__in=codes)


def _approvers_of(region: Region) -> list[User]:
    return list(_users_over(region).filter(role_grants__role=Role.APPROVER).distinct())


def _reporters_of(region: Region) -> list[User]:
    return list(_users_over(region).filter(role_grants__role__in=list(REPORTING_ROLES)).distinct())
