"""County totals (issue 12 §2): "两个不减少" compares the county's whole
total with the last approval (文号 and date), the reserve pool (机动编制)
a plan keeps back stays in the county total and can be assigned to a
township by a document, and control numbers issued from above are stored
and checked."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db.models import Sum
from django.urls import reverse

from bianzhi.allocation import services as plans
from bianzhi.allocation.models import PlanStatus
from bianzhi.allocation.selectors import plan_default_params
from bianzhi.audit.models import AuditRecord
from bianzhi.regions.models import Level, Region
from bianzhi.rules.models import StoredFinding
from bianzhi.townships import selectors, services
from bianzhi.townships.models import ApprovedQuota, CountyReserve, QuotaLedgerEntry
from bianzhi.townships.services import QuotaChange, QuotaRuleViolation

ADMIN, INSTITUTION = "行政编制", "事业编制"
pytestmark = pytest.mark.django_db


def _townships(county: Any) -> list[Region]:
    return list(Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code"))


def _quota(township: Region, quota_type: str = INSTITUTION) -> int:
    return ApprovedQuota.objects.get(township=township, quota_type=quota_type).count


def _total(county: Any, quota_type: str) -> int:
    return int(
        ApprovedQuota.objects.filter(township__county_code=county.code, quota_type=quota_type).aggregate(
            n=Sum("count")
        )["n"]
    )


def _findings(rule: str) -> list[StoredFinding]:
    return list(StoredFinding.objects.filter(rule=rule))


# --- "两个不减少" on the county total -------------------------------------------


def test_moving_one_quota_between_townships_under_one_document_raises_nothing(daying: Any) -> None:
    first, second = _townships(daying)[:2]
    services.approved_quotas_apply(
        changes=[
            QuotaChange(first, INSTITUTION, _quota(first) - 1),
            QuotaChange(second, INSTITUTION, _quota(second) + 1),
        ],
        document_number="大委编发〔2026〕7号",
        date=date(2026, 5, 1),
    )
    assert _findings("no-total-decrease") == []


def test_a_move_registered_in_two_steps_under_one_document_is_one_approval(daying: Any) -> None:
    first, second = _townships(daying)[:2]
    doc, when = "大委编发〔2026〕7号", date(2026, 5, 1)
    services.approved_quota_set(township=second, quota_type=INSTITUTION, count=_quota(second) + 1,
                                document_number=doc, date=when)
    services.approved_quota_set(township=first, quota_type=INSTITUTION, count=_quota(first) - 1,
                                document_number=doc, date=when)
    assert _findings("no-total-decrease") == []


def test_a_decrease_quotes_the_true_county_totals_and_the_last_document(daying: Any) -> None:
    total = _total(daying, INSTITUTION)
    first = _townships(daying)[0]
    with pytest.raises(QuotaRuleViolation) as refused:
        services.approved_quota_set(township=first, quota_type=INSTITUTION, count=_quota(first) - 2,
                                    document_number="大委编发〔2026〕8号", date=date(2026, 5, 2))
    (finding,) = [f for f in refused.value.findings if f.rule == "no-total-decrease"]
    assert finding.message == (
        f"全县乡镇事业编制总量{total - 2}名，少于上次核定的{total}名（大委编发〔2021〕12号，2021-06-30），"
        f"减少2名（{first.name}减2名）"
    )


# --- the reserve pool -----------------------------------------------------------------


def _plan(county: Any, *, institution_total: int, reserve: str) -> Any:
    params = plan_default_params(region=county)
    params[ADMIN].update({"reserve": "0"})
    params[INSTITUTION].update({"total": institution_total, "reserve": reserve, "max_step": None})
    plan = plans.plan_run(plan=plans.plan_create(region=county, name="含机动编制方案", year=2026, params=params))
    assert plan.status == PlanStatus.COMPUTED, plan.problems
    return plan


def test_a_plan_with_a_reserve_keeps_it_in_the_county_total(daying: Any) -> None:
    total = _total(daying, INSTITUTION)
    assert plan_default_params(region=daying)[INSTITUTION]["total"] == total
    plan = _plan(daying, institution_total=total, reserve="7")
    assert [f for f in plans.plan_approval_findings(plan=plan) if f.rule == "no-total-decrease"] == []
    plans.plan_approve(plan=plan, document_number="大委编发〔2026〕3号", date=date(2026, 3, 16))
    assert _total(daying, INSTITUTION) == total - 7
    assert CountyReserve.objects.get(county=daying, quota_type=INSTITUTION).count == 7
    entry = QuotaLedgerEntry.objects.get(township=daying, quota_type=INSTITUTION)
    assert (entry.is_reserve, entry.before, entry.after, entry.document_number) == (True, None, 7, "大委编发〔2026〕3号")
    assert _findings("no-total-decrease") == []
    # The next plan starts from the whole county total, reserve included.
    assert plan_default_params(region=daying)[INSTITUTION]["total"] == total


def test_a_reserve_is_assigned_to_a_township_by_a_document_total_unchanged(daying: Any) -> None:
    total = _total(daying, INSTITUTION)
    plans.plan_approve(plan=_plan(daying, institution_total=total, reserve="7"),
                       document_number="大委编发〔2026〕3号", date=date(2026, 3, 16))
    township = _townships(daying)[3]
    before = _quota(township)
    audits = AuditRecord.objects.count()
    written = services.reserve_assign(township=township, quota_type=INSTITUTION, count=2,
                                      document_number="大委编发〔2026〕9号", date=date(2026, 6, 1))
    assert _quota(township) == before + 2
    assert CountyReserve.objects.get(county=daying, quota_type=INSTITUTION).count == 5
    assert sorted((e.is_reserve, e.change) for e in written) == [(False, 2), (True, -2)]
    assert {e.document_number for e in written} == {"大委编发〔2026〕9号"}
    assert AuditRecord.objects.count() == audits + 2
    assert _findings("no-total-decrease") == []
    assert selectors.county_totals_on(county=daying, on=date(2026, 6, 1))[INSTITUTION] == (total - 5, 5)


def test_assigning_more_than_the_reserve_holds_is_refused(daying: Any) -> None:
    with pytest.raises(services.ServiceError, match="机动事业编制只有0名，不能调剂1名"):
        services.reserve_assign(township=_townships(daying)[0], quota_type=INSTITUTION, count=1,
                                document_number="大委编发〔2026〕9号", date=date(2026, 6, 1))


# --- control numbers --------------------------------------------------------------------


def test_a_control_number_is_stored_audited_and_checked_per_day(daying: Any) -> None:
    total = _total(daying, ADMIN)
    row = services.control_number_set(county=daying, quota_type=ADMIN, count=total,
                                      document_number="川编发〔2026〕2号", date=date(2026, 1, 5))
    assert AuditRecord.objects.filter(object_id=str(row.pk), reason="川编发〔2026〕2号").exists()
    scope = _officer_scope(daying)
    before = {c.quota_type: c for c in selectors.control_number_check(scope=scope, county_code=daying.code,
                                                                      on=date(2026, 1, 4))}
    assert before[ADMIN].control is None and before[ADMIN].within is None
    on_day = {c.quota_type: c for c in selectors.control_number_check(scope=scope, county_code=daying.code,
                                                                      on=date(2026, 1, 5))}
    assert (on_day[ADMIN].total, on_day[ADMIN].control.count, on_day[ADMIN].within) == (total, total, True)
    # A lower number issued later is recorded (a fact from above) and reported.
    services.control_number_set(county=daying, quota_type=ADMIN, count=total - 3,
                                document_number="川编发〔2026〕4号", date=date(2026, 2, 1))
    later = {c.quota_type: c for c in selectors.control_number_check(scope=scope, county_code=daying.code,
                                                                     on=date(2026, 2, 1))}
    assert (later[ADMIN].within, later[ADMIN].excess) == (False, 3)
    (finding,) = _findings("control-number")
    assert finding.message == (
        f"全县乡镇行政编制核定总量{total}名，超过上级下达的控制数{total - 3}名（川编发〔2026〕4号，2026-02-01），超出3名"
    )


def test_a_quota_raise_beyond_the_control_number_is_refused(daying: Any) -> None:
    services.control_number_set(county=daying, quota_type=ADMIN, count=_total(daying, ADMIN),
                                document_number="川编发〔2026〕2号", date=date(2020, 1, 5))
    township = _townships(daying)[0]
    with pytest.raises(QuotaRuleViolation, match="超过上级下达的控制数") as refused:
        services.approved_quota_set(township=township, quota_type=ADMIN, count=_quota(township, ADMIN) + 1,
                                    document_number="大委编发〔2026〕10号", date=date(2026, 6, 1))
    assert [f.rule for f in refused.value.findings] == ["control-number"]


def test_the_check_on_a_past_day_replays_the_ledger(daying: Any) -> None:
    township = _townships(daying)[0]
    total = _total(daying, ADMIN)
    services.approved_quota_set(township=township, quota_type=ADMIN, count=_quota(township, ADMIN) + 2,
                                document_number="大委编发〔2026〕10号", date=date(2026, 6, 1))
    assert selectors.county_totals_on(county=daying, on=date(2026, 5, 31))[ADMIN] == (total, 0)
    assert selectors.county_totals_on(county=daying, on=date(2026, 6, 1))[ADMIN] == (total + 2, 0)
    assert selectors.county_totals_on(county=daying, on=date(2020, 1, 1))[ADMIN] == (0, 0)


def _officer_scope(county: Any) -> Any:
    from bianzhi.accounts.scope import Scope

    return Scope(region=county, roles=frozenset({"officer"}))


# --- pages -------------------------------------------------------------------------------


def test_the_officer_records_a_control_number_and_assigns_reserve_on_the_pages(
    login: Any, daying: Any, daying_officer: Any
) -> None:
    client = login(daying_officer)
    response = client.post(reverse("townships:control", args=[daying.code]), {
        "quota_type": ADMIN, "count": "999", "document_number": "川编发〔2026〕2号", "date": "2026-01-05"})
    assert response.status_code == 302
    page = client.get(reverse("townships:county", args=[daying.code])).content.decode()
    assert "川编发〔2026〕2号" in page and "未突破" in page
    CountyReserve.objects.create(county=daying, quota_type=INSTITUTION, count=3)
    township = _townships(daying)[0]
    before = _quota(township)
    response = client.post(reverse("townships:reserve", args=[daying.code]), {
        "township": township.code, "quota_type": INSTITUTION, "count": "1",
        "document_number": "大委编发〔2026〕9号", "date": "2026-06-01", "reason": ""})
    assert response.status_code == 302
    assert _quota(township) == before + 1
    page = client.get(reverse("townships:reserve", args=[daying.code])).content.decode()
    assert "大英县（机动编制）" in page


def test_a_township_user_cannot_set_control_numbers_or_assign_reserve(
    login: Any, daying: Any, penglai_user: Any, tongwei_officer: Any
) -> None:
    client = login(penglai_user)
    assert client.get(reverse("townships:reserve", args=[daying.code])).status_code == 404
    assert client.post(reverse("townships:control", args=[daying.code]), {}).status_code == 404
    client = login(tongwei_officer)
    assert client.get(reverse("townships:control", args=[daying.code])).status_code == 404
