"""Writes of the work-plan app: plans and task imports, progress reports,
close-out (销号), supervision rounds and findings, notifications.

Every function is keyword-only, atomic and audited. ``actor`` is the acting
user (None for the command line and the demo, which act as "系统" and skip
the permission checks); a user without the right gets ``PermissionDenied``.
The rules (which transition is allowed, what close-out needs) are in
``bianzhi.core.tasks``; this module applies them to the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from bianzhi.accounts.models import Role, User
from bianzhi.accounts.scope import Scope, scope_for
from bianzhi.adapters.xlsx_tasks import TaskRow
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many, snapshot
from bianzhi.core.tasks import (
    DEFAULT_WARN_DAYS,
    Cadence,
    CloseoutFacts,
    FindingStatus,
    TaskStatus,
    Urgency,
    classify,
    closeout_approve_problems,
    closeout_request_problems,
    transition_problem,
)
from bianzhi.regions.models import Region
from bianzhi.tasks.attachments import CheckedUpload, Upload, check_uploads
from bianzhi.tasks.models import (
    Attachment,
    DigestRun,
    Finding,
    Notification,
    NotificationKind,
    ProgressReport,
    ReportKind,
    SupervisionRound,
    Task,
    WorkPlan,
)

REPORTING_ROLES = frozenset({Role.OFFICER, Role.TOWNSHIP, Role.DEPARTMENT})


# --- permissions ---------------------------------------------------------------------


def may_report(scope: Scope, region: Region) -> bool:
    """Units report progress and ask for close-out: 编办管理员, 乡镇用户, 部门用户 in scope."""
    if scope.is_superuser:
        return True
    return scope.can_view(region) and bool(scope.roles & REPORTING_ROLES)


def reportable_units(*, actor: Any, task: Task) -> list[str]:
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
        department = actor.department.name if scope.department_id is not None else None
        return [u for u in units if u == department]
    return units


def _reporting_unit(*, actor: Any, task: Task, unit: str) -> str:
    """``unit`` if ``actor`` may report in its name on ``task``, else a
    ValidationError saying why (a unit of another task could otherwise be
    credited with, or blamed for, this task's progress)."""
    unit = unit.strip()
    allowed = reportable_units(actor=actor, task=task)
    if unit in allowed:
        return unit
    if not unit:
        raise ValidationError("请选择报送单位。")
    if unit not in task.units:
        raise ValidationError(f"“{unit}”不是该任务的牵头单位或责任单位。")
    department = getattr(getattr(actor, "department", None), "name", None)
    if department is None:
        raise ValidationError("部门用户须关联所属部门后才能报送。")
    raise ValidationError(f"部门用户只能以本部门（{department}）的名义报送。")


def _check(actor: Any, allowed: bool) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied("无权进行该操作")


def _scope(actor: Any) -> Scope:
    return scope_for(actor)


# --- plans and imports ---------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    actor: Any,
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
        raise ValidationError("方案名称不能为空。")
    if WorkPlan.objects.filter(region=region, title=title).exists():
        raise ValidationError(f"{region.name}已有名为“{title}”的工作方案。")
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
        actor=actor, action="create", obj=plan, region_code=region.code, after=snapshot(plan)
    )
    return plan


@transaction.atomic
def plan_import_tasks(*, actor: Any, plan: WorkPlan, rows: Sequence[TaskRow]) -> list[Task]:
    """Add the rows of a task table to ``plan``, all or nothing.

    The rows were checked by ``adapters.xlsx_tasks.read_task_table``; here a
    序号 already used in the plan is refused (the whole import is, then).
    """
    _check(actor, actor is None or _scope(actor).can_edit(plan.region))
    taken = set(plan.tasks.values_list("seq", flat=True))
    clashes = [f"第 {r.row} 行：序号 {r.seq} 已存在于该方案。" for r in rows if r.seq in taken]
    if clashes:
        raise ValidationError(clashes)
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
                after=snapshot(t),
            )
            for t in tasks
        ),
        reason=f"导入任务清单：{plan.title}",
    )
    return tasks


