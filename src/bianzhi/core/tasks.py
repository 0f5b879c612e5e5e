"""Work-plan tasks, supervision rounds and evaluation comparisons: pure rules.

Policy sources: 004 (task tables 牵头单位/责任单位/完成时限; 巡回督导 "每半月
镇纪委至少开展一轮"; "清单制+责任制+销号制"), 000 §三.7 and 002 §三 (task
lists with responsible units, evaluation). Nothing here touches Django or
I/O: the ``bianzhi.tasks`` and ``bianzhi.reports`` apps call these functions
with plain values, and tests/core/test_tasks.py checks them as tables.

Task life cycle (``TaskStatus``)::

    未启动 --(progress report)--> 推进中 --(close-out request with evidence)--> 待销号
                                    ^                                            |
                                    +-------------(request rejected)-------------+
    待销号 --(approved)--> 已销号

Due-soon and overdue are not states: they are *warnings* worked out from the
deadline, the status and a given ``today`` (``classify``), so nothing has to
flip a flag at midnight.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_WARN_DAYS = 7  # "due soon": the deadline is at most this many days away


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    CLOSE_REQUESTED = "close_requested"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[TaskStatus, str] = {
    TaskStatus.NOT_STARTED: "未启动",
    TaskStatus.IN_PROGRESS: "推进中",
    TaskStatus.CLOSE_REQUESTED: "待销号",
    TaskStatus.CLOSED: "已销号",
}

# Allowed transitions; anything else is refused by ``transition_problem``.
TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.NOT_STARTED: frozenset({TaskStatus.IN_PROGRESS}),
    TaskStatus.IN_PROGRESS: frozenset({TaskStatus.CLOSE_REQUESTED}),
    TaskStatus.CLOSE_REQUESTED: frozenset({TaskStatus.CLOSED, TaskStatus.IN_PROGRESS}),
    TaskStatus.CLOSED: frozenset(),
}


def transition_problem(current: TaskStatus, target: TaskStatus) -> str | None:
    """None if ``current`` → ``target`` is allowed, else the reason in Chinese."""
    if target in TRANSITIONS[current]:
        return None
    return f"任务状态不能从“{current.label}”改为“{target.label}”。"


class Urgency(StrEnum):
    """The deadline warning of one task on one day."""

    DONE = "done"  # closed out: no warning whatever the date
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]


URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.DONE: "已完成",
    Urgency.OK: "正常",
    Urgency.DUE_SOON: "即将到期",
    Urgency.OVERDUE: "已逾期",
}


def classify(
    *,
    deadline: dt.date | None,
    status: TaskStatus,
    today: dt.date,
    warn_days: int = DEFAULT_WARN_DAYS,
) -> Urgency:
    """The warning for a task with ``deadline`` and ``status`` on ``today``.

    A task is overdue from the day *after* its deadline (the deadline day
    itself still counts as in time: "3月31日前" is met by a report on 31
    March). It is due soon when the deadline is ``warn_days`` days away or
    less. A task waiting for close-out approval still counts: the unit asked
    in time or not, and the approver should see that. Closed tasks and tasks
    without a deadline never warn.
    """
    if status is TaskStatus.CLOSED:
        return Urgency.DONE
    if deadline is None:
        return Urgency.OK
    days_left = (deadline - today).days
    if days_left < 0:
        return Urgency.OVERDUE
    if days_left <= warn_days:
        return Urgency.DUE_SOON
    return Urgency.OK


def days_overdue(*, deadline: dt.date | None, today: dt.date) -> int:
    """Whole days past the deadline (0 when not past it or no deadline)."""
    if deadline is None:
        return 0
    return max(0, (today - deadline).days)


# --- deadlines as written in task tables --------------------------------------------

_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # 2021年3月31日前 / 2021年3月31日 / 2021年3月31号
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), "ymd"),
    # 2021年12月底前 / 2021年12月底 / 2021年12月末 / 2021年12月前 / 2021年12月
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月"), "ym"),
    # 2021-03-31, 2021/3/31, 2021.3.31
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), "ymd"),
    # 2021年底前 / 2021年底 / 2021年末
    (re.compile(r"(\d{4})\s*年\s*[底末]"), "y"),
)


def parse_deadline(text: str) -> dt.date | None:
    """The date a deadline cell such as 004's "2021年3月31日前" stands for.

    "…月底前" and a month alone mean the last day of that month; "…年底前"
    the last day of the year. Returns None when no date can be recognised
    (the importer reports the cell then). Full-width digits are accepted.
    """
    text = text.translate(_FULLWIDTH).strip()
    for pattern, kind in _DATE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        parts = [int(g) for g in match.groups()]
        try:
            if kind == "ymd":
                return dt.date(parts[0], parts[1], parts[2])
            if kind == "ym":
                year, month = parts
                return dt.date(year, month, calendar.monthrange(year, month)[1])
            return dt.date(parts[0], 12, 31)
        except ValueError:
            return None
    return None


_FULLWIDTH = str.maketrans("０１２３４５６７８９／－．", "0123456789/-.")

_UNIT_SPLIT = re.compile(r"[、，,；;]+")


def split_units(text: str) -> list[str]:
    """Unit names from a 牵头单位/责任单位 cell: split on 、，,；; and trimmed.

    A trailing "等" ("… 法庭等") is dropped from the last name: it means "and
    others", not part of the name. Duplicates keep their first position.
    """
    names: list[str] = []
    for raw in _UNIT_SPLIT.split(text.strip()):
        name = raw.strip()
        if name.endswith("等") and len(name) > 1:
            name = name[:-1].strip()
        if name and name not in names:
            names.append(name)
    return names


# --- supervision rounds ----------------------------------------------------------------


class Cadence(StrEnum):
    WEEKLY = "weekly"
    HALF_MONTH = "half_month"
    MONTHLY = "monthly"

    @property
    def label(self) -> str:
        return {"weekly": "每周", "half_month": "每半月", "monthly": "每月"}[self.value]


def supervision_schedule(*, start: dt.date, end: dt.date, cadence: Cadence) -> list[dt.date]:
    """The dates of the supervision rounds from ``start`` to ``end`` inclusive.

    Half-monthly (004: "每半月…至少开展一轮巡回督导") rounds fall on the 1st
    and the 16th of each month, so every half month has exactly one round
    whatever the length of the month; monthly rounds on the 1st; weekly rounds
    every 7 days from ``start``. A round on ``start`` itself counts.
    """
    if end < start:
        return []
    if cadence is Cadence.WEEKLY:
        return [start + dt.timedelta(days=7 * i) for i in range((end - start).days // 7 + 1)]
    days = (1, 16) if cadence is Cadence.HALF_MONTH else (1,)
    dates: list[dt.date] = []
    year, month = start.year, start.month
    while dt.date(year, month, 1) <= end:
        for day in days:
            date = dt.date(year, month, day)
            if start <= date <= end:
                dates.append(date)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dates


def next_round(*, after: dt.date, cadence: Cadence) -> dt.date:
    """The first scheduled round strictly after ``after``."""
    horizon = after + dt.timedelta(days=40)
    return next(
        d for d in supervision_schedule(start=after, end=horizon, cadence=cadence) if d > after
    )


SUPERVISION_SOURCE = "004《关于印发〈优化镇机构编制资源配置〉等28个工作方案的通知》§四"


def missed_rounds(
    *, start: dt.date, today: dt.date, cadence: Cadence, rounds: Iterable[dt.date]
) -> list[tuple[dt.date, dt.date]]:
    """The elapsed cadence periods since ``start`` with no supervision round
    (004 §四: "每半月……至少开展一轮巡回督导"), oldest first, as (first day,
    last day). Periods run from one scheduled date to the day before the
    next (``supervision_schedule``); the days from ``start`` to the first
    scheduled date join the first period, and the period containing
    ``today`` has not elapsed yet, so it is never reported."""
    schedule = [d for d in supervision_schedule(start=start, end=today, cadence=cadence) if d > start]
    bounds = [start, *schedule[1:]] if schedule else [start]
    held = sorted(rounds)
    missed: list[tuple[dt.date, dt.date]] = []
    for first, following in zip(bounds, bounds[1:], strict=False):
        last = following - dt.timedelta(days=1)
        if not any(first <= r <= last for r in held):
            missed.append((first, last))
    return missed


class FindingStatus(StrEnum):
    """A supervision finding: 待整改 → 已整改（待核实）→ 已核实."""

    OPEN = "open"
    RECTIFIED = "rectified"
    VERIFIED = "verified"

    @property
    def label(self) -> str:
        return {"open": "待整改", "rectified": "已整改待核实", "verified": "已核实"}[self.value]


# --- close-out (销号) ---------------------------------------------------------------


@dataclass(frozen=True)
class CloseoutFacts:
    """What close-out looks at for one task."""

    status: TaskStatus
    progress_reports: int
    evidence_files: int
    open_findings: int  # findings on this task not yet verified


def closeout_request_problems(facts: CloseoutFacts) -> list[str]:
    """Why the task cannot be put forward for close-out now ([] = it can).

    004's "清单制+责任制+销号制": a task is crossed off only when it is done
    and proven. So: it must be in progress (at least one progress report),
    the request must carry evidence, and every finding of a supervision round
    on it must have been verified as rectified.
    """
    problems: list[str] = []
    if facts.status is not TaskStatus.IN_PROGRESS:
        problem = transition_problem(facts.status, TaskStatus.CLOSE_REQUESTED)
        if problem:
            problems.append(problem)
    if facts.progress_reports == 0:
        problems.append("尚未报送任何进展，不能申请销号。")
    if facts.evidence_files == 0:
        problems.append("申请销号须上传佐证材料。")
    if facts.open_findings:
        problems.append(f"还有 {facts.open_findings} 条督导问题未整改核实。")
    return problems


def closeout_approve_problems(facts: CloseoutFacts) -> list[str]:
    """Why the close-out request cannot be approved now ([] = it can)."""
    problems: list[str] = []
    problem = transition_problem(facts.status, TaskStatus.CLOSED)
    if problem:
        problems.append(problem)
    if facts.evidence_files == 0:
        problems.append("没有佐证材料，不能销号。")
    if facts.open_findings:
        problems.append(f"还有 {facts.open_findings} 条督导问题未整改核实。")
    return problems


@dataclass(frozen=True)
class Completion:
    total: int
    closed: int
    overdue: int

    @property
    def rate(self) -> float | None:
        """Closed / total, None for an empty list."""
        return self.closed / self.total if self.total else None


def completion(tasks: Iterable[tuple[dt.date | None, TaskStatus]], *, today: dt.date) -> Completion:
    """Counts over (deadline, status) pairs: total, closed and overdue on ``today``."""
    total = closed = overdue = 0
    for deadline, status in tasks:
        total += 1
        urgency = classify(deadline=deadline, status=status, today=today)
        closed += urgency is Urgency.DONE
        overdue += urgency is Urgency.OVERDUE
    return Completion(total=total, closed=closed, overdue=overdue)


# --- evaluation: two snapshots compared ------------------------------------------------


class Better(StrEnum):
    """Which way a figure should move."""

    UP = "up"
    DOWN = "down"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    better: Better
    is_rate: bool = False  # stored as a fraction 0..1, shown as a percentage


@dataclass(frozen=True)
class Delta:
    indicator: Indicator
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        """Change as a share of ``before`` (None when undefined)."""
        change = self.change
        if change is None or not self.before:
            return None
        return change / abs(self.before)

    @property
    def verdict(self) -> str:
        """改善 / 退步 / 持平 / 变化 / 无可比数据, from the indicator's direction."""
        change = self.change
        if change is None:
            return "无可比数据"
        if abs(change) < 1e-9:
            return "持平"
        if self.indicator.better is Better.NEUTRAL:
            return "变化"
        improved = (change > 0) == (self.indicator.better is Better.UP)
        return "改善" if improved else "退步"


def compare(
    indicators: Iterable[Indicator],
    before: Mapping[str, float | None],
    after: Mapping[str, float | None],
) -> list[Delta]:
    """One ``Delta`` per indicator, in the indicators' order (missing keys are None)."""
    return [Delta(ind, before.get(ind.key), after.get(ind.key)) for ind in indicators]


def format_value(indicator: Indicator, value: float | None) -> str:
    """A figure as shown in reports: rates as "95.0%", counts as integers."""
    if value is None:
        return "—"
    if indicator.is_rate:
        return f"{value * 100:.1f}%"
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.1f}"


def format_change(delta: Delta) -> str:
    """ "+3", "-1.5 个百分点", "—": the signed change for the report tables."""
    change = delta.change
    if change is None:
        return "—"
    if delta.indicator.is_rate:
        return f"{change * 100:+.1f} 个百分点"
    return f"{int(change):+d}" if float(change).is_integer() else f"{change:+.1f}"
