"""The "3+X" model as staffing officers use it: scores, reserve, bounds,
explanations, errors, several quota types, and the worked example of
docs/model.md."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bianzhi.core.allocation import (
    AllocationError,
    AllocationParams,
    Bound,
    Method,
    Reserve,
    TownshipInput,
    allocate,
    allocate_plan,
    compare_methods,
    compute_scores,
)

ROOT = Path(__file__).resolve().parents[2]


def township(code, cls="一般乡镇", people=100.0, area=10.0, economy=5.0, name=None, **extra):
    return TownshipInput(
        code=code,
        name=name or f"镇{code}",
        township_class=cls,
        indicators={"人口": people, "面积": area, "经济": economy, **extra},
    )


EQUAL = {"人口": 1.0, "面积": 1.0, "经济": 1.0}


def test_scores_are_weighted_shares_times_class_coefficient():
    towns = [township("1", "中心镇", 300, 10, 1), township("2", people=100, area=30, economy=3)]
    params = AllocationParams(
        total=10, weights={"人口": 2, "面积": 1, "经济": 1}, coefficients={"中心镇": 1.5}
    )
    sc = compute_scores(towns, params)
    # 人口 shares .75/.25, 面积 .25/.75, 经济 .25/.75
    assert sc.scores[0] == pytest.approx(1.5 * (2 * 0.75 + 0.25 + 0.25) / 4)
    assert sc.scores[1] == pytest.approx((2 * 0.25 + 0.75 + 0.75) / 4)


def test_floor_binds_when_quota_below_15():
    towns = [township("1", "中心镇", 1000, 100, 100), township("2", people=10, area=1, economy=1)]
    result = allocate(towns, AllocationParams(total=40, weights=EQUAL, floors={"一般乡镇": 15}))
    small = result.by_code()["2"]
    assert small.allocation == 15
    assert small.bound is Bound.FLOOR
    assert result.by_code()["1"].allocation == 25
    assert result.by_code()["1"].bound is Bound.NONE


def test_cap_binds_and_the_rest_is_shared_by_the_others():
    towns = [township("1", "县政府驻地镇", 1000, 100, 100), township("2"), township("3")]
    result = allocate(
        towns, AllocationParams(total=30, weights=EQUAL, caps={"县政府驻地镇": 12})
    )
    by = result.by_code()
    assert by["1"].allocation == 12 and by["1"].bound is Bound.CAP
    assert by["2"].allocation + by["3"].allocation == 18


def test_reserve_percentage_rounds_half_up():
    assert Reserve(percent=Decimal("5")).resolve(170) == 9  # 8.5 -> 9
    assert Reserve(percent=Decimal("5")).resolve(169) == 8  # 8.45 -> 8
    assert Reserve(count=7).resolve(170) == 7
    assert Reserve.parse("5%") == Reserve(percent=Decimal("5"))
    assert Reserve.parse("12") == Reserve(count=12)
    with pytest.raises(ValueError, match="不是整数或百分比"):
        Reserve.parse("五个")


def test_reserve_is_held_back_from_the_distributable_total():
    towns = [township(str(i)) for i in range(4)]
    result = allocate(towns, AllocationParams(total=100, weights=EQUAL, reserve=Reserve(count=8)))
    assert result.reserve == 8 and result.distributable == 92
    assert sum(t.allocation for t in result.townships) == 92


def test_no_decrease_keeps_every_current_quota():
    towns = [township("1", people=1000), township("2", people=10)]
    params = AllocationParams(
        total=40, weights={"人口": 1}, no_decrease=True, current={"1": 10, "2": 20}
    )
    by = allocate(towns, params).by_code()
    assert by["2"].allocation == 20 and by["2"].bound is Bound.NO_DECREASE
    assert by["1"].allocation == 20 and by["1"].change == 10


def test_max_step_limits_change_both_ways():
    towns = [township("1", people=1000), township("2", people=10)]
    params = AllocationParams(
        total=40, weights={"人口": 1}, max_step=3, current={"1": 17, "2": 23}
    )
    by = allocate(towns, params).by_code()
    assert (by["1"].allocation, by["2"].allocation) == (20, 20)
    assert by["1"].bound is Bound.STEP and by["2"].bound is Bound.STEP
    assert (by["1"].change, by["2"].change) == (3, -3)


def test_township_override_bounds_apply():
    towns = [township("1", people=1000), township("2", people=10)]
    params = AllocationParams(
        total=40, weights={"人口": 1}, township_min={"2": 12}, township_max={"1": 30}
    )
    by = allocate(towns, params).by_code()
    assert by["2"].allocation == 12 and by["2"].bound is Bound.TOWNSHIP_MIN
    assert by["1"].allocation == 28


def test_infeasible_floors_name_every_bound_and_the_numbers():
    towns = [township("1", name="回马镇"), township("2", "中心镇", name="隆盛镇")]
    params = AllocationParams(
        total=30, weights=EQUAL, reserve=Reserve(count=2), floors={"一般乡镇": 15, "中心镇": 16}
    )
    with pytest.raises(AllocationError) as err:
        allocate(towns, params)
    (message,) = err.value.problems
    assert "下限之和 31 超过可分配编制 28" in message
    assert "回马镇 15（类别下限（保底））" in message and "隆盛镇 16" in message


def test_caps_below_the_total_are_reported():
    towns = [township("1"), township("2")]
    params = AllocationParams(total=30, weights=EQUAL, caps={"一般乡镇": 10})
    with pytest.raises(AllocationError, match="上限之和 20 小于可分配编制 30"):
        allocate(towns, params)


def test_every_input_problem_is_reported_at_once():
    towns = [
        township("1", people=-5),
        township("1"),
        TownshipInput("3", "镇3", "一般乡镇", {"人口": 1.0, "面积": 0.0, "经济": 1.0}),
    ]
    params = AllocationParams(
        total=20,
        weights={"人口": 1, "耕地": 1, "经济": -1},
        floors={"超级镇": 3},
    )
    with pytest.raises(AllocationError) as err:
        allocate(towns, params)
    text = "\n".join(err.value.problems)
    assert "乡镇代码 1 重复" in text
    assert "指标“耕地”不存在" in text
    assert "“经济”的权重 -1 不能为负数" in text
    assert "“人口”为 -5，不能为负数" in text
    assert "乡镇类别“超级镇”不存在" in text
    assert len(err.value.problems) >= 5


def test_standard_class_absent_from_the_county_is_accepted_in_options():
    towns = [township("1"), township("2")]
    params = AllocationParams(total=40, weights=EQUAL, floors={"一般乡镇": 15, "特色镇": 18})
    assert sum(t.allocation for t in allocate(towns, params).townships) == 40


def test_indicator_summing_to_zero_is_an_error():
    towns = [township("1", area=0), township("2", area=0)]
    with pytest.raises(AllocationError, match="“面积”所有乡镇之和为 0"):
        allocate(towns, AllocationParams(total=10, weights=EQUAL))


def test_all_zero_weights_are_an_error():
    with pytest.raises(AllocationError, match="至少一个指标的权重必须大于 0"):
        allocate([township("1")], AllocationParams(total=10, weights={"人口": 0}))


def test_explanation_contributions_add_up_to_the_score():
    towns = [township("1", "重点镇", 300, 20, 7, 村数=12), township("2", 100, 30, 3, 村数=8)]
    params = AllocationParams(
        total=30, weights={"人口": 3, "面积": 1, "经济": 2, "村数": 1}, coefficients={"重点镇": 1.2}
    )
    result = allocate(towns, params)
    for t in result.townships:
        assert [c.indicator for c in t.contributions] == ["人口", "面积", "经济", "村数"]
        assert t.coefficient * sum(c.contribution for c in t.contributions) == pytest.approx(
            t.score
        )
    total_score = sum(t.score for t in result.townships)
    for t in result.townships:
        assert t.quota == pytest.approx(30 * t.score / total_score)


def test_divisor_reproduces_the_allocation():
    towns = [township(str(i), people=100 + 37 * i, area=10 + i) for i in range(12)]
    result = allocate(towns, AllocationParams(total=200, weights=EQUAL))
    assert result.divisor is not None and result.divisor_interval is not None
    low, high = result.divisor_interval
    assert low <= result.divisor < high
    for t in result.townships:
        assert t.allocation == int(t.score / result.divisor + 0.5)


def test_exact_tie_is_listed_and_goes_to_the_smaller_code():
    towns = [township("510923102"), township("510923101")]
    result = allocate(towns, AllocationParams(total=3, weights=EQUAL))
    assert result.by_code()["510923101"].allocation == 2
    assert result.by_code()["510923102"].allocation == 1
    assert set(result.ties) == {"510923101", "510923102"}


def test_plan_allocates_each_quota_type_with_its_own_settings():
    towns = [township("1", "中心镇", 500, 10, 1), township("2", people=100, area=40, economy=9)]
    admin = AllocationParams(total=40, weights={"人口": 1}, floors={"一般乡镇": 15})
    institution = AllocationParams(
        total=30, weights={"面积": 1, "经济": 1}, quota_type="事业编制", method=Method.HAMILTON
    )
    plan = allocate_plan(towns, [admin, institution])
    assert [r.quota_type for r in plan.results] == ["行政编制", "事业编制"]
    assert plan.for_type("行政编制").by_code()["2"].allocation == 15
    assert sum(t.allocation for t in plan.for_type("事业编制").townships) == 30
    assert plan.for_type("事业编制").divisor is None


def test_plan_reports_problems_of_every_quota_type():
    towns = [township("1")]
    bad_admin = AllocationParams(total=10, weights={"耕地": 1})
    bad_inst = AllocationParams(total=-1, weights=EQUAL, quota_type="事业编制")
    with pytest.raises(AllocationError) as err:
        allocate_plan(towns, [bad_admin, bad_inst])
    assert any(p.startswith("行政编制") for p in err.value.problems)
    assert any(p.startswith("事业编制") for p in err.value.problems)


def test_compare_methods_runs_every_method_with_the_same_total():
    towns = [township(str(i), people=50 + 91 * i) for i in range(7)]
    results = compare_methods(towns, AllocationParams(total=77, weights=EQUAL))
    assert set(results) == set(Method)
    assert all(sum(t.allocation for t in r.townships) == 77 for r in results.values())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 10_000), min_size=2, max_size=9),
    st.sampled_from(list(Method)),
    st.integers(0, 40),
)
def test_same_input_gives_the_same_output(people, method, extra):
    towns = [township(f"{i:03d}", people=p) for i, p in enumerate(people)]
    params = AllocationParams(
        total=15 * len(people) + extra, weights={"人口": 1}, floors={"一般乡镇": 15}, method=method
    )
    first = allocate(towns, params)
    again = allocate(list(reversed(towns)), params)
    assert first.by_code().keys() == again.by_code().keys()
    for code, t in first.by_code().items():
        assert again.by_code()[code].allocation == t.allocation


# --- the worked example in docs/model.md ------------------------------------


def _doc_block(name: str) -> str:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name} -->\n(.*?)<!-- /{name} -->", text, re.S)
    assert match, name
    return match.group(1)


def _markdown_rows(block: str) -> list[list[str]]:
    lines = [ln for ln in block.strip().splitlines() if ln.startswith("|")]
    return [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]


def _doc_params(block: str) -> AllocationParams:
    config = tomllib.loads(block.split("```toml")[1].split("```")[0])
    return AllocationParams(
        total=config["total"],
        reserve=Reserve.parse(config["reserve"]),
        method=Method(config["method"]),
        weights=config["weights"],
        floors=config["floors"],
        caps=config["caps"],
        coefficients=config["coefficients"],
    )


def test_worked_example_in_the_model_document_matches_the_engine():
    rows = _markdown_rows(_doc_block("example-input"))
    towns = [
        TownshipInput(code, name, cls, {"人口": float(p), "面积": float(a), "经济": float(e)})
        for code, name, cls, p, a, e, _ in rows
    ]
    params = replace(
        _doc_params(_doc_block("example-params")),
        current={r[0]: int(r[6]) for r in rows},
    )
    result = allocate(towns, params)
    assert result.reserve == 9 and result.distributable == 171
    expected = _markdown_rows(_doc_block("example-result"))
    for (code, name, score, quota, alloc, bound, change), got in zip(
        expected, result.townships, strict=True
    ):
        assert (got.code, got.name) == (code, name)
        assert f"{got.score:.4f}" == score
        assert f"{got.quota:.2f}" == quota
        assert got.allocation == int(alloc)
        assert got.bound.label == bound
        assert got.change == int(change)
    assert result.divisor == pytest.approx(0.0058)


def test_core_imports_without_django():
    code = (
        "import sys, bianzhi.core.allocation, bianzhi.core.apportion, pkgutil, importlib, bianzhi.core\n"
        "for m in pkgutil.walk_packages(bianzhi.core.__path__, 'bianzhi.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert 'django' not in sys.modules, 'bianzhi.core imported django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": str(ROOT / "src")})
