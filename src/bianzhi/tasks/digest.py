"""The work-plan app's part of the daily digest (``bianzhi notify --once``):
tasks due soon or overdue and open findings for the units, close-outs
awaiting approval for the approvers. Registered with the inbox by
``TasksConfig.ready()`` (``bianzhi.inbox.digest``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import scope_for
from bianzhi.core.tasks import DEFAULT_WARN_DAYS, FindingStatus, TaskStatus, Urgency, classify
from bianzhi.inbox.digest import DigestItem
from bianzhi.inbox.kinds import NotificationKind
from bianzhi.tasks.models import Finding, Task
from bianzhi.tasks.notifications import DEADLINE, FINDING
from bianzhi.tasks.services import REPORTING_ROLES


def _task_url(task: Task) -> str:
    return reverse("tasks:task_detail", args=[task.pk])


def task_digest(*, user: Any, today: dt.date, warn_days: int | None) -> Iterator[DigestItem]:
    """What ``user`` should be told about today, within their scope; a
    department user hears only of the tasks of their own department."""
    warn_days = DEFAULT_WARN_DAYS if warn_days is None else warn_days
    scope = scope_for(user)
    if not scope.sees_anything:
        return
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
                continue
            urgency = classify(
                deadline=task.deadline, status=task.task_status, today=today, warn_days=warn_days
            )
            if urgency not in (Urgency.DUE_SOON, Urgency.OVERDUE):
                continue
            yield DigestItem(
                kind=DEADLINE,
                key=f"deadline:{task.pk}:{urgency.value}",
                title=f"{urgency.label}：{task.plan.title} 第{task.seq}项（{task.deadline:%Y-%m-%d}）",
                body=task.content,
                url=_task_url(task),
            )
        findings = scope.filter(
            Finding.objects.select_related("round").filter(
                status=FindingStatus.OPEN.value, rectify_by__lte=horizon
            ),
            "round__region",
        )
        for finding in findings:
            late = finding.rectify_by is not None and finding.rectify_by < today
            yield DigestItem(
                kind=FINDING,
                key=f"finding:{finding.pk}:{'overdue' if late else 'due'}",
                title=f"{'整改已逾期' if late else '整改即将到期'}：{finding.round.title}",
                body=finding.description,
                url=reverse("tasks:round_detail", args=[finding.round_id]),
            )
    if scope.is_superuser or Role.APPROVER in scope.roles:
        pending = scope.filter(
            Task.objects.select_related("plan").filter(status=TaskStatus.CLOSE_REQUESTED.value),
            "plan__region",
        )
        for task in pending:
            # Keyed by day: the approver is reminded every day until decided.
            yield DigestItem(
                kind=NotificationKind.APPROVAL,
                key=f"approval-open:{task.pk}:{today.isoformat()}",
                title=f"待审核销号：{task.plan.title} 第{task.seq}项",
                body=task.content,
                url=_task_url(task),
            )
