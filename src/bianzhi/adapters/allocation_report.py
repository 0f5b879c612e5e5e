"""An allocation report (测算结果) and its result table, shared by every
format: ``allocation_export`` writes it as csv, json or a terminal table (and
chooses the format), ``xlsx_allocation`` as the printable workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bianzhi.core.allocation import (
    AllocationResult,
    Bound,
    Method,
    TownshipAllocation,
)

SCORE_FORMULA = (
    "综合得分 = 类别系数 × Σ(指标权重 × 指标占比) ÷ Σ指标权重；指标占比 = 本乡镇指标值 ÷ 全县合计"
)
QUOTA_FORMULA = "理论编制数 = 基本编制 × 本乡镇综合得分 ÷ 全县综合得分合计（未取整）"


@dataclass(frozen=True)
class AllocationReport:
    """What the writers need: the result and how to present it.

    `comparison`, when given, holds the same plan under every method (as
    `compare_methods` returns it) for the comparison sheet/key/table.
    `generated_at` is shown on the parameters sheet when given (adapters never
    read the clock: the caller says when).
    """

    result: AllocationResult
    title: str
    source: str = ""
    comparison: Mapping[Method, AllocationResult] | None = None
    generated_at: datetime | None = None


# ---------------------------------------------------------------------------
# The result table


@dataclass(frozen=True)
class ResultColumn:
    header: str
    value: Callable[[int, TownshipAllocation], object]
    kind: str  # "text", "int", "signed", "score", "quota"
    total: Callable[[Sequence[TownshipAllocation]], object] | None = None


def _has_current(result: AllocationResult) -> bool:
    # From the array: reading the objects would build all of them.
    return bool(result.townships.has_current.any())


def constraint_text(t: TownshipAllocation) -> str:
    """Why a township got what it got, when a bound rather than the model decided."""
    parts = [] if t.bound is Bound.NONE else [t.bound.label]
    if t.tied:
        parts.append("得分并列")
    return "；".join(parts)


def _sum_known(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def result_columns(result: AllocationResult) -> list[ResultColumn]:
    columns = [
        ResultColumn("序号", lambda i, t: i + 1, "int"),
        ResultColumn("乡镇代码", lambda i, t: t.code, "text"),
        ResultColumn("乡镇名称", lambda i, t: t.name, "text"),
        ResultColumn("乡镇类别", lambda i, t: t.township_class, "text"),
        ResultColumn("综合得分", lambda i, t: t.score, "score"),
        ResultColumn("理论编制数", lambda i, t: t.quota, "quota", lambda ts: sum(t.quota for t in ts)),
        ResultColumn("下限", lambda i, t: t.lower, "int", lambda ts: sum(t.lower for t in ts)),
        ResultColumn(
            "上限",
            lambda i, t: "不限" if t.upper is None else t.upper,
            "int",
            lambda ts: None if any(t.upper is None for t in ts) else sum(t.upper or 0 for t in ts),
        ),
        ResultColumn(
            "测算编制", lambda i, t: t.allocation, "int", lambda ts: sum(t.allocation for t in ts)
        ),
    ]
    if _has_current(result):
        columns += [
            ResultColumn(
                "现有编制",
                lambda i, t: t.current,
                "int",
                lambda ts: _sum_known([t.current for t in ts]),
            ),
            ResultColumn(
                "增减",
                lambda i, t: t.change,
                "signed",
                lambda ts: _sum_known([t.change for t in ts]),
            ),
        ]
    columns.append(ResultColumn("约束说明", lambda i, t: constraint_text(t), "text"))
    return columns


def short_label(method: Method) -> str:
    """ "韦伯斯特法" for "韦伯斯特法（圣拉古法，四舍五入）"."""
    return method.label.split("（")[0]


def reserve_text(result: AllocationResult) -> str:
    reserve = result.params.reserve
    if reserve.percent is not None:
        return f"{result.reserve}（编制总量的 {reserve.describe()}，四舍五入）"
    return str(result.reserve)


def number_text(value: object, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        digits = 6 if kind == "score" else 2
        return f"{value:.{digits}f}"
    if kind == "signed" and isinstance(value, int):
        return f"{value:+d}" if value else "0"
    return str(value)