@transaction.atomic
def plan_import(
    *,
    actor: Any,
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
    actor: Any,
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


def _set_status(*, actor: Any, task: Task, status: TaskStatus, reason: str) -> None:
    before = snapshot(task, ["status"])
    task.status = status.value
    if status is TaskStatus.CLOSED:
        task.closed_at = timezone.now()
        task.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    task.save()
    audit_record(
        actor=actor,
        action="approve" if status is TaskStatus.CLOSED else "update",
        obj=task,
        region_code=task.plan.region.code,
        before=before,
        after=snapshot(task, ["status"]),
        reason=reason,
    )


@transaction.atomic
def task_report_progress(
    *, actor: Any, task: Task, unit: str, text: str, files: Sequence[Upload] = ()
) -> ProgressReport:
    """A unit reports progress (with attachments); a task not started starts."""
    task = _locked(task)
    _check(actor, actor is None or may_report(_scope(actor), task.plan.region))
    if task.task_status in (TaskStatus.CLOSED, TaskStatus.CLOSE_REQUESTED):
        raise ValidationError(f"任务{task.get_status_display()}，不能再报送进展。")
    unit = _reporting_unit(actor=actor, task=task, unit=unit)
    if not text.strip():
        raise ValidationError("进展内容不能为空。")
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
    *, actor: Any, task: Task, unit: str, text: str, files: Sequence[Upload]
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
        raise ValidationError(problems)
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
def task_approve_closeout(*, actor: Any, task: Task, text: str = "") -> Task:
    """An approver crosses the task off (销号)."""
    task = _locked(task)
    _check(actor, actor is None or _scope(actor).can_approve(task.plan.region))
    problems = closeout_approve_problems(_facts(task))
    if problems:
        raise ValidationError(problems)
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
def task_reject_closeout(*, actor: Any, task: Task, reason: str) -> Task:
    """An approver sends the request back; the task is in progress again."""
    task = _locked(task)
    _check(actor, actor is None or _scope(actor).can_approve(task.plan.region))
    problem = transition_problem(task.task_status, TaskStatus.IN_PROGRESS)
    if problem or task.task_status is not TaskStatus.CLOSE_REQUESTED:
        raise ValidationError(problem or "只有待销号的任务可以退回。")
    if not reason.strip():
        raise ValidationError("请填写退回理由。")
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
    actor: Any,
    region: Region,
    held_on: dt.date,
    title: str,
    inspector: str = "",
    summary: str = "",
    plan: WorkPlan | None = None,
) -> SupervisionRound:
    _check(actor, actor is None or _scope(actor).can_edit(region))
    if plan is not None and not (plan.region == region or region.contains(plan.region)):
        raise ValidationError("督导的工作方案不属于该区划。")
    if not title.strip():
        raise ValidationError("督导名称不能为空。")
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
        actor=actor, action="create", obj=item, region_code=region.code, after=snapshot(item)
    )
    return item


@transaction.atomic
def finding_create(
    *,
    actor: Any,
    round: SupervisionRound,
    description: str,
    task: Task | None = None,
    unit: str = "",
    rectify_by: dt.date | None = None,
) -> Finding:
    """A problem found in a round; the units of the region are notified."""
    _check(actor, actor is None or _scope(actor).can_edit(round.region))
    if task is not None and not round.region.contains(task.plan.region):
        raise ValidationError("该任务不属于本轮督导的区划。")
    if not description.strip():
        raise ValidationError("发现问题不能为空。")
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
        after=snapshot(finding),
    )
    region = task.plan.region if task is not None else round.region
    for user in _reporters_of(region):
        notification_create(
            user=user,
            kind=NotificationKind.FINDING,
            title=f"督导发现问题：{round.title}",
            body=finding.description,
            url=reverse("tasks:round_detail", args=[round.pk]),
            key=f"finding:{finding.pk}:new",
        )
    return finding


@transaction.atomic
def finding_rectify(
    *, actor: Any, finding: Finding, text: str, files: Sequence[Upload] = ()
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
        raise ValidationError(f"该问题{FindingStatus(finding.status).label}，不能再报送整改。")
    if not text.strip():
        raise ValidationError("整改情况不能为空。")
    checked = check_uploads(list(files))
    before = snapshot(finding, ["status", "rectification"])
    finding.rectification = text.strip()
    finding.status = FindingStatus.RECTIFIED.value
    finding.rectified_at = timezone.now()
    finding.save()
    if finding.task is not None:
        _store(actor=actor, task=finding.task, files=checked, finding=finding)
    audit_record(
        actor=actor,
        action="update",
        obj=finding,
        region_code=region.code,
        before=before,
        after=snapshot(finding, ["status", "rectification"]),
        reason="报送整改情况",
    )
    return finding


@transaction.atomic
def finding_verify(*, actor: Any, finding: Finding) -> Finding:
    """The staffing office confirms the rectification (已核实)."""
    finding = Finding.objects.select_for_update(of=("self",)).select_related("round__region").get(pk=finding.pk)
    _check(actor, actor is None or _scope(actor).can_edit(finding.round.region))
    if finding.status != FindingStatus.RECTIFIED.value:
        raise ValidationError("只有已整改的问题可以核实。")
    before = snapshot(finding, ["status"])
    finding.status = FindingStatus.VERIFIED.value
    finding.verified_at = timezone.now()
    finding.verified_by = actor if getattr(actor, "is_authenticated", False) else None
    finding.save()
    audit_record(
        actor=actor,
        action="approve",
        obj=finding,
        region_code=finding.round.region.code,
        before=before,
        after=snapshot(finding, ["status"]),
        reason="核实整改",
    )
    return finding


# --- notifications -------------------------------------------------------------------


def _users_over(region: Region) -> Any:
    """Active users whose region is ``region`` or one of its ancestors."""
    codes = [*region.ancestor_codes(), region.code]
    return User.objects.filter(is_active=True, region__code__in=codes)


def _approvers_of(region: Region) -> list[User]:
    return list(_users_over(region).filter(role_grants__role=Role.APPROVER).distinct())


def _reporters_of(region: Region) -> list[User]:
    return list(_users_over(region).filter(role_grants__role__in=list(REPORTING_ROLES)).distinct())


def notification_create(
    *, user: User, kind: str, title: str, key: str, body: str = "", url: str = ""
) -> Notification | None:
    """Put a message in ``user``'s inbox; None if one with ``key`` is already there.

    Other apps may call this for their own events (e.g. pending approvals);
    pick a ``key`` that names the event, so repeating it adds nothing.
    """
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user, kind=kind, title=title[:255], body=body, url=url, key=key[:200]
            )
    except IntegrityError:
        return None


