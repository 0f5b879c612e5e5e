"""The explanation of one township's number: a township officer redoes it
with the figures it states (seats held by other townships' floors and caps,
the divisor d, the township's quotient q, the rounding rule)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bianzhi.core.allocation import (
    AllocationError,
    AllocationParams,
    Bound,
    Method,
    TownshipInput,
    allocate,
    explain,
)

EQUAL = {"人口": 1.0, "面积": 1.0, "经济": 1.0}


def town(code: str, people: float, cls: str = "一般乡镇") -> TownshipInput:
    return TownshipInput(code=code, name=f"镇{code}", township_class=cls,
                         indicators={"人口": people, "面积": people, "经济": people})


def _redo(method: Method, quotient: float) -> int:
    """The rounding rule as the sentence states it, done by hand."""
    whole = math.floor(quotient)
    if method is Method.WEBSTER:
        return whole + (quotient - whole >= 0.5)
    if method is Method.DHONDT:
        return whole
    if method is Method.ADAMS:
        return math.ceil(quotient)
    return whole + (quotient > math.sqrt(whole * (whole + 1)))


def test_floors_of_other_townships_explain_a_number_below_the_rounded_quota() -> None:
    # One big town and five small ones held at the ordinary floor of 15.
    towns = [town("1", 1000, "中心镇")] + [town(str(i), 50) for i in range(2, 7)]
    result = allocate(towns, AllocationParams(total=120, weights=EQUAL, floors={"一般乡镇": 15}))
    why = explain(result, "1")
    assert round(why.quota) > why.allocation  # the quota alone would give more
    (held,) = why.held
    assert held.bound is Bound.FLOOR and held.seats == 75 and len(held.names) == 5
    assert why.free_seats == 120 - 75 and why.free_count == 1
    assert why.divisor is not None and why.quotient == pytest.approx(why.score / why.divisor)
    assert why.rounded == why.allocation == 45
    text = "".join(why.sentences())
    assert "镇2、镇3、镇4、镇5、镇6（5个乡镇）受“类别下限（保底）”约束，共取 75 名" in text
    assert f"除数 d = {why.divisor:.10g}" in text and "取整得 45" in text and "韦伯斯特" in text


def test_a_township_held_at_its_floor_says_its_rounded_quotient_fell_below_it() -> None:
    towns = [town("1", 1000, "中心镇")] + [town(str(i), 50) for i in range(2, 7)]
    result = allocate(towns, AllocationParams(total=120, weights=EQUAL, floors={"一般乡镇": 15}))
    why = explain(result, "2")
    assert why.bound is Bound.FLOOR and why.rounded < 15 == why.allocation
    assert f"{why.rounded} 低于本乡镇的类别下限（保底） 15，故测算编制为 15。" in why.sentences()[-1]


@settings(max_examples=60, deadline=None)
@given(
    people=st.lists(st.integers(min_value=1, max_value=5000), min_size=2, max_size=12),
    total=st.integers(min_value=20, max_value=400),
    floor=st.integers(min_value=0, max_value=12),
    method=st.sampled_from(list(Method)),
)
def test_every_explanation_reproduces_the_number_from_the_figures_it_states(
    people: list[int], total: int, floor: int, method: Method
) -> None:
    towns = [town(f"{i:02d}", p) for i, p in enumerate(people)]
    try:
        result = allocate(towns, AllocationParams(total=total, weights=EQUAL, floors={"一般乡镇": floor},
                                                  method=method))
    except AllocationError:
        return
    for t in result.townships:
        why = explain(result, t.code)
        assert why.allocation == t.allocation and why.bound is t.bound
        assert why.free_seats + sum(g.seats for g in why.held) + (t.allocation if why.is_held else 0) \
            == result.distributable
        if method.is_divisor:
            assert why.divisor is not None
            assert why.quotient == pytest.approx(t.score / why.divisor)
            assert why.rounded == _redo(method, why.quotient) or t.tied
        if why.is_held:
            assert why.allocation == (t.lower if why.rounded < t.allocation else t.upper)
        elif not t.tied:
            assert why.rounded == t.allocation
        assert why.sentences()[-1 if not t.tied else -2].endswith(f"{t.allocation}。")
