"""Recruitment plans (用编进人计划) and quota transfers (下沉编制): the checks
of a plan against vacancies and the arithmetic of a transfer. Pure Python:
no Django, no I/O.

Policy sources (shared/policy):

* 000 §二.3: 清理乡镇编制空缺情况，加强空编补员; 支持从上往下跨层级调整编制.
* 001 §(三)1: 探索从上往下跨层级调剂行政、事业编制; §(三)3: 全县用编进人计划
  优先向乡镇倾斜.
* 002 §9: 按编制员额及时补充人员，制定用编用人计划优先保障空编的乡镇;
  从上往下跨层级调剂使用行政和事业编制.
* 003 §一(四)一是: 为乡镇下沉事业编制.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

P000 = "000_a14086b89449fcd2.txt"
P001 = "001_d6ec4a3fabdfb8f1.txt"
P002 = "002_3a9e3071a16f65c8.txt"
P003 = "003_9e6110b5b282007e.txt"


class Severity(StrEnum):
    WARNING = "预警"
    BLOCK = "阻止"


@dataclass(frozen=True)
class PlanRule:
    id: str
    title: str
    description: str
    source: str
    severity: Severity


WITHIN_VACANCY = PlanRule(
    id="plan-within-vacancy",
    title="用编进人不得超出空编",
    description="每个乡镇每类编制的计划进人数不超过空编数（核定编制减在编人员）。",
    source=f"{P002} §9；{P000} §二.3",
    severity=Severity.BLOCK,
)
VACANCIES_FIRST = PlanRule(
    id="plan-vacancies-first",
    title="优先保障空编乡镇",
    description="有空编的乡镇应列入用编进人计划；用编进人计划优先向乡镇倾斜。",
    source=f"{P002} §9；{P001} §(三)3",
    severity=Severity.WARNING,
)
TRANSFER_WITHIN_QUOTA = PlanRule(
    id="transfer-within-quota",
    title="上收编制不超过现有编制",
    description="从乡镇（或县机动编制）上收的编制数不超过该乡镇该类核定编制（或该类机动编制）；下沉、上收均须有文号。",
    source=f"{P000} §二.3；{P001} §(三)1；{P002} §9；{P003} §一(四)一是",
    severity=Severity.BLOCK,
)
RULES: tuple[PlanRule, ...] = (WITHIN_VACANCY, VACANCIES_FIRST, TRANSFER_WITHIN_QUOTA)

# (township code, quota type)
Key = tuple[str, str]


@dataclass(frozen=True)
class PlanProblem:
    rule: PlanRule
    township_code: str
    quota_type: str
    message: str


def vacancy(approved: int, headcount: int) -> int:
    """空编: approved minus staff holding the quota, never below 0."""
    return max(approved - headcount, 0)


def check_plan(
    *,
    planned: Mapping[Key, int],
    vacancies: Mapping[Key, int],
    names: Mapping[str, str],
) -> list[PlanProblem]:
    """Block problems (a count beyond the vacancy) first, then the warnings
    (a township with a vacancy but nothing planned for it), each in code order."""
    problems: list[PlanProblem] = []
    for (code, quota_type), count in sorted(planned.items()):
        free = vacancies.get((code, quota_type), 0)
        if count > free:
            problems.append(
                PlanProblem(
                    WITHIN_VACANCY, code, quota_type,
                    f"{names.get(code, code)}{quota_type}计划进人{count}名，超出空编{free}名",
                )
            )
    planned_townships = {code for (code, _), count in planned.items() if count > 0}
    if planned_townships:
        for (code, quota_type), free in sorted(vacancies.items()):
            if free > 0 and code not in planned_townships:
                problems.append(
                    PlanProblem(
                        VACANCIES_FIRST, code, quota_type,
                        f"{names.get(code, code)}有{quota_type}空编{free}名，未列入计划",
                    )
                )
    return problems


def blocks(problems: Sequence[PlanProblem]) -> list[PlanProblem]:
    return [p for p in problems if p.rule.severity is Severity.BLOCK]


class TransferDirection(StrEnum):
    DOWN = "down"  # 下沉: county body -> township or county reserve pool
    UP = "up"  # 上收: township or county reserve pool -> county body


def quota_after_transfer(
    *, current: int, direction: TransferDirection, count: int, held: str = "乡镇现有核定编制"
) -> int:
    """The holder's count (a township's approved quota or the county's reserve
    pool) after the transfer; ValueError (Chinese) when a transfer up takes
    more than the holder has (``held`` names what it has in the message)."""
    if count <= 0:
        raise ValueError("调整编制数应为正整数")
    if direction is TransferDirection.DOWN:
        return current + count
    if count > current:
        raise ValueError(
            f"上收{count}名超过{held}{current}名（依据：{TRANSFER_WITHIN_QUOTA.source}）"
        )
    return current - count
