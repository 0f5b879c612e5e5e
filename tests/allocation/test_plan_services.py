"""Plan services: create → run → approve, immutability, ledger and audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from bianzhi.allocation import services
from bianzhi.allocation.demo import demo_plan
from bianzhi.allocation.models import PlanAllocation, PlanStatus
from bianzhi.allocation.selectors import plan_default_params, plan_result, plan_warnings
from bianzhi.audit.models import AuditRecord
from bianzhi.townships.models import ApprovedQuota, QuotaLedgerEntry
from bianzhi.townships.services import approved_quota_set

ADMIN, INSTITUTION = "行政编制", "事业编制"


def _plan(county: Any, **admin: Any) -> Any:
    params = plan_default_params(region=county)
    params[ADMIN].update({"total": 160, "floors": {"一般乡镇": 15}, **admin})
    return services.plan_create(region=county, name="测试方案", year=2026, params=params)


def test_a_new_plan_is_a_draft_with_both_quota_types(daying: Any) -> None:
    plan = _plan(daying)
    assert plan.status == PlanStatus.DRAFT
    assert plan.quota_types == [ADMIN, INSTITUTION]
    assert AuditRecord.objects.filter(object_type="allocation.allocationplan", action="create").count() == 1


def test_running_stores_the_result_and_one_row_per_township_and_quota_type(daying: Any) -> None:
    plan = services.plan_run(plan=_plan(daying))
    assert plan.status == PlanStatus.COMPUTED and not plan.problems
    assert PlanAllocation.objects.filter(plan=plan).count() == 20
    admin = plan.results[ADMIN]
    assert admin["reserve"] == 8 and admin["distributable"] == 152
    assert sum(t["allocation"] for t in admin["townships"]) == 152
    ordinary = [t for t in admin["townships"] if t["class"] == "一般乡镇"]
    assert all(t["allocation"] >= 15 for t in ordinary)
    # The current quotas came from the approved quotas.
    penglai = next(t for t in admin["townships"] if t["code"] == "510923100")
    assert penglai["current"] == 28 and penglai["change"] == penglai["allocation"] - 28
    assert set(penglai["indicators"]) == {"人口", "面积", "经济"}  # 村（社区）数 weighs 0


def test_the_stored_result_is_re_derived_identically_for_export(daying: Any) -> None:
    plan = services.plan_run(plan=_plan(daying))
    result = plan_result(plan=plan, quota_type=ADMIN)
    assert {t.code: t.allocation for t in result.townships} == {
        t["code"]: t["allocation"] for t in plan.results[ADMIN]["townships"]
    }


def test_an_infeasible_plan_stays_draft_with_chinese_problems(daying: Any) -> None:
    plan = services.plan_run(plan=_plan(daying, floors={"一般乡镇": 40}))
    assert plan.status == PlanStatus.DRAFT
    assert plan.results is None and not plan.allocations.exists()
    assert any("下限之和" in p for p in plan.problems)
    assert plan_warnings(plan=plan)[0].level == "error"


def test_changing_parameters_sends_a_computed_plan_back_to_draft(daying: Any) -> None:
    plan = services.plan_run(plan=_plan(daying))
    params = dict(plan.params)
    params[ADMIN] = {**params[ADMIN], "total": 170}
    plan = services.plan_update(plan=plan, name=plan.name, year=2026, params=params)
    assert plan.status == PlanStatus.DRAFT and plan.results is None
    assert not plan.allocations.exists()


def test_approval_sets_the_approved_quotas_and_writes_the_ledger(daying: Any, daying_officer: Any) -> None:
    plan = services.plan_run(plan=_plan(daying))
    before = dict(
        ApprovedQuota.objects.filter(township__county_code="510923", quota_type=ADMIN).values_list(
            "township__code", "count"
        )
    )
    audits_before = AuditRecord.objects.count()
    plan = services.plan_approve(
        plan=plan, document_number="大委编发〔2026〕3号", date=date(2026, 3, 16), actor=daying_officer
    )
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == daying_officer
    allocations = {
        a.township.code: a.allocation for a in plan.allocations.filter(quota_type=ADMIN)
    }
    after = dict(
        ApprovedQuota.objects.filter(township__county_code="510923", quota_type=ADMIN).values_list(
            "township__code", "count"
        )
    )
    assert after == allocations
    ledger = QuotaLedgerEntry.objects.filter(plan=plan, quota_type=ADMIN, township__level="township")
    changed = {code for code in allocations if allocations[code] != before[code]}
    assert {e.township.code for e in ledger} == changed and changed
    # The reserve (8 of 160) became the county's pool (机动编制), in the ledger too.
    pool = QuotaLedgerEntry.objects.get(plan=plan, quota_type=ADMIN, township__level="county")
    assert (pool.township.code, pool.before, pool.after) == ("510923", None, 8)
    for entry in ledger:
        assert entry.before == before[entry.township.code]
        assert entry.after == allocations[entry.township.code]
        assert entry.document_number == "大委编发〔2026〕3号"
    # One audit record per quota changed (both types) plus one for the plan.
    new = AuditRecord.objects.count() - audits_before
    assert new == QuotaLedgerEntry.objects.filter(plan=plan).count() + 1
    assert AuditRecord.objects.filter(action="approve", reason="大委编发〔2026〕3号").exists()


def test_an_approved_plan_is_immutable(daying: Any) -> None:
    plan = demo_plan(daying)
    assert plan.status == PlanStatus.APPROVED
    with pytest.raises(services.PlanLocked):
        services.plan_run(plan=plan)
    with pytest.raises(services.PlanLocked):
        services.plan_update(plan=plan, name="改名", year=2026, params=plan.params)
    with pytest.raises(services.PlanLocked):
        services.plan_approve(plan=plan, document_number="再批", date=date(2026, 5, 1))
    with pytest.raises(services.PlanLocked):
        services.plan_delete(plan=plan)
    plan.refresh_from_db()
    assert plan.name.endswith("（示例）") and plan.status == PlanStatus.APPROVED


def test_approval_needs_a_document_number_and_a_computed_plan(daying: Any) -> None:
    plan = _plan(daying)
    with pytest.raises(ValidationError, match="尚未测算"):
        services.plan_approve(plan=plan, document_number="大委编发〔2026〕3号", date=date(2026, 3, 1))
    plan = services.plan_run(plan=plan)
    with pytest.raises(ValidationError, match="文号"):
        services.plan_approve(plan=plan, document_number=" ", date=date(2026, 3, 1))


def test_approval_is_refused_when_quotas_changed_after_the_run(daying: Any) -> None:
    plan = services.plan_run(plan=_plan(daying))
    approved_quota_set(
        township=daying.children.get(code="510923100"),
        quota_type=ADMIN,
        count=30,
        document_number="大委编发〔2026〕1号",
        date=date(2026, 2, 1),
    )
    with pytest.raises(ValidationError, match="重新测算"):
        services.plan_approve(plan=plan, document_number="大委编发〔2026〕3号", date=date(2026, 3, 1))
    assert not QuotaLedgerEntry.objects.filter(plan=plan).exists()


def test_the_demo_plan_of_the_three_class_county_runs(tongwei: Any) -> None:
    plan = demo_plan(tongwei)
    assert plan.status == PlanStatus.APPROVED and plan.document_number == "通委编发〔2026〕5号"
    classes = {t["class"] for t in plan.results[ADMIN]["townships"]}
    assert classes == {"一类", "二类", "三类"}
    assert QuotaLedgerEntry.objects.filter(plan=plan).exists()
