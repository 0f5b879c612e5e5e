"""bianzhi.core.tasks: deadlines, warnings, supervision rounds, close-out, comparisons."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bianzhi.core.tasks import (
    Better,
    Cadence,
    CloseoutFacts,
    Delta,
    Indicator,
    TaskStatus,
    Urgency,
    classify,
    closeout_approve_problems,
    closeout_request_problems,
    compare,
    completion,
    days_overdue,
    format_change,
    format_value,
    next_round,
    parse_deadline,
    split_units,
    supervision_schedule,
    transition_problem,
)

D = dt.date
TODAY = D(2021, 5, 20)


@pytest.mark.parametrize(
    ("deadline", "status", "expected"),
    [
        (D(2021, 5, 19), TaskStatus.IN_PROGRESS, Urgency.OVERDUE),
        (D(2021, 5, 20), TaskStatus.IN_PROGRESS, Urgency.DUE_SOON),  # the deadline day is in time
        (D(2021, 5, 27), TaskStatus.NOT_STARTED, Urgency.DUE_SOON),  # 7 days away
        (D(2021, 5, 28), TaskStatus.NOT_STARTED, Urgency.OK),
        (D(2021, 5, 1), TaskStatus.CLOSE_REQUESTED, Urgency.OVERDUE),
        (D(2021, 5, 1), TaskStatus.CLOSED, Urgency.DONE),
        (None, TaskStatus.IN_PROGRESS, Urgency.OK),
    ],
)
def test_classify_warns_from_the_deadline_and_status(
    deadline: dt.date | None, status: TaskStatus, expected: Urgency
) -> None:
    assert classify(deadline=deadline, status=status, today=TODAY) is expected


def test_warn_days_is_configurable() -> None:
    assert (
        classify(deadline=D(2021, 5, 30), status=TaskStatus.IN_PROGRESS, today=TODAY, warn_days=10)
        is Urgency.DUE_SOON
    )


def test_days_overdue() -> None:
    assert days_overdue(deadline=D(2021, 5, 10), today=TODAY) == 10
    assert days_overdue(deadline=D(2021, 6, 10), today=TODAY) == 0
    assert days_overdue(deadline=None, today=TODAY) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年3月31日前", D(2021, 3, 31)),
        ("2021年5月31日前", D(2021, 5, 31)),
        ("2021年12月底前", D(2021, 12, 31)),
        ("2021年2月底前", D(2021, 2, 28)),
        ("2024年2月", D(2024, 2, 29)),
        ("２０２１年６月３０日前", D(2021, 6, 30)),
        ("2021-06-30", D(2021, 6, 30)),
        ("2021/6/3", D(2021, 6, 3)),
        ("2021年底前", D(2021, 12, 31)),
        ("长期坚持", None),
        ("2021年2月30日前", None),
    ],
)
def test_parse_deadline_reads_the_task_table_wording(text: str, expected: dt.date | None) -> None:
    assert parse_deadline(text) == expected


def test_split_units_reads_004s_cells() -> None:
    cell = "各村(社区),各总支,社事办、卫健办、市场监管所、司法所、派出所、法庭等"
    assert split_units(cell) == [
        "各村(社区)",
        "各总支",
        "社事办",
        "卫健办",
        "市场监管所",
        "司法所",
        "派出所",
        "法庭",
    ]
    assert split_units("财政办、农业综合服务中心") == ["财政办", "农业综合服务中心"]
    assert split_units("财政办、财政办") == ["财政办"]
    assert split_units("  ") == []


def test_half_month_rounds_fall_on_the_1st_and_16th() -> None:
    dates = supervision_schedule(
        start=D(2021, 8, 19), end=D(2021, 10, 1), cadence=Cadence.HALF_MONTH
    )
    assert dates == [D(2021, 9, 1), D(2021, 9, 16), D(2021, 10, 1)]


def test_weekly_and_monthly_rounds() -> None:
    assert supervision_schedule(
        start=D(2021, 1, 1), end=D(2021, 1, 15), cadence=Cadence.WEEKLY
    ) == [D(2021, 1, 1), D(2021, 1, 8), D(2021, 1, 15)]
    assert supervision_schedule(
        start=D(2021, 11, 2), end=D(2022, 1, 1), cadence=Cadence.MONTHLY
    ) == [D(2021, 12, 1), D(2022, 1, 1)]
    assert (
        supervision_schedule(start=D(2021, 2, 1), end=D(2021, 1, 1), cadence=Cadence.MONTHLY) == []
    )


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 1, 1)))
def test_every_half_month_has_exactly_one_round(start: dt.date) -> None:
    dates = supervision_schedule(
        start=start, end=start + dt.timedelta(days=365), cadence=Cadence.HALF_MONTH
    )
    halves = [(d.year, d.month, d.day >= 16) for d in dates]
    assert len(halves) == len(set(halves))
    assert all(b > a for a, b in zip(dates, dates[1:], strict=False))
    assert all((b - a).days <= 16 for a, b in zip(dates, dates[1:], strict=False))


def test_next_round_is_strictly_after() -> None:
    assert next_round(after=D(2021, 9, 1), cadence=Cadence.HALF_MONTH) == D(2021, 9, 16)
    assert next_round(after=D(2021, 12, 20), cadence=Cadence.HALF_MONTH) == D(2022, 1, 1)


def test_transitions() -> None:
    assert transition_problem(TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS) is None
    assert transition_problem(TaskStatus.CLOSE_REQUESTED, TaskStatus.IN_PROGRESS) is None
    assert (
        transition_problem(TaskStatus.NOT_STARTED, TaskStatus.CLOSED)
        == "任务状态不能从“未启动”改为“已销号”。"
    )
    assert transition_problem(TaskStatus.CLOSED, TaskStatus.IN_PROGRESS) is not None


def test_closeout_request_needs_progress_evidence_and_rectified_findings() -> None:
    ready = CloseoutFacts(
        TaskStatus.IN_PROGRESS, progress_reports=1, evidence_files=1, open_findings=0
    )
    assert closeout_request_problems(ready) == []
    blocked = CloseoutFacts(
        TaskStatus.NOT_STARTED, progress_reports=0, evidence_files=0, open_findings=2
    )
    problems = closeout_request_problems(blocked)
    assert len(problems) == 4
    assert "还有 2 条督导问题未整改核实。" in problems


def test_closeout_approval_needs_a_pending_request() -> None:
    pending = CloseoutFacts(TaskStatus.CLOSE_REQUESTED, 1, 1, 0)
    assert closeout_approve_problems(pending) == []
    assert closeout_approve_problems(CloseoutFacts(TaskStatus.IN_PROGRESS, 1, 1, 0))
    assert closeout_approve_problems(CloseoutFacts(TaskStatus.CLOSE_REQUESTED, 1, 1, 1))


def test_completion_counts() -> None:
    result = completion(
        [
            (D(2021, 3, 31), TaskStatus.CLOSED),
            (D(2021, 3, 31), TaskStatus.IN_PROGRESS),
            (D(2021, 12, 31), TaskStatus.NOT_STARTED),
        ],
        today=TODAY,
    )
    assert (result.total, result.closed, result.overdue) == (3, 1, 1)
    assert result.rate == pytest.approx(1 / 3)
    assert completion([], today=TODAY).rate is None


STAFF = Indicator("staff", "实有人员", "人", Better.UP)
VACANCY = Indicator("vacancies", "空编", "名", Better.DOWN)
USAGE = Indicator("usage_rate", "编制使用率", "%", Better.UP, is_rate=True)
TOTAL = Indicator("quota", "核定编制", "名", Better.NEUTRAL)


@pytest.mark.parametrize(
    ("indicator", "before", "after", "verdict", "change"),
    [
        (STAFF, 100, 110, "改善", "+10"),
        (VACANCY, 10, 12, "退步", "+2"),
        (VACANCY, 10, 7, "改善", "-3"),
        (USAGE, 0.9, 0.955, "改善", "+5.5 个百分点"),
        (TOTAL, 120, 121, "变化", "+1"),
        (TOTAL, 120, 120, "持平", "+0"),
        (STAFF, None, 3, "无可比数据", "—"),
    ],
)
def test_delta_verdicts(
    indicator: Indicator, before: float | None, after: float | None, verdict: str, change: str
) -> None:
    delta = Delta(indicator, before, after)
    assert delta.verdict == verdict
    assert format_change(delta) == change


def test_compare_keeps_order_and_fills_missing() -> None:
    deltas = compare([STAFF, USAGE], {"staff": 5}, {"staff": 6, "usage_rate": 0.5})
    assert [d.indicator.key for d in deltas] == ["staff", "usage_rate"]
    assert deltas[1].before is None
    assert deltas[0].relative == pytest.approx(0.2)


def test_format_value() -> None:
    assert format_value(USAGE, 0.95) == "95.0%"
    assert format_value(STAFF, 12.0) == "12"
    assert format_value(STAFF, 12.5) == "12.5"
    assert format_value(STAFF, None) == "—"
