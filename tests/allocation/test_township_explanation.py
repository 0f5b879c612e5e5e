"""本乡镇编制测算说明: a township reads its own row and explanation in every
approved plan that allocated quotas to it, and nothing of other townships or
of plans not yet approved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from bianzhi.accounts.scope import Scope
from bianzhi.allocation import services
from bianzhi.allocation.demo import DEMO_PLANS, demo_plan
from bianzhi.allocation.models import AllocationPlan, PlanAllocation, PlanMode
from bianzhi.allocation.selectors import plan_default_params, township_plan_explanations
from bianzhi.regions.models import Region

PENGLAI = "510923100"
LONGSHENG = "510923101"
DOCUMENT = DEMO_PLANS["510923"][0]


def _page(code: str) -> str:
    return reverse("allocation:township", args=[code])


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@pytest.fixture
def approved(daying: Any) -> AllocationPlan:
    return demo_plan(daying)


@pytest.fixture
def draft(daying: Any) -> AllocationPlan:
    params = plan_default_params(region=daying)
    return services.plan_create(region=daying, name="未批准的草稿方案", year=2026, params=params)


@pytest.fixture
def computed(daying: Any) -> AllocationPlan:
    params = plan_default_params(region=daying)
    plan = services.plan_create(region=daying, name="已测算待审核方案", year=2026, params=params)
    return services.plan_run(plan=plan)


def test_the_township_user_sees_its_explanation_and_the_approval_document(
    login: Any, approved: AllocationPlan, penglai_user: Any
) -> None:
    response = login(penglai_user).get(_page(PENGLAI))
    body = response.content.decode()
    assert response.status_code == 200
    assert "本乡镇编制测算说明" in body and DOCUMENT in body and "2026年3月16日" in body
    for quota_type, doc in approved.results.items():
        row = next(t for t in doc["townships"] if t["code"] == PENGLAI)
        assert f"蓬莱镇（{PENGLAI}）· {quota_type}测算说明" in body
        assert f"<strong>{row['allocation']}</strong>" in body
        assert f"{row['score']:.6f}" in body and f"可分配编制 {doc['distributable']}" in body
        assert f"编制总数 {doc['total']}" in body and doc["plan"]["method_label"] in body
        assert _number(row["indicators"]["人口"]["value"]) in body


def test_the_township_user_sees_no_other_township_nor_plans_not_approved(
    login: Any, approved: AllocationPlan, draft: AllocationPlan, computed: AllocationPlan, penglai_user: Any
) -> None:
    body = login(penglai_user).get(_page(PENGLAI)).content.decode()
    assert draft.name not in body and computed.name not in body
    others = [t for t in approved.results["行政编制"]["townships"] if t["code"] != PENGLAI]
    assert len(others) >= 8
    for t in others:
        assert t["name"] not in body and t["code"] not in body
        assert _number(t["indicators"]["人口"]["value"]) not in body


def test_the_selector_returns_the_stored_rows_of_approved_plans_only(
    approved: AllocationPlan, computed: AllocationPlan, penglai_user: Any
) -> None:
    township = Region.objects.get(code=PENGLAI)
    items = township_plan_explanations(scope=Scope.for_user(penglai_user), township=township)
    assert [item.plan for item in items] == [approved]
    stored = {
        a.quota_type: (a.allocation, a.score, a.bound)
        for a in PlanAllocation.objects.filter(plan=approved, township=township)
    }
    got = {e.quota_type: (e.row["allocation"], e.row["score"], e.row["bound"]) for e in items[0].explanations}
    assert got == stored and len(got) == 2
    # The plan-level figures carry no other township's rows or bounds.
    for e in items[0].explanations:
        assert "townships" not in e.doc and "groups" not in e.doc
        assert set(e.doc["plan"]) == {"total", "reserve", "method", "method_label"}


def test_the_selector_refuses_a_township_outside_the_scope(
    approved: AllocationPlan, tongwei_officer: Any, penglai_user: Any
) -> None:
    with pytest.raises(Http404):
        township_plan_explanations(
            scope=Scope.for_user(tongwei_officer), township=Region.objects.get(code=PENGLAI)
        )
    with pytest.raises(Http404):
        township_plan_explanations(
            scope=Scope.for_user(penglai_user), township=Region.objects.get(code=LONGSHENG)
        )


@pytest.mark.parametrize("code", [LONGSHENG, "621121", "510923"])
def test_the_township_user_gets_404_for_another_region(
    login: Any, approved: AllocationPlan, penglai_user: Any, code: str
) -> None:
    assert login(penglai_user).get(_page(code)).status_code == 404


def test_the_county_officer_opens_the_page_and_an_outsider_gets_404(
    client: Any, approved: AllocationPlan, daying_officer: Any, tongwei_officer: Any
) -> None:
    client.force_login(daying_officer)
    response = client.get(_page(LONGSHENG))
    assert response.status_code == 200
    assert DOCUMENT in response.content.decode() and "隆盛镇（510923101）" in response.content.decode()
    client.force_login(tongwei_officer)
    assert client.get(_page(PENGLAI)).status_code == 404


def test_a_township_without_approved_plans_sees_an_empty_page(
    login: Any, computed: AllocationPlan, penglai_user: Any
) -> None:
    body = login(penglai_user).get(_page(PENGLAI)).content.decode()
    assert "暂无已批准的测算方案涉及本乡镇" in body and computed.name not in body


def test_home_and_township_page_link_to_the_explanation(
    login: Any, approved: AllocationPlan, penglai_user: Any
) -> None:
    client = login(penglai_user)
    assert _page(PENGLAI) in client.get(reverse("web:home")).content.decode()
    assert _page(PENGLAI) in client.get(reverse("townships:detail", args=[PENGLAI])).content.decode()


def test_a_per_county_city_plan_is_explained_with_the_county_figures(
    login: Any, suining: Any, suining_officer: Any, penglai_user: Any
) -> None:
    params = plan_default_params(region=suining, mode=PlanMode.PER_COUNTY)
    plan = services.plan_create(region=suining, name="遂宁市各县分别控制", year=2026, params=params, mode=PlanMode.PER_COUNTY)
    plan = services.plan_run(plan=plan)
    assert not plan.problems
    plan = services.plan_approve(plan=plan, document_number="遂编发〔2026〕1号", date=date(2026, 5, 6))
    items = township_plan_explanations(scope=Scope.for_user(penglai_user), township=Region.objects.get(code=PENGLAI))
    assert [item.plan for item in items] == [plan]
    group = next(g for g in plan.results["行政编制"]["groups"] if g["code"] == "510923")
    admin = next(e for e in items[0].explanations if e.quota_type == "行政编制")
    assert admin.doc["name"] == "大英县" and admin.doc["distributable"] == group["distributable"]
    body = login(penglai_user).get(_page(PENGLAI)).content.decode()
    assert "遂编发〔2026〕1号" in body and "（大英县本县测算）" in body
    # The step-by-step explanation uses the county's own rows, divisor and seats.
    assert admin.seats is not None and admin.seats.distributable == group["distributable"]
    assert admin.seats.divisor == group["divisor"] and f"测算编制为 {admin.row['allocation']}。" in body
