"""Between stored plans and the engine: JSON parameters and input snapshots in,
``bianzhi.core.allocation`` dataclasses out. No database access here.

A plan's ``inputs`` snapshot has the shape::

    {"year": 2026, "classes": ["县政府驻地镇", ...],
     "indicators": [{"name": "人口", "unit": "人"}, ...],
     "counties": [{"code": "510923", "name": "大英县"}, ...],
     "townships": [{"code": "510923100", "name": "蓬莱镇", "class": "县政府驻地镇",
                    "county": "510923",
                    "indicators": {"人口": 118300.0, ...},
                    "current": {"行政编制": 28}}, ...]}

(``counties`` and each township's ``county`` were added with city plans;
snapshots of older county plans lack them, and nothing here needs them for a
county plan.)

Plan modes (``AllocationPlan.mode``): ``county`` (one county, one total),
``pooled`` (全市统筹: the city's townships as one group with one total, so
quotas move across counties) and ``per_county`` (各县分别控制: each county its
own total, floors and caps from ``params[quota_type]["counties"][code]``; all
counties allocated by one batched ``allocate_groups`` call).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bianzhi.core.allocation import (
    AllocationError,
    AllocationParams,
    AllocationResult,
    Method,
    Reserve,
    TownshipInput,
    allocate_groups,
)

COUNTY = "county"
POOLED = "pooled"
PER_COUNTY = "per_county"
MODES = (COUNTY, POOLED, PER_COUNTY)

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


@dataclass(frozen=True)
class Group:
    """One independently allocated group: a county of a 各县分别控制 plan, or
    the plan's whole region (``code`` and ``name`` empty) otherwise."""

    code: str
    name: str
    result: AllocationResult


def county_params(p: Mapping[str, Any], county_code: str) -> dict[str, Any]:
    """One county's parameters of a 各县分别控制 plan: the shared ones with the
    county's own total, floors and caps."""
    own = p.get("counties", {}).get(county_code, {})
    return {**p, "total": own.get("total", 0), "floors": own.get("floors", {}), "caps": own.get("caps", {})}


def _per_county_problems(quota_type: str, p: Mapping[str, Any], inputs: Mapping[str, Any]) -> list[str]:
    entered = p.get("counties", {})
    return [
        f"{c['name']}·{quota_type}：未填写本县编制总量"
        for c in inputs.get("counties", [])
        if entered.get(c["code"], {}).get("total") in (None, "")
    ]


def run_one(
    quota_type: str, p: Mapping[str, Any], inputs: Mapping[str, Any], mode: str = COUNTY
) -> tuple[Group, ...]:
    """One quota type of a plan: one group, or one per county (``per_county``,
    all counties in one batched kernel call). Raises AllocationError with all
    problems, each county's prefixed with its name."""
    problems = params_problems({quota_type: p})
    if mode == PER_COUNTY:
        problems += _per_county_problems(quota_type, p, inputs)
    if problems:
        raise AllocationError(problems)
    if mode != PER_COUNTY:
        only = allocate_groups([(township_inputs(inputs), allocation_params(quota_type, p, inputs))])
        return (Group("", "", only[0]),)
    counties = inputs["counties"]
    # Split once (a province plan has 3,111 townships in 183 counties).
    by_county: dict[str, list[Any]] = {}
    for t in inputs["townships"]:
        by_county.setdefault(t["county"], []).append(t)
    parts = []
    for county in counties:
        own = {**inputs, "townships": by_county.get(county["code"], [])}
        parts.append(
            (township_inputs(own), allocation_params(quota_type, county_params(p, county["code"]), own))
        )
    results = allocate_groups(parts, labels=[c["name"] for c in counties])
    return tuple(Group(c["code"], c["name"], r) for c, r in zip(counties, results, strict=True))


def run(
    params: Mapping[str, Any], inputs: Mapping[str, Any], mode: str = COUNTY
) -> dict[str, tuple[Group, ...]]:
    """Every quota type of the plan; raises AllocationError with the problems
    of every quota type (collected, so the user sees all of them at once)."""
    problems = params_problems(params)
    if problems:
        raise AllocationError(problems)
    results: dict[str, tuple[Group, ...]] = {}
    for quota_type, p in params.items():
        try:
            results[quota_type] = run_one(quota_type, p, inputs, mode)
        except AllocationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise AllocationError(problems)
    return results
