"""Comprehensive administrative enforcement (综合行政执法): the rules of the
case register, pure Python.

Sources (shared/policy): 002 §5 (执法全过程记录, 谁执法谁公示, 案件移送),
000 §二.4 and 004《优化机构编制资源配置工作方案》§二(五) (执法办主任由班子成员
兼任, 分管执法的领导要率先取证), 003 §一(三) (行政处罚权以乡镇名义集中行使).

A case moves 立案 → 调查 → (重大案件: 法制审核) → 决定 → 结案, or is
transferred (移送) to a county department before a decision. The state
machine and the date order live here; the app stores them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

# The power types of a powers list that are enforcement (处罚、检查、强制).
ENFORCEMENT_POWER_TYPES: tuple[str, ...] = ("行政处罚", "行政检查", "行政强制")

SOURCE_MAJOR_REVIEW = "002_3a9e3071a16f65c8.txt §5（规范执法检查、受立案、审查、决定等程序）"
SOURCE_RECORDS = "002_3a9e3071a16f65c8.txt §5（执法全过程记录制度）"
SOURCE_DISCLOSURE = "002_3a9e3071a16f65c8.txt §5（谁执法谁公示）"
SOURCE_OFFICE_HEAD = "000_a14086b89449fcd2.txt §二.4（执法机构负责人由乡镇领导班子成员兼任）"
SOURCE_LEADER_CERTIFIED = (
    "004_650ebb92df68bbb8.txt《优化机构编制资源配置工作方案》§二(五)（分管执法的领导要率先取证）"
)
# Days ahead an expiring enforcement certificate is announced in the inbox.
CERTIFICATE_WARN_DAYS = 30


class CaseStatus(StrEnum):
    FILED = "filed"
    INVESTIGATING = "investigating"
    DECIDED = "decided"
    TRANSFERRED = "transferred"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return CASE_STATUS_LABELS[self]


CASE_STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.FILED: "已立案",
    CaseStatus.INVESTIGATING: "调查中",
    CaseStatus.DECIDED: "已决定",
    CaseStatus.TRANSFERRED: "已移送",
    CaseStatus.CLOSED: "已结案",
}

# status -> the statuses a case may move to from it
_NEXT: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.FILED: frozenset(
        {CaseStatus.INVESTIGATING, CaseStatus.DECIDED, CaseStatus.TRANSFERRED}
    ),
    CaseStatus.INVESTIGATING: frozenset({CaseStatus.DECIDED, CaseStatus.TRANSFERRED}),
    CaseStatus.DECIDED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.TRANSFERRED: frozenset(),
    CaseStatus.CLOSED: frozenset(),
}


def transition_problem(current: CaseStatus, target: CaseStatus) -> str | None:
    """Why a case cannot move from ``current`` to ``target`` (None: it can)."""
    if target in _NEXT[current]:
        return None
    return f"案件{current.label}，不能改为“{target.label}”。"


def decision_problems(
    *, status: CaseStatus, is_major: bool, legal_reviewed: bool, decision: str
) -> list[str]:
    """Why a decision cannot be recorded now ([] = it can). A major decision
    (重大执法决定) needs the legal review (法制审核) first."""
    problems = []
    problem = transition_problem(status, CaseStatus.DECIDED)
    if problem:
        problems.append(problem)
    if is_major and not legal_reviewed:
        problems.append(
            f"重大执法决定须先经法制审核，才能作出决定（依据：{SOURCE_MAJOR_REVIEW}）。"
        )
    if not decision.strip():
        problems.append("请填写处理决定。")
    return problems


DATE_LABELS = (("filed_on", "立案日期"), ("investigated_on", "调查日期"),
               ("decided_on", "决定日期"), ("closed_on", "结案日期"))


def date_order_problems(dates: dict[str, dt.date | None]) -> list[str]:
    """The case's dates must not run backwards (立案 ≤ 调查 ≤ 决定 ≤ 结案)."""
    problems = []
    previous: tuple[str, dt.date] | None = None
    for key, label in DATE_LABELS:
        value = dates.get(key)
        if value is None:
            continue
        if previous is not None and value < previous[1]:
            problems.append(f"{label}（{value:%Y-%m-%d}）早于{previous[0]}（{previous[1]:%Y-%m-%d}）。")
        previous = (label, value)
    return problems


def days_to_close(filed_on: dt.date, closed_on: dt.date | None) -> int | None:
    return None if closed_on is None else (closed_on - filed_on).days


def mask_name(name: str) -> str:
    """A person's name as disclosures print it: the surname, the rest starred."""
    name = name.strip()
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 1)
