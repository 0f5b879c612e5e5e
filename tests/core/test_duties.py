"""bianzhi.core.duties: "1+4" take-up, the duty-access gate, expiry, overdue
steps, weighted assessments, rankings and two-way evaluation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bianzhi.core.duties import (
    AGENCY_FLOOR_SOURCE,
    AGENCY_TOWNSHIP_WEIGHT_FLOOR,
    DEPARTMENT_FLOOR_SOURCE,
    DEPARTMENT_TOWNSHIP_WEIGHT_FLOOR,
    FORBIDDEN_DEMANDS,
    POWER_TYPES,
    AccessRequestFacts,
    AccessStatus,
    AssessmentError,
    CatalogueEntry,
    Demand,
    EvaluationScore,
    ListKind,
    ListModel,
    StepLimits,
    TakeUpChoice,
    TakeUpError,
    evaluation_summaries,
    forbidden_demand_reasons,
    is_expired,
    list_kind_parse,
    overdue_steps,
    rank_scores,
    submission_problems,
    take_up_problems,
    take_up_resolve,
    weighted_total,
)

TODAY = date(2025, 6, 1)
ITEMS = [
    CatalogueEntry("B1", "农村宅基地审批", ListKind.BASE),
    CatalogueEntry("B2", "占道经营处罚", ListKind.BASE),
    CatalogueEntry("F1", "城镇建设许可", ListKind.FEATURED_1),
    CatalogueEntry("F2", "集贸市场检查", ListKind.FEATURED_2),
    CatalogueEntry("F4", "文旅场所检查", ListKind.FEATURED_4),
]
MODEL = ListModel()  # 001: one featured list per non-ordinary class
TAKE, DEFER = TakeUpChoice.TAKE_UP, TakeUpChoice.DEFER


def test_there_are_ten_power_types_in_the_issue_order() -> None:
    assert len(POWER_TYPES) == 10
    assert POWER_TYPES[0] == "行政许可" and POWER_TYPES[-1] == "其他行政权力"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("基础清单", ListKind.BASE),
        (" 特色清单二 ", ListKind.FEATURED_2),
        ("特色清单3", ListKind.FEATURED_3),
        ("featured-4", ListKind.FEATURED_4),
        ("特色清单五", None),
        ("", None),
    ],
)
def test_list_names_are_parsed(text: str, kind: ListKind | None) -> None:
    assert list_kind_parse(text) is kind


def test_ordinary_townships_take_the_base_list_only() -> None:
    assert MODEL.lists_for("一般乡镇") == (ListKind.BASE,)
    assert MODEL.lists_for("中心镇") == (ListKind.BASE, ListKind.FEATURED_2)


def test_a_central_town_takes_the_whole_base_list_and_chooses_its_featured_list() -> None:
    result = take_up_resolve(items=ITEMS, model=MODEL, township_class="中心镇", choices={"F2": DEFER})
    assert result == {"B1": TAKE, "B2": TAKE, "F2": DEFER}


def test_deferring_a_base_item_is_refused_with_the_policy_source() -> None:
    problems = take_up_problems(
        items=ITEMS, model=MODEL, township_class="一般乡镇", choices={"B1": DEFER}
    )
    assert problems == ["“B1 农村宅基地审批”属于基础清单，各乡镇必须全面承接，不能暂不承接（001 §(一)2）"]


def test_items_of_another_class_cannot_be_taken_up_and_own_items_need_a_choice() -> None:
    with pytest.raises(TakeUpError) as err:
        take_up_resolve(
            items=ITEMS, model=MODEL, township_class="中心镇", choices={"F1": TAKE, "X9": TAKE}
        )
    assert err.value.problems == [
        "事项编码 X9 不在赋权指导目录中",
        "“F1 城镇建设许可”属于特色清单一（适用于县政府驻地镇），中心镇不能承接",
        "“F2 集贸市场检查”（特色清单二）尚未选择承接或暂不承接",
    ]


@given(
    st.sampled_from(["县政府驻地镇", "中心镇", "重点镇", "特色镇", "一般乡镇"]),
    st.dictionaries(st.sampled_from([i.code for i in ITEMS]), st.sampled_from(list(TakeUpChoice))),
)
def test_a_resolved_take_up_always_holds_the_whole_base_list(
    township_class: str, choices: dict[str, TakeUpChoice]
) -> None:
    try:
        result = take_up_resolve(
            items=ITEMS, model=MODEL, township_class=township_class, choices=choices
        )
    except TakeUpError as err:
        assert err.problems
        return
    assert all(result[i.code] is TAKE for i in ITEMS if i.list_kind is ListKind.BASE)
    allowed = set(MODEL.lists_for(township_class))
    assert {i.code for i in ITEMS if i.list_kind in allowed} == set(result)


def _facts(**kwargs: object) -> AccessRequestFacts:
    base: dict[str, object] = {
        "matter": "秸秆禁烧巡查",
        "reason": "点多面广，需乡镇就近巡查",
        "funding_amount": Decimal("12.5"),
    }
    base.update(kwargs)
    return AccessRequestFacts(**base)  # type: ignore[arg-type]


def test_a_complete_request_has_no_problems() -> None:
    assert submission_problems(_facts(), today=TODAY) == []


@pytest.mark.parametrize("demand", list(Demand))
def test_every_forbidden_demand_blocks_and_cites_its_source(demand: Demand) -> None:
    problems = submission_problems(_facts(demands=frozenset({demand})), today=TODAY)
    rule = FORBIDDEN_DEMANDS[demand]
    assert problems == [f"{rule.reason}（{rule.source}）"]
    assert "§" in rule.source


def test_all_forbidden_demands_are_reported_in_catalogue_order() -> None:
    reasons = forbidden_demand_reasons([Demand.VETO, Demand.INSTITUTION])
    assert reasons[0].startswith("县级职能部门不得要求乡镇成立相应机构")
    assert "一票否决" in reasons[1] and "002 §14" in reasons[1]


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"is_temporary": True}, "临时性、阶段性事项必须填写截止日期（本系统据此到期失效；"
         "001 §(一)4 规定此类事项须征求乡镇意见、报县委县政府批准并报市委编办、市司法局备案）"),
        ({"is_temporary": True, "end_date": TODAY}, "截止日期 2025-06-01 已过，请重新填写"),
        ({"end_date": TODAY + timedelta(days=9)}, "长期事项不填写截止日期；有截止日期的请选择“临时性”"),
        ({"funding_amount": None}, "请写明随职责转移的经费（费随事转，001 §(一)3）；确实不需要经费的，请说明理由"),
        ({"matter": " "}, "请填写拟交由乡镇承担的事项"),
        ({"township_count": 0}, "请选择承接该事项的乡镇"),
    ],
)
def test_incomplete_requests_are_refused(kwargs: dict[str, object], problem: str) -> None:
    assert submission_problems(_facts(**kwargs), today=TODAY) == [problem]


def test_a_funding_note_can_replace_an_amount() -> None:
    facts = _facts(funding_amount=None, funding_note="利用现有网格员力量，无新增支出")
    assert submission_problems(facts, today=TODAY) == []


def test_a_temporary_duty_is_in_force_through_its_end_date() -> None:
    end = date(2025, 6, 30)
    assert not is_expired(is_temporary=True, end_date=end, today=end)
    assert is_expired(is_temporary=True, end_date=end, today=end + timedelta(days=1))
    assert not is_expired(is_temporary=False, end_date=None, today=date(2099, 1, 1))


def test_townships_late_with_their_opinion_are_listed() -> None:
    late = overdue_steps(
        status=AccessStatus.CONSULTING,
        submitted_on=date(2025, 5, 1),
        opinions_complete_on=None,
        pending_townships=["蓬莱镇", "象山镇"],
        today=date(2025, 5, 14),
    )
    assert [s.message for s in late] == [
        "蓬莱镇逾期3天未反馈意见（应于2025-05-11前）",
        "象山镇逾期3天未反馈意见（应于2025-05-11前）",
    ]


def test_the_due_day_is_not_late_and_the_county_decision_has_its_own_limit() -> None:
    assert not overdue_steps(
        status=AccessStatus.CONSULTING,
        submitted_on=date(2025, 5, 1),
        opinions_complete_on=None,
        pending_townships=["蓬莱镇"],
        today=date(2025, 5, 11),
    )
    late = overdue_steps(
        status=AccessStatus.DECIDING,
        submitted_on=date(2025, 5, 1),
        opinions_complete_on=date(2025, 5, 5),
        pending_townships=[],
        today=date(2025, 5, 10),
        limits=StepLimits(decision_days=3),
    )
    assert [s.message for s in late] == ["县委、县政府逾期2天未审定（应于2025-05-08前）"]


def test_an_agency_assessment_weighs_the_township_score() -> None:
    total = weighted_total(
        township_score=Decimal(90),
        other_score=Decimal(80),
        township_weight=Decimal(60),
        floor=AGENCY_TOWNSHIP_WEIGHT_FLOOR,
        subject="派驻机构",
        source=AGENCY_FLOOR_SOURCE,
    )
    assert total == Decimal("86.00")


def test_a_weight_below_the_floor_is_refused_with_a_clear_message() -> None:
    with pytest.raises(AssessmentError) as err:
        weighted_total(
            township_score=Decimal(90),
            other_score=Decimal(80),
            township_weight=Decimal(25),
            floor=DEPARTMENT_TOWNSHIP_WEIGHT_FLOOR,
            subject="县直部门",
            source=DEPARTMENT_FLOOR_SOURCE,
        )
    assert str(err.value) == (
        "县直部门考核中乡镇评价结果的权重为25%，低于规定的30%（000 §二.2），请提高乡镇评价权重"
    )


@pytest.mark.parametrize(
    ("weight", "t", "o"), [(Decimal(101), 1, 1), (Decimal(50), 101, 1), (Decimal(50), 1, -1)]
)
def test_out_of_range_weights_and_scores_are_refused(weight: Decimal, t: int, o: int) -> None:
    with pytest.raises(AssessmentError):
        weighted_total(
            township_score=Decimal(t),
            other_score=Decimal(o),
            township_weight=weight,
            floor=Decimal(50),
            subject="派驻机构",
            source="",
        )


scores = st.decimals(min_value=0, max_value=100, places=2)


@given(scores, scores, st.decimals(min_value=50, max_value=100, places=1))
def test_the_total_lies_between_the_two_scores(t: Decimal, o: Decimal, w: Decimal) -> None:
    total = weighted_total(
        township_score=t, other_score=o, township_weight=w, floor=Decimal(50), subject="", source=""
    )
    assert min(t, o) - Decimal("0.01") <= total <= max(t, o) + Decimal("0.01")


def test_equal_scores_share_a_rank_and_the_next_rank_skips() -> None:
    ranked = rank_scores([("甲", Decimal(80)), ("乙", Decimal(95)), ("丙", Decimal(80)), ("丁", Decimal(70))])
    assert [(r.key, r.rank) for r in ranked] == [("乙", 1), ("甲", 2), ("丙", 2), ("丁", 4)]


@given(st.lists(st.tuples(st.integers(), scores), unique_by=lambda p: p[0]))
def test_ranks_never_decrease_and_follow_the_scores(pairs: list[tuple[int, Decimal]]) -> None:
    ranked = rank_scores(pairs)
    assert len(ranked) == len(pairs)
    for a, b in zip(ranked, ranked[1:], strict=False):
        assert a.score >= b.score and a.rank <= b.rank
        assert (a.rank == b.rank) == (a.score == b.score)
    if ranked:
        assert ranked[0].rank == 1


def test_two_way_evaluations_average_per_target() -> None:
    summary = evaluation_summaries(
        [
            EvaluationScore("蓬莱镇", "县农业农村局", Decimal(90)),
            EvaluationScore("象山镇", "县农业农村局", Decimal(85)),
            EvaluationScore("县农业农村局", "蓬莱镇", Decimal(88)),
        ]
    )
    assert summary["县农业农村局"].count == 2 and summary["县农业农村局"].mean == Decimal("87.50")
    assert summary["蓬莱镇"].mean == Decimal("88.00")


def test_an_evaluator_scores_a_target_once() -> None:
    with pytest.raises(AssessmentError, match="蓬莱镇对县农业农村局重复评议"):
        evaluation_summaries(
            [
                EvaluationScore("蓬莱镇", "县农业农村局", Decimal(90)),
                EvaluationScore("蓬莱镇", "县农业农村局", Decimal(70)),
            ]
        )


def test_the_module_imports_without_django() -> None:
    import subprocess
    import sys

    code = "import sys, bianzhi.core.duties; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