def role_holders(
    *, region: Region | Sequence[Region], role: str, below: bool = False
) -> list[User]:
    """Active users holding ``role`` whose region is ``region`` (or one of
    several regions; with ``below``: that region or any region under it).
    One query whatever the number of regions."""
    regions = [region] if isinstance(region, Region) else list(region)
    if not regions:
        return []
    where = Q(region__in=regions)
    if below:
        where = Q(pk__in=[])
        for r in regions:
            where |= Q(**{f"region__{r.level_field}": r.code})
    return list(
        User.objects.filter(where, is_active=True, role_grants__role=role)
        .select_related("region")
        .distinct()
        .order_by("id")
    )


def notify_users(
    *, users: Iterable[User], kind: str, title: str, key: str, body: str = "", url: str = ""
) -> list[User]:
    """Put the same message in each user's inbox; returns the users for whom it
    was new. Keyed like ``notification_create`` (a repeated ``key`` adds
    nothing), but in two queries whatever the number of users, so services
    can call it inside their own transaction."""
    targets = {u.pk: u for u in users}
    if not targets:
        return []
    key = key[:200]
    already = set(
        Notification.objects.filter(key=key, user_id__in=list(targets)).values_list(
            "user_id", flat=True
        )
    )
    new = [u for pk, u in targets.items() if pk not in already]
    # ignore_conflicts: a concurrent writer of the same key loses quietly,
    # as notification_create's IntegrityError path does.
    Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, title=title[:255], body=body, url=url, key=key)
            for u in new
        ],
        ignore_conflicts=True,
    )
    return new


def notify_role(
    *,
    region: Region,
    role: str,
    kind: str,
    title: str,
    key: str,
    body: str = "",
    url: str | Callable[[Region], str] = "",
    below: bool = False,
) -> list[User]:
    """Notify every active user holding ``role`` in ``region`` (with ``below``,
    also in the regions under it: e.g. every 乡镇用户 of a county). Superusers
    have no region and are not targeted. Returns the users newly notified.

    ``url`` is the page to act on, or a function of the recipient's region
    giving it (with ``below``, each township user gets their own township's
    page). This is how other apps tell "whoever must act" about their events:
    ``notify_role(region=county, role=Role.APPROVER, ...)``.
    """
    users = role_holders(region=region, role=role, below=below)
    if not callable(url):
        return notify_users(users=users, kind=kind, title=title, key=key, body=body, url=url)
    by_url: dict[str, list[User]] = {}
    for user in users:
        # role_holders only returns users with a region.
        by_url.setdefault(url(user.region) if user.region else "", []).append(user)
    notified: list[User] = []
    for link, group in by_url.items():
        notified += notify_users(users=group, kind=kind, title=title, key=key, body=body, url=link)
    return notified


@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionDenied("不能修改他人的消息")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


@dataclass
class DigestResult:
    day: dt.date
    skipped: bool = False
    notifications: int = 0
    emails: int = 0
    users: list[str] = field(default_factory=list)


def _task_url(task: Task) -> str:
    return reverse("tasks:task_detail", args=[task.pk])


