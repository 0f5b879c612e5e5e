"""Recruitment plans checked against vacancies with progress from the roster,
and the quota-transfer register writing the approved-quota ledger."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook
from tests.staffing import HUILONG, PENGLAI, approve, enter

from bianzhi.audit.models import AuditRecord
from bianzhi.staffing_plans import services
from bianzhi.staffing_plans.models import PlannedEntry, PlanStatus, QuotaTransfer, RecruitmentPlan
from bianzhi.staffing_plans.services import EntryLine, StaffingPlanError
from bianzhi.townships.models import ApprovedQuota, QuotaLedgerEntry

DAYING = "510923"


@pytest.fixture
def staffed(regions: Any) -> Any:
    """蓬莱镇: 4 admin quotas, 2 held (vacancy 2); 隆盛镇: 2 admin, 2 held (no vacancy)."""
    approve(PENGLAI, admin=4, institution=0)
    approve(HUILONG, admin=2, institution=0)
    enter(1)
    enter(2, entry_date=date(2024, 5, 1))
    enter(3, code=HUILONG)
    enter(4, code=HUILONG)
    return regions


@pytest.fixture
def plan(staffed: Any) -> RecruitmentPlan:
    return services.recruitment_plan_create(actor=None, county=staffed[DAYING], year=2024)


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["乡镇代码", "乡镇名称", "编制类型", "计划进人数"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "计划.xlsx"
    return out


def test_a_plan_may_not_fill_beyond_the_vacancy(plan: RecruitmentPlan, staffed: Any) -> None:
    with pytest.raises(StaffingPlanError, match="超出空编2名.*依据：002"):
        services.planned_entries_set(actor=None, plan=plan, lines=[EntryLine(staffed[PENGLAI], "行政编制", 3)])
    with pytest.raises(StaffingPlanError, match="超出空编0名"):
        services.planned_entries_set(actor=None, plan=plan, lines=[EntryLine(staffed[HUILONG], "行政编制", 1)])
    assert not PlannedEntry.objects.exists()
    services.planned_entries_set(actor=None, plan=plan, lines=[EntryLine(staffed[PENGLAI], "行政编制", 2)])
    assert list(plan.entries.values_list("count", flat=True)) == [2]


def test_plan_page_puts_vacancies_first_and_counts_the_rosters_entries_of_the_year(
    plan: RecruitmentPlan, staffed: Any, login: Any, daying_officer: Any
) -> None:
    services.planned_entries_set(actor=None, plan=plan, lines=[EntryLine(staffed[PENGLAI], "行政编制", 2)])
    from bianzhi.accounts.scope import scope_for
    from bianzhi.staffing_plans.selectors import plan_view

    view = plan_view(scope=scope_for(daying_officer), plan=plan)
    first = view.rows[0]
    assert (first.township.code, first.quota_type, first.vacancy, first.planned, first.entered) == (PENGLAI, "行政编制", 2, 2, 1)
    assert first.percent == 50
    page = login(daying_officer).get(f"/staffing-plans/plan/{plan.pk}/")
    assert page.status_code == 200
    assert "蓬莱镇" in page.content.decode()


def test_the_import_refuses_a_bad_file_with_nothing_saved_and_names_rows_and_columns(
    plan: RecruitmentPlan, login: Any, daying_officer: Any
) -> None:
    client = login(daying_officer)
    upload = _xlsx([
        [PENGLAI, "蓬莱镇", "行政编制", 2],
        [HUILONG, "隆盛镇", "行政编制", 1],
        ["999999999", "", "工勤编制", "两"],
    ])
    response = client.post(f"/staffing-plans/plan/{plan.pk}/", {"action": "import", "file": upload}, follow=True)
    text = response.content.decode()
    assert not PlannedEntry.objects.exists()
    assert "第3行“计划进人数”列：隆盛镇行政编制空编0名，计划1名超出" in text
    assert "第4行“乡镇代码”列" in text
    assert "第4行“编制类型”列" in text
    assert "第4行“计划进人数”列" in text
    good = _xlsx([[PENGLAI, "蓬莱镇", "行政编制", 2]])
    client.post(f"/staffing-plans/plan/{plan.pk}/", {"action": "import", "file": good})
    assert list(plan.entries.values_list("township__code", "count")) == [(PENGLAI, 2)]


def test_issuing_needs_a_document_number_and_freezes_the_plan(plan: RecruitmentPlan, staffed: Any) -> None:
    services.planned_entries_set(actor=None, plan=plan, lines=[EntryLine(staffed[PENGLAI], "行政编制", 1)])
    with pytest.raises(StaffingPlanError, match="文号"):
        services.recruitment_plan_issue(actor=None, plan=plan, document_number=" ", issued_on=date(2024, 3, 1))
    services.recruitment_plan_issue(actor=None, plan=plan, document_number="大委编发〔2024〕3号", issued_on=date(2024, 3, 1))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED
    with pytest.raises(StaffingPlanError, match="已下达"):
        services.planned_entries_set(actor=None, plan=plan, lines=[])


def test_a_transfer_down_raises_the_townships_approved_quota_in_the_ledger_with_its_document_number(
    staffed: Any, login: Any, daying_officer: Any
) -> None:
    response = login(daying_officer).post(f"/staffing-plans/county/{DAYING}/", {
        "action": "transfer_record", "holder": staffed[PENGLAI].pk, "direction": "down",
        "county_body": "县农业农村局", "quota_type": "事业编制", "count": "3",
        "document_number": "大委编发〔2024〕9号", "date": "2024-06-01",
    }, follow=True)
    assert "已登记" in response.content.decode()
    assert ApprovedQuota.objects.get(township=staffed[PENGLAI], quota_type="事业编制").count == 3
    entry = QuotaLedgerEntry.objects.filter(township=staffed[PENGLAI], document_number="大委编发〔2024〕9号").get()
    assert (entry.before, entry.after) == (0, 3)
    assert AuditRecord.objects.filter(object_type__endswith="quotatransfer", reason="大委编发〔2024〕9号").exists()
    page = login(daying_officer).get(f"/staffing-plans/county/{DAYING}/").content.decode()
    assert "县农业农村局" in page


def test_a_transfer_up_cannot_take_more_than_the_township_has(staffed: Any) -> None:
    with pytest.raises(StaffingPlanError, match="超过乡镇现有核定编制4名"):
        services.quota_transfer_record(
            actor=None, holder=staffed[PENGLAI], county_body="县委办", direction="up", quota_type="行政编制",
            count=5, document_number="大委编发〔2024〕10号", date=date(2024, 6, 1),
        )
    assert not QuotaTransfer.objects.exists()
    assert ApprovedQuota.objects.get(township=staffed[PENGLAI], quota_type="行政编制").count == 4


def test_a_transfer_up_that_cuts_the_county_total_is_refused_by_the_rule_guard(staffed: Any) -> None:
    from bianzhi.townships.services import QuotaRuleViolation

    with pytest.raises(QuotaRuleViolation):
        services.quota_transfer_record(
            actor=None, holder=staffed[PENGLAI], county_body="县委办", direction="up", quota_type="行政编制",
            count=1, document_number="大委编发〔2024〕11号", date=date(2024, 6, 1),
        )
    assert not QuotaTransfer.objects.exists()


def test_the_township_user_sees_its_own_lines_and_cannot_record_transfers(
    plan: RecruitmentPlan, staffed: Any, login: Any, penglai_user: Any
) -> None:
    services.planned_entries_set(actor=None, plan=plan, lines=[EntryLine(staffed[PENGLAI], "行政编制", 2)])
    client = login(penglai_user)
    assert client.get("/staffing-plans/").url == f"/staffing-plans/township/{PENGLAI}/"
    page = client.get(f"/staffing-plans/township/{PENGLAI}/")
    assert page.status_code == 200
    assert client.get(f"/staffing-plans/township/{HUILONG}/").status_code == 404
    assert client.get(f"/staffing-plans/county/{DAYING}/").status_code == 404
    response = client.post(f"/staffing-plans/county/{DAYING}/", {"action": "transfer_record"})
    assert response.status_code == 404
    assert not QuotaTransfer.objects.exists()


def test_the_dashboard_totals_plans_entries_and_transfers_per_year(
    plan: RecruitmentPlan, staffed: Any, login: Any, daying_officer: Any
) -> None:
    services.planned_entries_set(actor=None, plan=plan, lines=[EntryLine(staffed[PENGLAI], "行政编制", 2)])
    services.quota_transfer_record(
        actor=None, holder=staffed[PENGLAI], county_body="县农业农村局", direction="down", quota_type="事业编制",
        count=3, document_number="大委编发〔2024〕9号", date=date(2024, 6, 1),
    )
    from bianzhi.accounts.scope import scope_for
    from bianzhi.staffing_plans.selectors import dashboard_years

    years = dashboard_years(scope=scope_for(daying_officer), region=staffed[DAYING])
    assert [(y.year, y.planned, y.entered, y.down, y.up) for y in years] == [(2024, 2, 1, 3, 0)]
    page = login(daying_officer).get(f"/dashboards/{DAYING}/").content.decode()
    assert 'data-testid="staffing-figures"' in page


def _transfer(holder: Any, direction: str, count: int, number: str, quota_type: str = "行政编制") -> QuotaTransfer:
    return services.quota_transfer_record(
        actor=None, holder=holder, county_body="县农业农村局所属事业单位", direction=direction,
        quota_type=quota_type, count=count, document_number=number, date=date(2024, 6, 1),
    )


def _county_total(county: Any, quota_type: str = "行政编制") -> int:
    from bianzhi.townships.models import CountyReserve

    townships = sum(
        ApprovedQuota.objects.filter(township__county_code=county.code, quota_type=quota_type).values_list("count", flat=True)
    )
    reserve = CountyReserve.objects.filter(county=county, quota_type=quota_type).first()
    return townships + (reserve.count if reserve else 0)


def test_a_transfer_down_into_the_county_reserve_raises_the_pool_and_the_county_total_in_the_ledger(
    staffed: Any, login: Any, daying_officer: Any
) -> None:
    from bianzhi.townships.models import CountyReserve

    county = staffed[DAYING]
    assert _county_total(county) == 6
    page = login(daying_officer).get(f"/staffing-plans/county/{DAYING}/").content.decode()
    assert f"{county.name}机动编制" in page  # the reserve pool is offered as a holder
    response = login(daying_officer).post(f"/staffing-plans/county/{DAYING}/", {
        "action": "transfer_record", "holder": county.pk, "direction": "down",
        "county_body": "县农业农村局所属事业单位", "quota_type": "行政编制", "count": "3",
        "document_number": "大委编发〔2024〕12号", "date": "2024-06-01",
    }, follow=True)
    assert f"记入{county.name}机动编制台账" in response.content.decode()
    assert CountyReserve.objects.get(county=county, quota_type="行政编制").count == 3
    assert _county_total(county) == 9  # quota from outside the townships' pool
    assert ApprovedQuota.objects.get(township=staffed[PENGLAI], quota_type="行政编制").count == 4
    entry = QuotaLedgerEntry.objects.get(document_number="大委编发〔2024〕12号")
    assert entry.is_reserve and (entry.before, entry.after) == (None, 3)
    transfer = QuotaTransfer.objects.get()
    assert transfer.is_reserve and transfer.signed_count == 3
    assert AuditRecord.objects.filter(object_type__endswith="countyreserve", reason="大委编发〔2024〕12号").exists()
    assert AuditRecord.objects.filter(object_type__endswith="quotatransfer", region_code=county.code).exists()


def test_a_transfer_up_from_the_reserve_is_bounded_by_the_pool_and_by_the_two_no_decrease_rule(staffed: Any) -> None:
    from bianzhi.townships.models import CountyReserve
    from bianzhi.townships.services import QuotaRuleViolation

    county = staffed[DAYING]
    _transfer(county, "down", 3, "大委编发〔2024〕12号")
    with pytest.raises(StaffingPlanError, match=f"超过{county.name}机动编制3名"):
        _transfer(county, "up", 4, "大委编发〔2024〕13号")
    with pytest.raises(QuotaRuleViolation) as refused:
        _transfer(county, "up", 1, "大委编发〔2024〕13号")
    assert {f.rule for f in refused.value.findings} == {"no-total-decrease"}
    assert CountyReserve.objects.get(county=county, quota_type="行政编制").count == 3
    assert QuotaTransfer.objects.count() == 1
    assert not QuotaLedgerEntry.objects.filter(document_number="大委编发〔2024〕13号").exists()


def test_a_transfer_down_beyond_the_control_number_is_refused_and_saves_nothing(staffed: Any) -> None:
    from bianzhi.townships.services import QuotaRuleViolation, control_number_set

    county = staffed[DAYING]
    control_number_set(county=county, quota_type="行政编制", count=7, document_number="川编发〔2024〕1号", date=date(2024, 1, 1))
    _transfer(staffed[PENGLAI], "down", 1, "大委编发〔2024〕14号")  # 7: at the control number
    for holder in (staffed[PENGLAI], county):
        with pytest.raises(QuotaRuleViolation) as refused:
            _transfer(holder, "down", 1, "大委编发〔2024〕15号")
        assert {f.rule for f in refused.value.findings} == {"control-number"}
    assert _county_total(county) == 7
    assert QuotaTransfer.objects.count() == 1
    assert not QuotaLedgerEntry.objects.filter(document_number="大委编发〔2024〕15号").exists()


def test_the_township_user_does_not_see_the_county_reserve_transfers(staffed: Any, penglai_user: Any) -> None:
    from bianzhi.accounts.scope import scope_for
    from bianzhi.staffing_plans.selectors import transfer_list

    _transfer(staffed[DAYING], "down", 2, "大委编发〔2024〕12号")
    _transfer(staffed[PENGLAI], "down", 1, "大委编发〔2024〕16号")
    seen = transfer_list(scope=scope_for(penglai_user), county=staffed[DAYING])
    assert [t.township.code for t in seen] == [PENGLAI]
