"""Approved quotas go through the rule guard: plan approval and a single
quota set are refused (nothing written, no audit record) when they would
leave a new block finding, and the plan page lists what approval would newly
break before anyone approves."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db.models import Sum
from django.urls import reverse

from bianzhi.allocation import services
from bianzhi.allocation.models import PlanStatus
from bianzhi.allocation.selectors import plan_default_params
from bianzhi.audit.models import AuditRecord
from bianzhi.rules.models import StoredFinding
from bianzhi.townships.models import ApprovedQuota, QuotaLedgerEntry, Township
from bianzhi.townships.services import QuotaRuleViolation, approved_quota_set

ADMIN, INSTITUTION = "行政编制", "事业编制"
DOC = "大委编发〔2026〕3号"


def _total(county: Any, quota_type: str) -> int:
    return int(
        ApprovedQuota.objects.filter(township__county_code=county.code, quota_type=quota_type).aggregate(
            n=Sum("count")
        )["n"]
    )


def _ordinary_township(county: Any) -> Any:
    profile = Township.objects.filter(region__county_code=county.code, township_class="一般乡镇").first()
    assert profile is not None
    return profile.region


def _cutting_plan(county: Any) -> Any:
    """A computed plan that keeps 行政编制 but cuts the county's 事业编制 by 4."""
    params = plan_default_params(region=county)
    params[ADMIN].update({"total": 400, "reserve": "0", "floors": {"一般乡镇": 15}})
    params[INSTITUTION].update({"total": _total(county, INSTITUTION) - 4, "reserve": "0"})
    plan = services.plan_run(plan=services.plan_create(region=county, name="削减方案", year=2026, params=params))
    assert plan.status == PlanStatus.COMPUTED, plan.problems
    return plan


def test_approving_a_plan_that_cuts_the_county_total_is_refused_and_nothing_is_written(daying: Any) -> None:
    plan = _cutting_plan(daying)
    quotas = dict(ApprovedQuota.objects.values_list("pk", "count"))
    audits, ledger = AuditRecord.objects.count(), QuotaLedgerEntry.objects.count()
    with pytest.raises(QuotaRuleViolation, match="不能保存：以下阻止级规则将被违反：") as refused:
        services.plan_approve(plan=plan, document_number=DOC, date=date(2026, 3, 16))
    assert "no-total-decrease" in {f.rule for f in refused.value.findings}
    assert "（依据：001_d6ec4a3fabdfb8f1.txt §(三)1）" in str(refused.value)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPUTED
    assert dict(ApprovedQuota.objects.values_list("pk", "count")) == quotas
    assert (AuditRecord.objects.count(), QuotaLedgerEntry.objects.count()) == (audits, ledger)


def test_the_would_be_findings_are_computed_without_keeping_anything(daying: Any) -> None:
    plan = _cutting_plan(daying)
    quotas = dict(ApprovedQuota.objects.values_list("pk", "count"))
    audits, stored = AuditRecord.objects.count(), StoredFinding.objects.count()
    findings = services.plan_approval_findings(plan=plan)
    assert any(f.rule == "no-total-decrease" and f.severity == "block" for f in findings)
    assert dict(ApprovedQuota.objects.values_list("pk", "count")) == quotas
    assert (AuditRecord.objects.count(), StoredFinding.objects.count()) == (audits, stored)


def test_the_plan_page_lists_the_would_be_findings_and_approval_shows_the_refusal(
    login: Any, daying: Any, daying_officer: Any
) -> None:
    plan = _cutting_plan(daying)
    client = login(daying_officer)
    page = client.get(reverse("allocation:detail", args=[plan.pk])).content.decode()
    assert "批准后的规则检查" in page and "阻止" in page and "事业编制" in page
    assert "依据：001_d6ec4a3fabdfb8f1.txt §(三)1" in page
    response = client.post(
        reverse("allocation:approve", args=[plan.pk]), {"document_number": DOC, "date": "2026-03-16"}, follow=True
    )
    assert "不能保存：以下阻止级规则将被违反：" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPUTED


def test_setting_an_ordinary_township_below_its_floor_is_refused_and_nothing_is_written(daying: Any) -> None:
    township = _ordinary_township(daying)
    ApprovedQuota.objects.filter(township=township, quota_type=ADMIN).update(count=16)
    audits, ledger = AuditRecord.objects.count(), QuotaLedgerEntry.objects.count()
    with pytest.raises(QuotaRuleViolation, match="一般乡镇核定行政编制14名，少于15名") as refused:
        approved_quota_set(township=township, quota_type=ADMIN, count=14, document_number=DOC, date=date(2026, 3, 1))
    assert "ordinary-admin-floor" in {f.rule for f in refused.value.findings}
    assert ApprovedQuota.objects.get(township=township, quota_type=ADMIN).count == 16
    assert (AuditRecord.objects.count(), QuotaLedgerEntry.objects.count()) == (audits, ledger)


def test_a_quota_change_leaving_no_new_block_finding_is_saved_and_findings_refreshed(daying: Any) -> None:
    township = _ordinary_township(daying)
    StoredFinding.objects.filter(county=daying).delete()
    approved_quota_set(township=township, quota_type=ADMIN, count=40, document_number=DOC, date=date(2026, 3, 1))
    assert ApprovedQuota.objects.get(township=township, quota_type=ADMIN).count == 40
    # Stored afresh by the write (the demo county has warnings at least).
    assert StoredFinding.objects.filter(county=daying).exists()


def test_the_plan_page_warns_when_key_towns_get_less_than_ordinary_townships(
    login: Any, daying: Any, daying_officer: Any
) -> None:
    # A floor of 20 for every 一般乡镇 takes quota from the key towns: per unit
    # of score they end up with less than the ordinary townships (001 §(三)1).
    params = plan_default_params(region=daying)
    params[ADMIN].update({"total": 400, "reserve": "0", "floors": {"一般乡镇": 20}})
    plan = services.plan_run(plan=services.plan_create(region=daying, name="保底过高", year=2026, params=params))
    page = login(daying_officer).get(reverse("allocation:detail", args=[plan.pk])).content.decode()
    assert "（县政府驻地镇）每单位得分" in page and "未体现重点保障（" in page and 'href="/rules/policy/001/' in page