def _warnings_for(
    user: User, today: dt.date, warn_days: int
) -> list[tuple[str, str, str, str, str]]:
    """(kind, key, title, body, url) of everything ``user`` should be told about today."""
    scope = scope_for(user)
    items: list[tuple[str, str, str, str, str]] = []
    if not scope.sees_anything:
        return items
    horizon = today + dt.timedelta(days=warn_days)
    reporter = scope.is_superuser or bool(scope.roles & REPORTING_ROLES)
    if reporter:
        tasks = scope.filter(
            Task.objects.select_related("plan")
            .exclude(status=TaskStatus.CLOSED.value)
            .filter(deadline__lte=horizon),
            "plan__region",
        )
        department = user.department.name if user.department is not None else ""
        for task in tasks:
            if department and department not in task.units:
                continue  # a department hears only of its own tasks
            urgency = classify(
                deadline=task.deadline, status=task.task_status, today=today, warn_days=warn_days
            )
            if urgency not in (Urgency.DUE_SOON, Urgency.OVERDUE):
                continue
            items.append(
                (
                    NotificationKind.DEADLINE,
                    f"deadline:{task.pk}:{urgency.value}",
                    f"{urgency.label}：{task.plan.title} 第{task.seq}项（{task.deadline:%Y-%m-%d}）",
                    task.content,
                    _task_url(task),
                )
            )
        findings = scope.filter(
            Finding.objects.select_related("round").filter(
                status=FindingStatus.OPEN.value, rectify_by__lte=horizon
            ),
            "round__region",
        )
        for finding in findings:
            late = finding.rectify_by is not None and finding.rectify_by < today
            items.append(
                (
                    NotificationKind.FINDING,
                    f"finding:{finding.pk}:{'overdue' if late else 'due'}",
                    f"{'整改已逾期' if late else '整改即将到期'}：{finding.round.title}",
                    finding.description,
                    reverse("tasks:round_detail", args=[finding.round_id]),
                )
            )
    if scope.is_superuser or Role.APPROVER in scope.roles:
        pending = scope.filter(
            Task.objects.select_related("plan").filter(status=TaskStatus.CLOSE_REQUESTED.value),
            "plan__region",
        )
        for task in pending:
            items.append(
                (
                    NotificationKind.APPROVAL,
                    f"approval-open:{task.pk}:{today.isoformat()}",
                    f"待审核销号：{task.plan.title} 第{task.seq}项",
                    task.content,
                    _task_url(task),
                )
            )
    return items


def notify_daily(
    *, today: dt.date, warn_days: int = DEFAULT_WARN_DAYS, force: bool = False
) -> DigestResult:
    """The daily digest: inbox messages for deadlines, pending approvals and
    findings, and one e-mail per user when e-mail is configured.

    Idempotent per day: a second run on the same ``today`` does nothing
    (unless ``force``); inbox messages are keyed, so even a forced rerun adds
    no duplicates. Safe against two concurrent runs: the day's ``DigestRun``
    row is claimed first and only one run can create it.
    """
    with transaction.atomic():
        run, created = DigestRun.objects.get_or_create(day=today)
    if not created and not force:
        return DigestResult(day=today, skipped=True)
    result = DigestResult(day=today)
    users = (
        User.objects.filter(is_active=True)
        .annotate(n_roles=Count("role_grants"))
        .filter(Q(n_roles__gt=0) | Q(is_superuser=True))
        .select_related("region", "department")
    )
    email_on = bool(getattr(settings, "BIANZHI_EMAIL_ENABLED", False))
    base_url = getattr(settings, "BIANZHI_SITE_URL", "").rstrip("/")
    for user in users:
        items = _warnings_for(user, today, warn_days)
        new = 0
        for kind, key, title, body, url in items:
            if notification_create(user=user, kind=kind, key=key, title=title, body=body, url=url):
                new += 1
        result.notifications += new
        if not (email_on and user.email):
            continue
        # What other apps put in the inbox since the last digest (plans to
        # approve, opinions to give, new block findings …) goes out with
        # today's warnings, once: emailed_at is set below.
        keys = {key for _, key, _, _, _ in items}
        inbox = [
            (n.title, n.url)
            for n in Notification.objects.filter(
                user=user, read_at__isnull=True, emailed_at__isnull=True
            ).order_by("created_at", "id")
            if n.key not in keys
        ]
        entries = [(title, url) for _, _, title, _, url in items] + inbox
        lines = [f"{title}\n  {base_url}{url}" for title, url in entries]
        if lines:
            send_mail(
                subject=f"【编制系统】{today:%Y年%m月%d日} 待办提醒（{len(lines)} 项）",
                message="您好：\n\n以下事项需要关注：\n\n"
                + "\n".join(lines)
                + "\n\n（本邮件由系统自动发送）",
                from_email=None,
                recipient_list=[user.email],
            )
            Notification.objects.filter(user=user, emailed_at__isnull=True).update(
                emailed_at=timezone.now()
            )
            result.emails += 1
            result.users.append(user.username)
    DigestRun.objects.filter(pk=run.pk).update(
        notifications=result.notifications, emails=result.emails
    )
    return result
