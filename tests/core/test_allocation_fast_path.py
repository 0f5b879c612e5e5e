"""The vectorised allocation (columns in, arrays out, objects built on first
read) gives exactly what a plain, township-by-township reading of the model
gives: the same seats, bounds and their sources, scores, shares and
contributions, the same "which bound fixed it", and the same errors.

The reference below is deliberately naive: loops over townships, a
seat-by-seat divisor method, no numpy. Timings are for `make bench`."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bianzhi.core import allocation as model
from bianzhi.core.allocation import (
    AllocationError,
    AllocationParams,
    Bound,
    Method,
    Reserve,
    TownshipColumns,
    TownshipInput,
    allocate,
    allocate_groups,
    validate,
)
from bianzhi.core.apportion import hamilton

INDICATORS = ("人口", "面积", "经济")
CLASSES = ("县政府驻地镇", "中心镇", "一般乡镇")
NO_CAP = 10**9


def _quantize(p: float) -> float:
    """The kernel compares priorities rounded to 40 significant bits."""
    if p == 0 or math.isinf(p):
        return p
    mantissa, exponent = math.frexp(p)
    return math.ldexp(round(mantissa * 2.0**40) / 2.0**40, exponent)


def _signpost(k: int, method: Method) -> float:
    return {
        Method.WEBSTER: k + 0.5,
        Method.DHONDT: k + 1.0,
        Method.ADAMS: float(k),
        Method.HUNTINGTON_HILL: math.sqrt(k * (k + 1.0)),
    }[method]


def _priority(s: float, k: int, method: Method) -> float:
    r = _signpost(k, method)
    if s <= 0:
        return 0.0
    return math.inf if r == 0 else _quantize(s / r)


def _rounded(x: float, method: Method) -> int:
    """Seats for quotient x: the number of signposts strictly below it."""
    k = 0
    while _signpost(k, method) < x:
        k += 1
    return k


def reference(towns: list[TownshipInput], params: AllocationParams) -> dict[str, Any]:
    """The model read literally, one township at a time."""
    weights = dict(params.weights)
    wsum = sum(weights.values())
    sums = {k: sum(t.indicators[k] for t in towns) for k in weights}
    rows: list[dict[str, Any]] = []
    for t in towns:
        shares = {k: (t.indicators[k] / sums[k] if sums[k] > 0 else 0.0) for k in weights}
        coefficient = float(params.coefficients.get(t.township_class, 1.0))
        current = params.current.get(t.code)
        lows = [(0, Bound.NONE)]
        highs = [(NO_CAP, Bound.NONE)]
        if t.township_class in params.floors:
            lows.append((params.floors[t.township_class], Bound.FLOOR))
        if t.township_class in params.caps:
            highs.append((params.caps[t.township_class], Bound.CAP))
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
        rows.append(
            {
                "code": t.code,
                "class": t.township_class,
                "shares": shares,
                "contributions": {k: weights[k] * shares[k] / wsum for k in weights},
                "coefficient": coefficient,
                "score": coefficient * sum(weights[k] * shares[k] for k in weights) / wsum,
                "lower": low,
                "upper": high,
                "lower_source": next(src for v, src in lows if v == low),
                "upper_source": next(src for v, src in highs if v == high),
                "current": current,
            }
        )
    return {"rows": rows, "distributable": params.total - params.reserve.resolve(params.total)}


def reference_seats(ref: dict[str, Any], params: AllocationParams) -> list[int]:
    """Seat by seat: every township its lower bound, then each further seat
    to the highest priority (ties: higher score, then smaller code)."""
    rows = ref["rows"]
    seats = [r["lower"] for r in rows]
    for _ in range(ref["distributable"] - sum(seats)):
        open_ = [i for i, r in enumerate(rows) if seats[i] < r["upper"]]
        best = max(
            open_,
            key=lambda i: (
                _priority(rows[i]["score"], seats[i], params.method),
                rows[i]["score"],
                [-ord(c) for c in rows[i]["code"]],
            ),
        )
        seats[best] += 1
    return seats


@st.composite
def plans(draw: Any, method: Method | None = None) -> tuple[list[TownshipInput], AllocationParams]:
    n = draw(st.integers(1, 7))
    codes = draw(
        st.lists(st.text("0123456789", min_size=3, max_size=3), min_size=n, max_size=n, unique=True)
    )
    value = st.floats(0.5, 1e5, allow_nan=False, allow_infinity=False)
    towns = [
        TownshipInput(
            code=code,
            name=f"镇{code}",
            township_class=draw(st.sampled_from(CLASSES)),
            indicators={k: draw(value) for k in INDICATORS},
        )
        for code in codes
    ]
    some_codes = st.lists(st.sampled_from(codes), unique=True, max_size=n)
    params = AllocationParams(
        total=draw(st.integers(0, 60)),
        weights={k: draw(st.floats(0.1, 5)) for k in draw(st.sampled_from([INDICATORS, INDICATORS[:2]]))},
        reserve=draw(st.sampled_from([Reserve(), Reserve(count=2), Reserve(percent=Decimal("5"))])),
        method=method or draw(st.sampled_from(list(Method))),
        floors=draw(st.dictionaries(st.sampled_from(CLASSES), st.integers(0, 6), max_size=2)),
        caps=draw(st.dictionaries(st.sampled_from(CLASSES), st.integers(3, 20), max_size=2)),
        coefficients=draw(st.dictionaries(st.sampled_from(CLASSES), st.floats(0.5, 2), max_size=2)),
        no_decrease=draw(st.booleans()),
        max_step=draw(st.one_of(st.none(), st.integers(0, 5))),
        current={c: draw(st.integers(0, 12)) for c in draw(some_codes)},
        township_min={c: draw(st.integers(0, 6)) for c in draw(some_codes)},
        township_max={c: draw(st.integers(4, 20)) for c in draw(some_codes)},
    )
    return towns, params


def _feasible(ref: dict[str, Any]) -> bool:
    rows, d = ref["rows"], ref["distributable"]
    if any(r["lower"] > r["upper"] for r in rows) or sum(r["lower"] for r in rows) > d:
        return False
    return not (all(r["upper"] < NO_CAP for r in rows) and sum(r["upper"] for r in rows) < d)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_every_field_of_the_fast_result_equals_the_plain_reading(plan):
    towns, params = plan
    ref = reference(towns, params)
    if not _feasible(ref):
        with pytest.raises(AllocationError):
            allocate(towns, params)
        return
    result = allocate(towns, params)
    if params.method is Method.HAMILTON:
        scores = [r["score"] for r in ref["rows"]]
        import numpy as np

        ham = hamilton(
            np.array(scores),
            np.array([r["lower"] for r in ref["rows"]]),
            np.array([r["upper"] for r in ref["rows"]]),
            ref["distributable"],
            order=np.argsort(np.argsort(np.array([r["code"] for r in ref["rows"]], dtype=object))),
        )
        seats = ham.allocation.tolist()
        unbounded = ham.unbounded.tolist()
    else:
        seats = reference_seats(ref, params)
        d = result.divisor
        assert d is not None
        unbounded = [
            _rounded(r["score"] / d, params.method) if d > 0 else seats[i]
            for i, r in enumerate(ref["rows"])
        ]
    assert [t.allocation for t in result.townships] == seats
    for i, (t, r) in enumerate(zip(result.townships, ref["rows"], strict=True)):
        assert t.code == r["code"] and t.township_class == r["class"]
        assert (t.lower, t.upper) == (r["lower"], None if r["upper"] >= NO_CAP else r["upper"])
        assert (t.lower_source, t.upper_source) == (r["lower_source"], r["upper_source"])
        assert t.coefficient == r["coefficient"]
        assert t.score == pytest.approx(r["score"], rel=1e-12)
        assert [c.indicator for c in t.contributions] == list(params.weights)
        for c in t.contributions:
            assert c.value == towns[i].indicators[c.indicator]
            assert c.weight == params.weights[c.indicator]
            assert c.share == pytest.approx(r["shares"][c.indicator], rel=1e-12)
            assert c.contribution == pytest.approx(r["contributions"][c.indicator], rel=1e-12)
        if t.allocation == r["lower"] and unbounded[i] < r["lower"] and r["lower_source"] is not Bound.NONE:
            expected = r["lower_source"]
        elif t.allocation == r["upper"] and unbounded[i] > r["upper"]:
            expected = r["upper_source"]
        else:
            expected = Bound.NONE
        assert t.bound is expected
        assert t.current == r["current"]
        assert t.change == (None if r["current"] is None else seats[i] - r["current"])
    assert result.ties == tuple(t.code for t in result.townships if t.tied)


@settings(max_examples=150, deadline=None)
@given(plans(), st.data())
def test_the_quick_validity_check_agrees_with_validate(plan, data):
    towns, params = plan
    # Spoil the input now and then, the way users do.
    spoil = data.draw(st.sampled_from(["none", "nan", "negative", "missing", "duplicate", "class"]))
    if spoil == "nan":
        towns[0] = TownshipInput(towns[0].code, "甲", towns[0].township_class, {**towns[0].indicators, "人口": math.nan})
    elif spoil == "negative":
        towns[-1] = TownshipInput(towns[-1].code, "乙", towns[-1].township_class, {**towns[-1].indicators, "面积": -1.0})
    elif spoil == "missing":
        towns[0] = TownshipInput(towns[0].code, "丙", towns[0].township_class, {"人口": 1.0})
    elif spoil == "duplicate":
        towns.append(towns[0])
    elif spoil == "class":
        params = AllocationParams(total=params.total, weights=params.weights, floors={"不存在的类": 3})
    quick = model._surely_valid(model._columns(towns, params), params)
    assert quick == (validate(towns, params) == [])


def test_allocating_a_column_table_equals_allocating_the_plain_list():
    towns = [
        TownshipInput(f"{i:03d}", f"镇{i}", CLASSES[i % 3], {"人口": 10.0 + i * 7 % 13, "面积": 3.0 + i, "经济": 1.0 + i % 4})
        for i in range(30, 0, -1)  # not sorted by code: the tie-break rank is computed
    ]
    params = AllocationParams(total=200, weights={"人口": 0.5, "面积": 0.2, "经济": 0.3}, floors={"一般乡镇": 4})
    table = TownshipColumns(towns)
    plain, columnar = allocate(towns, params), allocate(table, params)
    assert plain == columnar
    assert plain.townships == tuple(plain.townships)  # objects built once, compared by value
    assert list(table) == towns and table[0] is towns[0]


def test_a_batch_of_groups_equals_each_group_alone():
    groups = [
        (
            [TownshipInput(f"{g}{i:02d}", f"镇{i}", "一般乡镇", {"人口": 5.0 + (i * g) % 11, "面积": 2.0 + i})
             for i in range(8)],
            AllocationParams(total=30 + g, weights={"人口": 1.0, "面积": 1.0}, floors={"一般乡镇": 2}),
        )
        for g in range(1, 5)
    ]
    batched = allocate_groups(groups)
    assert batched == tuple(allocate(towns, params) for towns, params in groups)


def test_missing_indicator_in_a_column_table_is_reported_by_row():
    towns = [
        TownshipInput("001", "甲镇", "一般乡镇", {"人口": 1.0, "面积": 2.0}),
        TownshipInput("002", "乙镇", "一般乡镇", {"人口": 3.0}),
    ]
    with pytest.raises(AllocationError, match="乙镇（002）缺少指标“面积”"):
        allocate(TownshipColumns(towns), AllocationParams(total=5, weights={"人口": 1, "面积": 1}))


def test_reading_one_township_or_a_page_builds_the_same_objects_as_reading_all():
    towns = [
        TownshipInput(f"{i:03d}", f"镇{i}", CLASSES[i % 3], {"人口": 10.0 + i * 7 % 13, "面积": 3.0 + i})
        for i in range(12)
    ]
    params = AllocationParams(
        total=90, weights={"人口": 2.0, "面积": 1.0}, floors={"一般乡镇": 5}, current={"003": 7}
    )
    lazy, full = allocate(towns, params).townships, allocate(towns, params).townships
    everything = tuple(full)
    assert [lazy[i] for i in range(12)] == list(everything)
    assert lazy[-1] == everything[-1] and lazy[2:5] == everything[2:5]
    with pytest.raises(IndexError):
        lazy[12]
