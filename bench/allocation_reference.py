"""The allocation as it was computed before issue 16, kept as the in-run
baseline of the allocation benchmarks: one township at a time for the
bounds and for the explanation (the apportionment kernel is the same), and
the JSON written by the Python encoder with an indent.

It is also an independent reading of the model: the benchmarks check that
the fast path gives exactly the same TownshipAllocation objects."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from bianzhi.core.allocation import (
    AllocationError,
    AllocationParams,
    Bound,
    IndicatorContribution,
    TownshipAllocation,
    TownshipInput,
    validate,
)
from bianzhi.core.apportion import apportion, round_quotients

_NO_CAP = 10**9


def plain_allocate(
    townships: Sequence[TownshipInput], params: AllocationParams
) -> tuple[tuple[TownshipAllocation, ...], float]:
    """(townships, divisor) for a divisor method, the pre-issue-16 way."""
    problems = validate(townships, params)
    if problems:
        raise AllocationError(problems)
    distributable = params.total - params.reserve.resolve(params.total)
    lower: list[int] = []
    upper: list[int] = []
    lower_src: list[Bound] = []
    upper_src: list[Bound] = []
    for t in townships:
        current = params.current.get(t.code)
        lows: list[tuple[int, Bound]] = [(0, Bound.NONE)]
        highs: list[tuple[int, Bound]] = [(_NO_CAP, Bound.NONE)]
        if t.township_class in params.floors:
            lows.append((int(params.floors[t.township_class]), Bound.FLOOR))
        if t.township_class in params.caps:
            highs.append((int(params.caps[t.township_class]), Bound.CAP))
        if current is not None and params.no_decrease:
            lows.append((current, Bound.NO_DECREASE))
        if current is not None and params.max_step is not None:
            lows.append((current - params.max_step, Bound.STEP))
            highs.append((current + params.max_step, Bound.STEP))
        if t.code in params.township_min:
            lows.append((params.township_min[t.code], Bound.TOWNSHIP_MIN))
        if t.code in params.township_max:
            highs.append((params.township_max[t.code], Bound.TOWNSHIP_MAX))
        low = max(v for v, _ in lows)
        high = min(v for v, _ in highs)
        lower.append(low)
        upper.append(high)
        lower_src.append(next(src for v, src in lows if v == low))
        upper_src.append(next(src for v, src in highs if v == high))
    names = tuple(params.weights)
    weights = np.array([float(params.weights[k]) for k in names])
    values = np.array([[float(t.indicators[k]) for k in names] for t in townships]).reshape(
        len(townships), len(names)
    )
    sums = values.sum(axis=0)
    shares = values / np.where(sums > 0, sums, 1.0)
    coefficients = np.array(
        [float(params.coefficients.get(t.township_class, 1.0)) for t in townships]
    )
    s = coefficients * (shares @ weights) / weights.sum()
    exact = distributable * s / s.sum()
    codes = np.array([t.code for t in townships], dtype=object)
    order = np.empty(len(codes), dtype=np.int64)
    order[np.argsort(codes, kind="stable")] = np.arange(len(codes))
    batch = apportion(
        s, np.array(lower), np.array(upper), np.array([distributable]), params.method.value, order=order
    )
    divisor = batch.divisor[0].item()
    unbounded = round_quotients(s / divisor, params.method.value)
    items: list[TownshipAllocation] = []
    for i, t in enumerate(townships):
        a = int(batch.allocation[i])
        if a == lower[i] and unbounded[i] < lower[i] and lower_src[i] is not Bound.NONE:
            bound = lower_src[i]
        elif a == upper[i] and unbounded[i] > upper[i]:
            bound = upper_src[i]
        else:
            bound = Bound.NONE
        current = params.current.get(t.code)
        items.append(
            TownshipAllocation(
                code=t.code,
                name=t.name,
                township_class=t.township_class,
                contributions=tuple(
                    IndicatorContribution(
                        indicator=name,
                        value=float(values[i, k]),
                        share=float(shares[i, k]),
                        weight=float(weights[k]),
                        contribution=float(weights[k] * shares[i, k] / weights.sum()),
                    )
                    for k, name in enumerate(names)
                ),
                coefficient=float(coefficients[i]),
                score=float(s[i]),
                quota=float(exact[i]),
                lower=lower[i],
                upper=None if upper[i] >= _NO_CAP else upper[i],
                lower_source=lower_src[i],
                upper_source=upper_src[i],
                allocation=a,
                bound=bound,
                current=current,
                change=None if current is None else a - current,
                tied=bool(batch.tied[i]),
            )
        )
    return tuple(items), divisor


def plain_json(townships: Sequence[TownshipAllocation]) -> str:
    """The townships part of the JSON output, written as before (indent 2)."""
    documents: list[dict[str, Any]] = [
        {
            "code": t.code,
            "name": t.name,
            "class": t.township_class,
            "score": t.score,
            "quota": t.quota,
            "allocation": t.allocation,
            "bound": t.bound.value,
            "bound_label": t.bound.label if t.bound is not Bound.NONE else None,
            "current": t.current,
            "change": t.change,
            "lower": t.lower,
            "lower_source": t.lower_source.value,
            "upper": t.upper,
            "upper_source": t.upper_source.value,
            "coefficient": t.coefficient,
            "tied": t.tied,
            "indicators": {
                c.indicator: {
                    "value": c.value,
                    "share": c.share,
                    "weight": c.weight,
                    "contribution": c.contribution,
                }
                for c in t.contributions
            },
        }
        for t in townships
    ]
    return json.dumps(documents, ensure_ascii=False, indent=2, allow_nan=False)
