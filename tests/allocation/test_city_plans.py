"""City plans: a city's 编办管理员 allocates across its counties, either each
county with its own total and bounds (各县分别控制, one batched kernel call)
or one total over the whole city (全市统筹); a city 审核人 approves them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from bianzhi.accounts.scope import Scope
from bianzhi.allocation import engine, selectors, services
from bianzhi.allocation.models import AllocationPlan, PlanAllocation, PlanMode, PlanStatus
from bianzhi.core import allocation as core_allocation
from bianzhi.kernel.errors import ServiceError
from bianzhi.townships.models import ApprovedQuota, QuotaLedgerEntry

ADMIN, INSTITUTION = "行政编制", "事业编制"
DAYING, PENGXI = "510923", "510921"


def _city_plan(city: Any, mode: str, *, keep_totals: bool = False, **admin: Any) -> AllocationPlan:
    params = selectors.plan_default_params(region=city, mode=mode)
    params[ADMIN].update(admin)
    if keep_totals and mode == PlanMode.POOLED:
        # One pooled total: room enough that no county loses; and no reserve,
        # which would belong to no county's pool (approval is refused).
        for quota_type in (ADMIN, INSTITUTION):
            params[quota_type]["reserve"] = "0"
            params[quota_type]["total"] = 2 * (_approved_sum(DAYING, quota_type) + _approved_sum(PENGXI, quota_type))
    return services.plan_create(region=city, mode=mode, name=f"遂宁市{mode}", year=2026, params=params)


def _approved_sum(county_code: str, quota_type: str = ADMIN) -> int:
    return sum(
        ApprovedQuota.objects.filter(township__county_code=county_code, quota_type=quota_type).values_list(
            "count", flat=True
        )
    )


def test_per_county_defaults_each_county_to_its_approved_quotas_and_own_floors(suining: Any) -> None:
    params = selectors.plan_default_params(region=suining, mode=PlanMode.PER_COUNTY)
    counties = params[ADMIN]["counties"]
    assert list(counties) == [PENGXI, DAYING]
    assert counties[DAYING]["total"] == _approved_sum(DAYING)
    assert counties[PENGXI]["total"] == _approved_sum(PENGXI)
    assert params[ADMIN]["total"] == _approved_sum(DAYING) + _approved_sum(PENGXI)
    # 大英县 uses the five classes (001's floor of 15 for 一般乡镇); 蓬溪县 the three.
    assert counties[DAYING]["floors"] == {"一般乡镇": 15}
    assert counties[PENGXI]["floors"] == {}
    # 村（社区）数 exists in both counties, so a city plan can weight it.
    assert "村（社区）数" in params[ADMIN]["weights"]


def test_per_county_plan_keeps_each_county_total_and_runs_one_batched_kernel_call(
    suining: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = core_allocation.apportion

    def counting(*args: Any, **kwargs: Any) -> Any:
        groups = kwargs.get("groups")
        calls.append(1 if groups is None else int(groups.max()) + 1)
        return real(*args, **kwargs)

    monkeypatch.setattr(core_allocation, "apportion", counting)
    plan = services.plan_run(plan=_city_plan(suining, PlanMode.PER_COUNTY))
    assert plan.status == PlanStatus.COMPUTED, plan.problems
    # One call per quota type, each over both counties at once.
    assert calls == [2, 2]
    doc = plan.results[ADMIN]
    groups = {g["code"]: g for g in doc["groups"]}
    for code in (DAYING, PENGXI):
        allocated = sum(t["allocation"] for t in doc["townships"] if t["county"] == code)
        assert allocated == groups[code]["distributable"]
        assert groups[code]["total"] == _approved_sum(code)
    assert doc["distributable"] == sum(g["distributable"] for g in groups.values())
    assert PlanAllocation.objects.filter(plan=plan).count() == 2 * len(doc["townships"])


def test_batched_per_county_result_equals_each_county_allocated_alone(suining: Any, daying: Any) -> None:
    city_plan = services.plan_run(plan=_city_plan(suining, PlanMode.PER_COUNTY, method="huntington-hill"))
    for code in (DAYING, PENGXI):
        county = suining.__class__.objects.get(code=code)
        params = selectors.plan_default_params(region=county)
        for quota_type in (ADMIN, INSTITUTION):
            own = city_plan.params[quota_type]["counties"][code]
            params[quota_type].update(
                total=own["total"],
                floors=own["floors"],
                caps=own["caps"],
                method=city_plan.params[quota_type]["method"],
                weights=city_plan.params[quota_type]["weights"],
            )
        alone = services.plan_run(
            plan=services.plan_create(region=county, name=f"{code}单独", year=2026, params=params)
        )
        assert alone.status == PlanStatus.COMPUTED, alone.problems
        for quota_type in (ADMIN, INSTITUTION):
            batched = {
                t["code"]: (t["allocation"], t["bound"], t["tied"])
                for t in city_plan.results[quota_type]["townships"]
                if t["county"] == code
            }
            single = {
                t["code"]: (t["allocation"], t["bound"], t["tied"])
                for t in alone.results[quota_type]["townships"]
            }
            assert batched == single
            group = next(g for g in city_plan.results[quota_type]["groups"] if g["code"] == code)
            assert group["divisor"] == alone.results[quota_type]["divisor"]


def test_allocate_groups_equals_allocate_per_group_for_every_method(suining: Any) -> None:
    inputs = services.plan_inputs(region=suining, year=2026)
    p = selectors.plan_default_params(region=suining, mode=PlanMode.PER_COUNTY)[ADMIN]
    for method in core_allocation.Method:
        q = {**p, "method": method.value}
        groups = engine.run_one(ADMIN, q, inputs, engine.PER_COUNTY)
        for group in groups:
            own = {**inputs, "townships": [t for t in inputs["townships"] if t["county"] == group.code]}
            alone = core_allocation.allocate(
                engine.township_inputs(own),
                engine.allocation_params(ADMIN, engine.county_params(q, group.code), own),
            )
            assert group.result == alone


def test_per_county_problems_name_the_county_at_fault(suining: Any) -> None:
    plan = _city_plan(suining, PlanMode.PER_COUNTY)
    plan.params[ADMIN]["counties"][PENGXI]["floors"] = {"三类": 80}
    plan = services.plan_update(plan=plan, name=plan.name, year=plan.year, params=plan.params)
    plan = services.plan_run(plan=plan)
    assert plan.status == PlanStatus.DRAFT
    assert any(p.startswith("蓬溪县·行政编制：各乡镇下限之和") for p in plan.problems)
    assert not any(p.startswith("大英县") for p in plan.problems)


def test_pooled_plan_allocates_one_city_total_across_counties(suining: Any) -> None:
    total = _approved_sum(DAYING) + _approved_sum(PENGXI)
    plan = services.plan_run(plan=_city_plan(suining, PlanMode.POOLED, total=total))
    assert plan.status == PlanStatus.COMPUTED, plan.problems
    doc = plan.results[ADMIN]
    assert "groups" not in doc
    counties = {t["county"] for t in doc["townships"]}
    assert counties == {DAYING, PENGXI}
    assert sum(t["allocation"] for t in doc["townships"]) == doc["distributable"] == total - round(total * 0.05)
    # Shares are taken over the whole city: one township's share of 人口 is
    # its population over both counties' population.
    people = sum(t["indicators"]["人口"]["value"] for t in doc["townships"])
    first = doc["townships"][0]["indicators"]["人口"]
    assert first["share"] == pytest.approx(first["value"] / people)


def test_a_city_plan_needs_a_city_mode_and_a_county_plan_the_county_mode(suining: Any, daying: Any) -> None:
    params = selectors.plan_default_params(region=suining)
    with pytest.raises(ValidationError):
        services.plan_create(region=suining, name="x", year=2026, params=params)
    with pytest.raises(ValidationError):
        services.plan_create(region=daying, mode=PlanMode.POOLED, name="x", year=2026, params=params)


def test_a_city_approver_approves_and_township_quotas_and_ledger_follow(
    suining: Any, suining_officer: Any
) -> None:
    plan = services.plan_run(plan=_city_plan(suining, PlanMode.PER_COUNTY, keep_totals=True))
    Scope.for_user(suining_officer).require_approve(plan.region)
    plan = services.plan_approve(
        plan=plan, document_number="遂委编发〔2026〕9号", date=date(2026, 5, 1), actor=suining_officer
    )
    assert plan.status == PlanStatus.APPROVED
    for t in plan.results[ADMIN]["townships"]:
        assert ApprovedQuota.objects.get(township__code=t["code"], quota_type=ADMIN).count == t["allocation"]
    changed = [t for t in plan.results[ADMIN]["townships"] if t["change"]]
    entries = QuotaLedgerEntry.objects.filter(plan=plan, quota_type=ADMIN, township__level="township")
    assert entries.count() == len(changed) > 0
    # Each county's reserve (机动编制) went to its own pool, one entry each.
    pools = QuotaLedgerEntry.objects.filter(plan=plan, quota_type=ADMIN, township__level="county")
    assert sorted(e.township.code for e in pools) == [PENGXI, DAYING]
    assert {e.township.county_code for e in entries} <= {DAYING, PENGXI}
    assert all(e.document_number == "遂委编发〔2026〕9号" for e in entries)


def test_county_users_do_not_see_city_plans_but_the_city_viewer_does(
    suining: Any, daying_officer: Any, suining_viewer: Any
) -> None:
    plan = _city_plan(suining, PlanMode.POOLED)
    with pytest.raises(Http404):
        selectors.plan_get(scope=Scope.for_user(daying_officer), pk=plan.pk)
    assert selectors.plan_get(scope=Scope.for_user(suining_viewer), pk=plan.pk) == plan
    assert not Scope.for_user(suining_viewer).can_edit(suining)


# -- pages ---------------------------------------------------------------------


def _per_county_form(client: Any) -> dict[str, Any]:
    """The create form's initial values, as a browser would post them."""
    page = client.get(reverse("allocation:create", args=["5109"]) + "?mode=per_county")
    form = page.context["form"]
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def test_a_city_officer_creates_a_per_county_plan_through_the_form(
    login: Any, suining_officer: Any
) -> None:
    client = login(suining_officer)
    listing = client.get(reverse("allocation:list")).content.decode()
    assert "?mode=per_county" in listing and "?mode=pooled" in listing
    page = client.get(reverse("allocation:create", args=["5109"]) + "?mode=per_county")
    assert 'data-testid="county-totals-admin"' in page.content.decode()
    data = _per_county_form(client)
    data["admin_c0_total"] = "200"  # 蓬溪县 (first by code)
    response = client.post(reverse("allocation:create", args=["5109"]) + "?mode=per_county", data)
    plan = AllocationPlan.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert plan.mode == PlanMode.PER_COUNTY and plan.region.code == "5109"
    assert plan.params[ADMIN]["counties"][PENGXI]["total"] == 200
    assert plan.params[ADMIN]["counties"][DAYING]["total"] == _approved_sum(DAYING)
    assert plan.params[ADMIN]["total"] == 200 + _approved_sum(DAYING)


