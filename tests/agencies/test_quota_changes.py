"""A dispatched agency's quota change (人员编制调整) needs the written opinion of
the township Party committee of every township it serves (002 §3): its own
and, for a 片区 agency, each of the others; the change reaches the
institutions ledger only when all are recorded. The ledger itself refuses a
direct change of a dispatched agency's quotas."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from tests.conftest import PENGLAI
from tests.duty_actors import LONGSHENG
from tests.staffing import approve

from bianzhi.agencies import services
from bianzhi.agencies.models import QuotaChange, QuotaChangeStatus, QuotaOpinion
from bianzhi.agencies.services import AgencyError
from bianzhi.audit.models import AuditRecord
from bianzhi.institutions.models import InstitutionLedgerEntry
from bianzhi.institutions.selectors import ledger_balances
from bianzhi.institutions.services import InstitutionError, ledger_change

pytestmark = pytest.mark.django_db
DOC = "大委编发〔2025〕3号"


@pytest.fixture
def market(regions: Any, department: Any) -> Any:
    """市场监管所 of 蓬莱镇 with 3 事业编制 on the ledger."""
    approve(PENGLAI, admin=10, institution=10)
    return services.agency_create(
        actor=None, township=regions[PENGLAI], name="蓬莱市场监管所", agency_type="市场监管所",
        managing_department=department, established_on=date(2019, 1, 1), document_number="大编发〔2019〕1号",
        quotas={"事业编制": 3},
    )


def _balance(agency: Any) -> int:
    return ledger_balances(institution_ids=[agency.institution_id])[agency.institution_id]["事业编制"]


def _audits(action: str) -> int:
    return AuditRecord.objects.filter(object_type="agencies.quotachange", action=action).count()


def test_a_quota_change_is_refused_until_the_township_gave_its_opinion(
    market: Any, daying_officer: Any, penglai_user: Any
) -> None:
    change = services.quota_change_start(actor=daying_officer, agency=market, targets={"事业编制": 5}, reason="新增职能")
    with pytest.raises(AgencyError) as refused:
        services.quota_change_complete(actor=daying_officer, change=change, document_number=DOC)
    assert str(refused.value.messages[0]) == (
        "尚未登记蓬莱镇的书面意见：派驻机构人员编制调整必须征求所在乡镇党委意见（002 §3），不能完成调整"
    )
    assert _balance(market) == 3

    services.quota_opinion_record(actor=penglai_user, change=change, township=market.township, agrees=True,
                                  text="同意增加2名事业编制")
    services.quota_change_complete(actor=daying_officer, change=change, document_number=DOC,
                                   effective_on=date(2025, 3, 1))
    assert _balance(market) == 5
    entry = InstitutionLedgerEntry.objects.get(institution=market.institution, delta=2)
    assert entry.document_number == DOC and "已征求蓬莱镇党委意见" in entry.reason
    change.refresh_from_db()
    assert change.status == QuotaChangeStatus.COMPLETED
    # The start and the first opinion are created, the completion approved.
    assert (_audits("create"), _audits("approve")) == (2, 1)


def test_a_pianqu_agency_needs_every_served_townships_opinion_one_each(
    market: Any, daying_officer: Any, penglai_user: Any, longsheng_user: Any, regions: Any
) -> None:
    longsheng = regions[LONGSHENG]
    services.agency_served_set(actor=daying_officer, agency=market, townships=[longsheng])
    assert [t.code for t in services.agency_townships(market)] == [PENGLAI, LONGSHENG]
    change = services.quota_change_start(actor=daying_officer, agency=market, targets={"事业编制": 2}, reason="精简")
    services.quota_opinion_record(actor=penglai_user, change=change, township=market.township, agrees=True, text="同意")
    # Given again, it replaces the earlier one: one opinion per township.
    services.quota_opinion_record(actor=penglai_user, change=change, township=market.township, agrees=False,
                                  text="不同意减少")
    assert QuotaOpinion.objects.filter(change=change).count() == 1
    with pytest.raises(AgencyError, match="尚未登记隆盛镇的书面意见"):
        services.quota_change_complete(actor=daying_officer, change=change, document_number=DOC)
    # Each township speaks for itself only.
    with pytest.raises(PermissionDenied):
        services.quota_opinion_record(actor=penglai_user, change=change, township=longsheng, agrees=True, text="同意")
    services.quota_opinion_record(actor=longsheng_user, change=change, township=longsheng, agrees=True, text="同意")
    # 002 §3 asks for the opinion, not the consent: 蓬莱镇's objection stays on record.
    services.quota_change_complete(actor=daying_officer, change=change, document_number=DOC)
    assert _balance(market) == 2
    assert {o.township.code: o.agrees for o in QuotaOpinion.objects.filter(change=change)} == {
        PENGLAI: False, LONGSHENG: True,
    }


def test_a_township_the_agency_does_not_serve_gives_no_opinion(
    market: Any, daying_officer: Any, regions: Any
) -> None:
    change = services.quota_change_start(actor=daying_officer, agency=market, targets={"事业编制": 4}, reason="调整")
    with pytest.raises(AgencyError, match="蓬莱市场监管所不服务隆盛镇"):
        services.quota_opinion_record(actor=daying_officer, change=change, township=regions[LONGSHENG], agrees=True,
                                      text="同意")


def test_the_served_townships_are_of_the_county_and_audited(
    market: Any, daying_officer: Any, regions: Any
) -> None:
    with pytest.raises(AgencyError, match="不是本县的乡镇"):
        services.agency_served_set(actor=daying_officer, agency=market, townships=[regions["621121100"]])
    services.agency_served_set(actor=daying_officer, agency=market, townships=[regions[LONGSHENG]])
    record = AuditRecord.objects.filter(object_type="agencies.dispatchedagency", action="update").latest("id")
    assert record.after == {"服务的其他乡镇": "隆盛镇"}


def test_the_ledger_refuses_a_direct_change_of_a_dispatched_agencys_quota(market: Any) -> None:
    with pytest.raises(InstitutionError, match=r"派驻机构人员编制调整必须征求所在乡镇党委意见（002 §3）"):
        ledger_change(actor=None, institution=market.institution, item="事业编制", delta=1,
                      effective_on=date(2025, 1, 1), document_number=DOC, reason="增加")
    assert _balance(market) == 3


def test_the_agency_page_runs_the_change_with_each_townships_opinion(
    market: Any, daying_officer: Any, penglai_user: Any, login: Any, client: Any
) -> None:
    url = f"/agencies/{market.pk}/"
    officer = login(daying_officer)
    response = officer.post(url, {"action": "quota-start", "institution": "4", "reason": "新增职能"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "已发起编制调整（事业编制4名），待蓬莱镇党委书面反馈意见。"
    ]
    response = officer.post(url, {"action": "quota-complete", "document_number": DOC}, follow=True)
    assert "尚未登记蓬莱镇的书面意见" in [str(m) for m in response.context["messages"]][0]
    assert _balance(market) == 3

    township = login(penglai_user)
    page = township.get(url).content.decode()
    assert 'name="action" value="quota-opinion"' in page and 'value="quota-complete"' not in page
    response = township.post(url, {"action": "quota-opinion", "township": PENGLAI, "agrees": "1", "text": "同意"},
                             follow=True)
    assert [str(m) for m in response.context["messages"]] == ["已登记蓬莱镇党委的书面意见（同意）。"]

    officer = login(daying_officer)
    response = officer.post(url, {"action": "quota-complete", "document_number": DOC}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"已完成编制调整（{DOC}）：事业编制4名。"]
    assert _balance(market) == 4 and not QuotaChange.objects.filter(status=QuotaChangeStatus.PENDING).exists()


def test_a_pianqu_agencys_head_change_needs_every_served_townships_opinion(
    market: Any, daying_officer: Any, penglai_user: Any, longsheng_user: Any, regions: Any, login: Any
) -> None:
    longsheng = regions[LONGSHENG]
    services.agency_served_set(actor=daying_officer, agency=market, townships=[longsheng])
    change = services.head_change_start(actor=daying_officer, agency=market, kind="appoint", person_name="张三")
    services.head_opinion_record(actor=penglai_user, change=change, agrees=True, text="同意")
    with pytest.raises(AgencyError, match=r"尚未登记隆盛镇的书面意见：派驻机构主要负责同志任免必须征求所在乡镇党委意见（002 §3）"):
        services.head_change_complete(actor=daying_officer, change=change, document_number=DOC)
    response = login(longsheng_user).post(
        f"/agencies/{market.pk}/", {"action": "head-opinion", "township": LONGSHENG, "agrees": "0", "text": "建议另选"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["已登记隆盛镇的书面意见（不同意）。"]
    # The seat's consent decides (001 §(二)2); the other township's objection is on record.
    services.head_change_complete(actor=daying_officer, change=change, document_number=DOC)
    market.refresh_from_db()
    assert market.head_name == "张三"
    assert [(o.township.code, o.agrees) for o in change.other_opinions.all()] == [(LONGSHENG, False)]
