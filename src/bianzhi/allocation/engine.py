"""Between stored plans and the engine: JSON parameters and input snapshots in,
``bianzhi.core.allocation`` dataclasses out. No database access here.

A plan's ``inputs`` snapshot has the shape::

    {"year": 2026, "classes": ["县政府驻地镇", ...],
     "indicators": [{"name": "人口", "unit": "人"}, ...],
     "townships": [{"code": "510923100", "name": "蓬莱镇", "class": "县政府驻地镇",
                    "indicators": {"人口": 118300.0, ...},
                    "current": {"行政编制": 28}}, ...]}
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bianzhi.core.allocation import (
    AllocationError,
    AllocationParams,
    AllocationResult,
    Method,
    PlanResult,
    Reserve,
    TownshipInput,
    allocate,
    allocate_plan,
)

PARAM_KEYS = (
    "total",
    "reserve",
    "method",
    "weights",
    "floors",
    "caps",
    "coefficients",
    "no_decrease",
    "max_step",
)


def params_problems(params: Mapping[str, Any]) -> list[str]:
    """Shape problems of a plan's ``params`` JSON (the engine checks the rest)."""
    problems: list[str] = []
    if not params:
        problems.append("至少选择一种编制类型")
    for quota_type, p in params.items():
        missing = [k for k in PARAM_KEYS if k not in p]
        if missing:
            problems.append(f"{quota_type}：参数缺少 {'、'.join(missing)}")
            continue
        try:
            Reserve.parse(str(p["reserve"]))
        except ValueError as exc:
            problems.append(f"{quota_type}：{exc}")
        if p["method"] not in Method._value2member_map_:
            problems.append(f"{quota_type}：未知的测算方法“{p['method']}”")
    return problems


def township_inputs(inputs: Mapping[str, Any]) -> list[TownshipInput]:
    return [
        TownshipInput(
            code=t["code"],
            name=t["name"],
            township_class=t["class"],
            indicators={k: float(v) for k, v in t["indicators"].items()},
        )
        for t in inputs["townships"]
    ]


def _number(value: Any) -> float:
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return float("nan")  # the engine reports it as an invalid number


def allocation_params(
    quota_type: str, p: Mapping[str, Any], inputs: Mapping[str, Any]
) -> AllocationParams:
    """``AllocationParams`` for one quota type of a plan, with the current
    approved quotas taken from the input snapshot.

    Indicators weighted 0 are left out (they contribute nothing, and a
    township missing such a value is no reason to refuse the run) unless
    every weight is 0, which the engine then reports.
    """
    weights = {k: _number(v) for k, v in p["weights"].items()}
    positive = {k: v for k, v in weights.items() if v != 0}
    current = {
        t["code"]: int(t["current"][quota_type])
        for t in inputs["townships"]
        if t.get("current", {}).get(quota_type) is not None
    }
    return AllocationParams(
        total=int(p["total"]),
        weights=positive or weights,
        quota_type=quota_type,
        reserve=Reserve.parse(str(p["reserve"])),
        method=Method(p["method"]),
        floors={k: int(v) for k, v in p["floors"].items()},
        caps={k: int(v) for k, v in p["caps"].items()},
        coefficients={k: _number(v) for k, v in p["coefficients"].items()},
        no_decrease=bool(p["no_decrease"]),
        max_step=None if p["max_step"] in (None, "") else int(p["max_step"]),
        current=current,
    )


def run(params: Mapping[str, Any], inputs: Mapping[str, Any]) -> PlanResult:
    """Every quota type of the plan; raises AllocationError with all problems."""
    problems = params_problems(params)
    if problems:
        raise AllocationError(problems)
    townships = township_inputs(inputs)
    return allocate_plan(
        townships, [allocation_params(qt, p, inputs) for qt, p in params.items()]
    )


def run_one(quota_type: str, p: Mapping[str, Any], inputs: Mapping[str, Any]) -> AllocationResult:
    problems = params_problems({quota_type: p})
    if problems:
        raise AllocationError(problems)
    return allocate(township_inputs(inputs), allocation_params(quota_type, p, inputs))
