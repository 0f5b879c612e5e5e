"""Reads of the work-plan app, always through the reader's scope.

Warnings (due soon / overdue) are computed for a given ``on`` by
``bianzhi.core.tasks.classify``; views pass ``bianzhi.kernel.clock.today()``,
tests pass a fixed date or freeze the clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.core.tasks import (
    DEFAULT_WARN_DAYS,
    STATUS_LABELS,
    SUPERVISION_SOURCE,
    Cadence,
    Completion,
    TaskStatus,
    Urgency,
    classify,
    completion,
    days_overdue,
    missed_rounds,
)
from bianzhi.tasks.models import (
    Attachment,
    Finding,
    ProgressReport,
    SupervisionRound,
    Task,
    WorkPlan,
)


@dataclass(frozen=True)
class TaskView:
    """A task with its warning on a given day, for lists and the calendar."""

    task: Task
    urgency: Urgency
    days_overdue: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.task.task_status]


def _view(task: Task, on: dt.date) -> TaskView:
    urgency = classify(deadline=task.deadline, status=task.task_status, today=on)
    return TaskView(task, urgency, days_overdue(deadline=task.deadline, today=on))


def plan_list(*, scope: Scope) -> QuerySet[WorkPlan]:
    plans: QuerySet[WorkPlan] = scope.filter(WorkPlan.objects.select_related("region"))
    return plans.annotate(
        n_tasks=Count("tasks", distinct=True),
        n_closed=Count("tasks", filter=Q(tasks__status=TaskStatus.CLOSED.value), distinct=True),
    ).order_by("region__code", "-issued_on", "id")


def plan_get(*, scope: Scope, plan_id: int) -> WorkPlan:
    plan: WorkPlan | None = (
        scope.filter(WorkPlan.objects.select_related("region")).filter(pk=plan_id).first()
    )
    if plan is None:
        raise Http404("工作方案不存在或无权访问")
    return plan


def task_get(*, scope: Scope, task_id: int) -> Task:
    task: Task | None = (
        scope.filter(Task.objects.select_related("plan__region", "closed_by"), "plan__region")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404("任务不存在或无权访问")
    return task


@dataclass(frozen=True)
class TaskFilter:
    plan_id: int | None = None
    unit: str = ""
    status: str = ""
    urgency: str = ""
    due_from: dt.date | None = None
    due_to: dt.date | None = None


def task_list(*, scope: Scope, on: dt.date, filters: TaskFilter = TaskFilter()) -> list[TaskView]:
    """Tasks in scope with their warning on ``on``, filtered, by deadline then plan and 序号."""
    qs = scope.filter(Task.objects.select_related("plan__region"), "plan__region")
    if filters.plan_id is not None:
        qs = qs.filter(plan_id=filters.plan_id)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.due_from:
        qs = qs.filter(deadline__gte=filters.due_from)
    if filters.due_to:
        qs = qs.filter(deadline__lte=filters.due_to)
    views = [_view(t, on) for t in qs.order_by("deadline", "plan_id", "seq")]
    if filters.unit:
        views = [v for v in views if filters.unit in v.task.units]
    if filters.urgency:
        views = [v for v in views if v.urgency.value == filters.urgency]
    return views


def task_units(*, scope: Scope, plan_id: int | None = None) -> list[tuple[str, int]]:
    """Every unit named in the tasks in scope, with how many tasks name it."""
    qs = scope.filter(Task.objects.all(), "plan__region")
    if plan_id is not None:
        qs = qs.filter(plan_id=plan_id)
    counts: Counter[str] = Counter()
    for lead, responsible in qs.values_list("lead_units", "responsible_units"):
        counts.update(dict.fromkeys([*lead, *responsible], 1))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


@dataclass
class UnitSummary:
    unit: str
    total: int = 0
    closed: int = 0
    overdue: int = 0
    due_soon: int = 0


def unit_summary(*, scope: Scope, on: dt.date, plan_id: int | None = None) -> list[UnitSummary]:
    """Per unit: tasks it leads or shares, closed, overdue and due soon (views by unit)."""
    rows: dict[str, UnitSummary] = {}
    for view in task_list(scope=scope, on=on, filters=TaskFilter(plan_id=plan_id)):
        for unit in view.task.units:
            row = rows.setdefault(unit, UnitSummary(unit))
            row.total += 1
            row.closed += view.urgency is Urgency.DONE
            row.overdue += view.urgency is Urgency.OVERDUE
            row.due_soon += view.urgency is Urgency.DUE_SOON
    return sorted(rows.values(), key=lambda r: (-r.overdue, -r.total, r.unit))


def plan_completion(*, plan: WorkPlan, on: dt.date) -> Completion:
    return completion(
        ((t.deadline, t.task_status) for t in plan.tasks.only("deadline", "status")), today=on
    )


def warnings(*, scope: Scope, on: dt.date, warn_days: int = DEFAULT_WARN_DAYS) -> list[TaskView]:
    """Overdue and due-soon tasks in scope, most overdue first."""
    horizon = on + dt.timedelta(days=warn_days)
    qs = scope.filter(
        Task.objects.select_related("plan__region")
        .exclude(status=TaskStatus.CLOSED.value)
        .filter(deadline__lte=horizon),
        "plan__region",
    ).order_by("deadline", "plan_id", "seq")
    return [
        v for v in (_view(t, on) for t in qs) if v.urgency in (Urgency.OVERDUE, Urgency.DUE_SOON)
    ]


def task_timeline(*, task: Task) -> QuerySet[ProgressReport]:
    return task.reports.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
    )


def attachment_get(*, scope: Scope, attachment_id: int) -> Attachment:
    item: Attachment | None = (
        scope.filter(Attachment.objects.select_related("task__plan__region"), "task__plan__region")
        .filter(pk=attachment_id)
        .first()
    )
    if item is None:
        raise Http404("附件不存在或无权访问")
    return item


# --- calendar -------------------------------------------------------------------------


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    is_today: bool
    tasks: list[TaskView] = field(default_factory=list)


def calendar_month(*, scope: Scope, year: int, month: int, on: dt.date) -> list[list[CalendarDay]]:
    """The month as weeks (Monday first) of days, each with the tasks due that day."""
    weeks_dates = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    due: dict[dt.date, list[TaskView]] = defaultdict(list)
    for view in task_list(scope=scope, on=on, filters=TaskFilter(due_from=first, due_to=last)):
        if view.task.deadline is not None:
            due[view.task.deadline].append(view)
    return [
        [CalendarDay(d, d.month == month, d == on, due.get(d, [])) for d in week]
        for week in weeks_dates
    ]


# --- supervision ----------------------------------------------------------------------


def round_list(*, scope: Scope) -> QuerySet[SupervisionRound]:
    rounds: QuerySet[SupervisionRound] = scope.filter(
        SupervisionRound.objects.select_related("region", "plan")
    )
    return rounds.annotate(
        n_findings=Count("findings", distinct=True),
        n_open=Count("findings", filter=~Q(findings__status="verified"), distinct=True),
    )


def round_get(*, scope: Scope, round_id: int) -> SupervisionRound:
    item: SupervisionRound | None = (
        scope.filter(SupervisionRound.objects.select_related("region", "plan"))
        .filter(pk=round_id)
        .first()
    )
    if item is None:
        raise Http404("督导记录不存在或无权访问")
    return item


def finding_get(*, scope: Scope, finding_id: int) -> Finding:
    item: Finding | None = (
        scope.filter(
            Finding.objects.select_related("round__region", "task__plan__region"), "round__region"
        )
        .filter(pk=finding_id)
        .first()
    )
    if item is None:
        raise Http404("督导问题不存在或无权访问")
    return item


def warning_counts(*, scope: Scope, on: dt.date, warn_days: int = DEFAULT_WARN_DAYS) -> dict[str, int]:
    """How many open tasks in scope are overdue and due soon on ``on`` (the
    same rule as ``core.tasks.classify``), in one aggregate query."""
    horizon = on + dt.timedelta(days=warn_days)
    values = scope.filter(
        Task.objects.exclude(status=TaskStatus.CLOSED.value).filter(deadline__isnull=False),
        "plan__region",
    ).aggregate(
        overdue=Count("id", filter=Q(deadline__lt=on)),
        due_soon=Count("id", filter=Q(deadline__gte=on, deadline__lte=horizon)),
    )
    return {"overdue": values["overdue"], "due_soon": values["due_soon"]}


def closeouts_awaiting(*, scope: Scope) -> QuerySet[Task]:
    """Tasks in scope whose close-out (销号) waits for approval, oldest deadline first."""
    return scope.filter(
        Task.objects.filter(status=TaskStatus.CLOSE_REQUESTED.value).select_related("plan"),
        "plan__region",
    ).order_by("deadline", "id")


@dataclass(frozen=True)
class SupervisionGap:
    """A running work plan whose supervision rounds fell behind its cadence."""

    plan: WorkPlan
    missed: list[tuple[dt.date, dt.date]]

    @property
    def text(self) -> str:
        first, last = self.missed[-1]
        more = f"，共{len(self.missed)}个周期没有督导" if len(self.missed) > 1 else ""
        return (
            f"工作方案《{self.plan.title}》要求{Cadence(self.plan.cadence).label}至少一轮巡回督导，"
            f"{first.isoformat()}至{last.isoformat()}没有督导记录{more}（{SUPERVISION_SOURCE}）"
        )


def supervision_gaps(*, scope: Scope, on: dt.date) -> list[SupervisionGap]:
    """Running work plans in scope (issued on or before `on`, with a task not
    yet closed) with an elapsed cadence period that has no supervision round
    of the plan: warnings, in plan order. Two queries."""
    plans = list(
        scope.filter(WorkPlan.objects.filter(issued_on__lte=on), "region")
        .filter(tasks__in=Task.objects.exclude(status=TaskStatus.CLOSED.value))
        .distinct()
        .order_by("issued_on", "id")
    )
    held: dict[int, list[dt.date]] = {}
    for plan_id, day in SupervisionRound.objects.filter(plan__in=plans).values_list("plan_id", "held_on"):
        held.setdefault(plan_id, []).append(day)
    gaps = []
    for plan in plans:
        assert plan.issued_on is not None
        missed = missed_rounds(start=plan.issued_on, today=on, cadence=Cadence(plan.cadence),
                               rounds=held.get(plan.pk, []))
        if missed:
            gaps.append(SupervisionGap(plan, missed))
    return gaps