def test_the_result_page_groups_townships_by_county_with_subtotals(
    login: Any, suining_officer: Any
) -> None:
    plan = services.plan_run(plan=_city_plan(suining_officer.region, PlanMode.PER_COUNTY))
    client = login(suining_officer)
    html = client.get(reverse("allocation:detail", args=[plan.pk])).content.decode()
    assert "各县分别控制" in html
    assert f'data-testid="county-{DAYING}"' in html and f'data-testid="county-{PENGXI}"' in html
    assert "大英县小计" in html and "蓬溪县小计" in html and "全市合计" in html
    assert html.index("蓬溪县小计") < html.index("大英县小计")
    # Explanation of a 大英县 township uses 大英县's own distributable quota.
    group = next(g for g in plan.results[ADMIN]["groups"] if g["code"] == DAYING)
    explain = client.get(
        reverse("allocation:explain", args=[plan.pk, "510923100"]) + "?quota_type=admin", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f"可分配编制 {group['distributable']}" in explain and "大英县本县测算" in explain
    # The weight slider re-runs every county.
    whatif = client.get(
        reverse("allocation:whatif", args=[plan.pk]) + "?quota_type=admin&w_0=100&w_1=0&w_2=0&w_3=0",
        HTTP_HX_REQUEST="true",
    )
    rows = whatif.context["whatif"].rows
    assert {r.code[:6] for r in rows} == {DAYING, PENGXI} and not whatif.context["whatif"].problems


def test_per_county_excel_export_is_one_county_workbook(login: Any, suining_officer: Any) -> None:
    import io

    from openpyxl import load_workbook

    plan = services.plan_run(plan=_city_plan(suining_officer.region, PlanMode.PER_COUNTY))
    client = login(suining_officer)
    response = client.get(
        reverse("allocation:export-xlsx", args=[plan.pk]) + f"?quota_type=admin&county={DAYING}"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    codes = {c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.isdigit()}
    assert "510923100" in codes and not any(code.startswith(PENGXI) for code in codes)
    assert client.get(
        reverse("allocation:export-xlsx", args=[plan.pk]) + "?quota_type=admin&county=621121"
    ).status_code == 404


def test_a_city_approver_approves_through_the_page_and_a_county_officer_gets_404(
    login: Any, suining_officer: Any, daying_officer: Any, suining_viewer: Any
) -> None:
    plan = services.plan_run(plan=_city_plan(suining_officer.region, PlanMode.POOLED, keep_totals=True))
    assert login(daying_officer).get(reverse("allocation:detail", args=[plan.pk])).status_code == 404
    viewer = login(suining_viewer)
    assert viewer.get(reverse("allocation:detail", args=[plan.pk])).status_code == 200
    assert viewer.post(
        reverse("allocation:approve", args=[plan.pk]), {"document_number": "x", "date": "2026-05-01"}
    ).status_code == 403
    client = login(suining_officer)
    client.post(
        reverse("allocation:approve", args=[plan.pk]),
        {"document_number": "遂委编发〔2026〕10号", "date": "2026-05-01"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert QuotaLedgerEntry.objects.filter(plan=plan, township__county_code=PENGXI).exists()
    pdf = client.get(reverse("allocation:export-pdf", args=[plan.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_api_carries_the_plan_mode(login: Any, suining_officer: Any) -> None:
    plan = _city_plan(suining_officer.region, PlanMode.PER_COUNTY)
    data = login(suining_officer).get(f"/api/v1/plans/{plan.pk}/").json()
    assert data["region"] == "5109" and data["mode"] == "per_county" and data["mode_label"] == "各县分别控制"


def test_a_pooled_city_plan_with_a_reserve_is_not_approved(suining: Any) -> None:
    params = selectors.plan_default_params(region=suining, mode=PlanMode.POOLED)
    params[ADMIN].update({"reserve": "0"})
    params[INSTITUTION].update({"reserve": "3"})
    plan = services.plan_run(plan=services.plan_create(region=suining, name="全市统筹", year=2026, params=params,
                                                 mode=PlanMode.POOLED))
    with pytest.raises(ServiceError, match="全市统筹方案的机动编制"):
        services.plan_approve(plan=plan, document_number="遂委编发〔2026〕1号", date=date(2026, 3, 16))


def test_a_per_county_plan_puts_each_county_reserve_in_its_own_pool(suining: Any) -> None:
    from bianzhi.townships.models import CountyReserve

    plan = services.plan_run(plan=_city_plan(suining, PlanMode.PER_COUNTY))
    groups = {g["code"]: g["reserve"] for g in plan.results[INSTITUTION]["groups"]}
    services.plan_approve(plan=plan, document_number="遂委编发〔2026〕2号", date=date(2026, 3, 16))
    pools = dict(CountyReserve.objects.filter(quota_type=INSTITUTION).values_list("county__code", "count"))
    assert pools == groups and all(groups.values())
