"""The case register: the matters list it draws on, party checks, the
legal review before a major decision, dates, transfer with receipt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.enforcement.conftest import ORG_CODE, PERSON_ID

from bianzhi.audit.models import AuditRecord
from bianzhi.core.enforcement import CaseStatus
from bianzhi.enforcement import selectors, services
from bianzhi.enforcement.models import Case
from bianzhi.kernel.errors import ServiceError


def test_the_matters_list_holds_the_penalty_inspection_and_coercion_items_only(
    matters: Any, penglai: Any
) -> None:
    listed = selectors.matter_list(township=penglai, today=dt.date(2026, 3, 1))
    assert [m.code for m in listed] == ["CF-001", "JC-001"]


def test_a_case_is_filed_with_its_matter_and_audited_with_the_party_masked(make_case: Any) -> None:
    case = make_case()
    assert (case.matter_name, case.power_type, case.status) == ("对占道经营的处罚", "行政处罚", "filed")
    record = AuditRecord.objects.get(object_type="enforcement.case", object_id=str(case.pk))
    assert PERSON_ID not in str(record.after) and "510923********123X" in str(record.after)


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"party_id": "510923199003071231"}, "校验"),
        ({"party_kind": "organisation", "party_id": "11100000000013127E"}, "最后一位应为 D"),
        ({"matter_code": "XK-001"}, "不在蓬莱镇的执法事项清单中"),
        ({"party_name": " "}, "当事人不能为空"),
    ],
)
def test_a_case_with_a_bad_party_or_matter_is_refused(make_case: Any, overrides: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ServiceError, match=fragment):
        make_case(**overrides)
    assert not Case.objects.exists()


def test_an_organisation_is_checked_by_its_credit_code(make_case: Any) -> None:
    case = make_case(party_kind="organisation", party_name="顺达建材经营部", party_id=ORG_CODE.lower())
    assert case.party_id == ORG_CODE
    assert selectors.party_id_shown(case, full=False) == "11100000*********D"


def test_a_major_decision_needs_the_legal_review_first(make_case: Any) -> None:
    case = make_case(is_major=True)
    with pytest.raises(ServiceError, match="法制审核"):
        services.case_decide(actor=None, case=case, on=dt.date(2026, 3, 20), decision="罚款")
    services.case_legal_review(actor=None, case=case, on=dt.date(2026, 3, 18), reviewer="李司法", opinion="同意")
    services.case_decide(
        actor=None, case=case, on=dt.date(2026, 3, 20), decision="罚款", penalty_amount=Decimal("500")
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and case.penalty_amount == Decimal("500")
    assert [r.stage for r in case.records.all()] == ["立案", "法制审核", "决定"]


def test_dates_may_not_run_backwards(make_case: Any) -> None:
    case = make_case()
    with pytest.raises(ServiceError, match="决定日期（2026-02-01）早于立案日期"):
        services.case_decide(actor=None, case=case, on=dt.date(2026, 2, 1), decision="警告")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.FILED


def test_a_closed_case_cannot_be_decided_again(make_case: Any) -> None:
    case = make_case()
    services.case_decide(actor=None, case=case, on=dt.date(2026, 3, 5), decision="警告")
    services.case_close(actor=None, case=case, on=dt.date(2026, 3, 9))
    with pytest.raises(ServiceError, match="已结案"):
        services.case_decide(actor=None, case=case, on=dt.date(2026, 3, 10), decision="警告")


def test_a_transferred_case_waits_for_its_receipt(make_case: Any) -> None:
    case = make_case()
    transfer = services.case_transfer(
        actor=None, case=case, department="县市场监督管理局", on=dt.date(2026, 3, 3),
        document_number="蓬综执移〔2026〕1号", reason="超出乡镇执法权限",
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.TRANSFERRED
    with pytest.raises(ServiceError, match="回执日期早于移送日期"):
        services.transfer_receipt(actor=None, transfer=transfer, on=dt.date(2026, 3, 2), received_by="王")
    services.transfer_receipt(actor=None, transfer=transfer, on=dt.date(2026, 3, 4), received_by="法规股王某")
    transfer.refresh_from_db()
    assert transfer.receipt_by == "法规股王某"
    with pytest.raises(ServiceError, match="已登记回执"):
        services.transfer_receipt(actor=None, transfer=transfer, on=dt.date(2026, 3, 5), received_by="王")


def test_only_a_decided_case_is_published_and_both_ways_are_audited(make_case: Any) -> None:
    case = make_case()
    with pytest.raises(ServiceError, match="只有已作出决定"):
        services.case_publish(actor=None, case=case)
    services.case_decide(actor=None, case=case, on=dt.date(2026, 3, 5), decision="警告")
    services.case_publish(actor=None, case=case)
    services.case_withdraw(actor=None, case=case, reason="当事人已申请复议")
    reasons = list(
        AuditRecord.objects.filter(object_type="enforcement.case", object_id=str(case.pk))
        .order_by("id")
        .values_list("reason", flat=True)
    )
    assert reasons[-2:] == ["公示处理决定", "撤回公示：当事人已申请复议"]
