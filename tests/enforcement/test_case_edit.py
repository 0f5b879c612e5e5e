"""Editing a case after 立案: the creation checks again, the status left to
the steps, the closed and transferred ones refused, the major flag kept
honest around the legal review, scoped and audited on page and service."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from tests.conftest import PENGLAI
from tests.enforcement.conftest import ORG_CODE, PERSON_ID

from bianzhi.audit.models import AuditRecord
from bianzhi.enforcement import services
from bianzhi.enforcement.models import Case
from bianzhi.enforcement.services import CaseFields, EnforcementError

FIELDS = CaseFields(
    number="蓬综执立〔2026〕1号", matter_code="CF-001", party_kind="person", party_name="张三",
    party_id=PERSON_ID, filed_on=dt.date(2026, 3, 1),
)


def test_an_edit_corrects_the_filed_fields_audits_them_and_notes_it_in_the_record(make_case: Any) -> None:
    case = make_case()
    services.case_update(
        actor=None, case=case,
        fields=replace(FIELDS, matter_code="JC-001", party_kind="organisation", party_name="某公司", party_id=ORG_CODE),
    )
    case.refresh_from_db()
    assert (case.matter_name, case.power_type, case.party_id, case.status) == ("燃气安全检查", "行政检查", ORG_CODE, "filed")
    record = AuditRecord.objects.get(object_type="enforcement.case", object_id=str(case.pk), action="update")
    assert record.before["matter_code"] == "CF-001" and record.after["matter_code"] == "JC-001"
    assert PERSON_ID not in str(record.before)  # the party stays masked in the audit
    assert case.records.filter(stage="修改").exists()


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"party_id": "510923199003071231"}, "校验"),
        ({"matter_code": "XK-001"}, "不在蓬莱镇的执法事项清单中"),
        ({"number": "蓬综执立〔2026〕2号"}, "已存在"),
        ({"filed_on": dt.date(2026, 4, 1)}, "日期"),
    ],
)
def test_an_edit_is_checked_as_creation_is(make_case: Any, change: dict[str, Any], fragment: str) -> None:
    make_case("蓬综执立〔2026〕2号")
    case = make_case()
    services.case_investigate(actor=None, case=case, on=dt.date(2026, 3, 10))
    with pytest.raises(EnforcementError, match=fragment):
        services.case_update(actor=None, case=case, fields=replace(FIELDS, **change))
    case.refresh_from_db()
    assert (case.party_id, case.matter_code, case.filed_on) == (PERSON_ID, "CF-001", dt.date(2026, 3, 1))


def test_closed_and_transferred_cases_are_not_edited(make_case: Any) -> None:
    closed = make_case()
    services.case_decide(actor=None, case=closed, on=dt.date(2026, 3, 5), decision="罚款")
    services.case_close(actor=None, case=closed, on=dt.date(2026, 3, 6))
    with pytest.raises(EnforcementError, match="已结案，不能再修改"):
        services.case_update(actor=None, case=closed, fields=replace(FIELDS, party_name="李四"))
    moved = make_case("蓬综执立〔2026〕3号")
    services.case_transfer(
        actor=None, case=moved, department="县市场监管局", on=dt.date(2026, 3, 5), document_number="蓬综执移〔2026〕1号",
        reason="不属本镇",
    )
    with pytest.raises(EnforcementError, match="已移送"):
        services.case_update(actor=None, case=moved, fields=replace(FIELDS, number="蓬综执立〔2026〕3号"))


def test_a_decided_case_cannot_become_major_without_its_prior_legal_review(make_case: Any) -> None:
    case = make_case()
    services.case_decide(actor=None, case=case, on=dt.date(2026, 3, 5), decision="罚款")
    with pytest.raises(EnforcementError, match="须在决定前经法制审核"):
        services.case_update(actor=None, case=case, fields=replace(FIELDS, is_major=True))
    reviewed = make_case("蓬综执立〔2026〕4号", is_major=True)
    services.case_legal_review(actor=None, case=reviewed, on=dt.date(2026, 3, 4), reviewer="王法制", opinion="同意")
    with pytest.raises(EnforcementError, match="不能改为非重大"):
        services.case_update(actor=None, case=reviewed, fields=replace(FIELDS, number="蓬综执立〔2026〕4号"))
    assert Case.objects.get(pk=reviewed.pk).is_major


def test_the_edit_page_is_scoped_and_saves_through_the_form(
    make_case: Any, login: Any, penglai_user: Any, tongwei_officer: Any
) -> None:
    case = make_case()
    form = {
        "number": FIELDS.number, "matter_code": "JC-001", "party_kind": "person", "party_name": "张三丰",
        "party_id": PERSON_ID, "filed_on": "2026-03-01", "summary": "补充案情",
    }
    assert login(tongwei_officer).post(f"/enforcement/cases/{case.pk}/edit/", form).status_code == 404
    client = login(penglai_user)
    assert 'data-testid="case-edit"' in client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    client.post(f"/enforcement/cases/{case.pk}/edit/", {**form, "filed_on": "2026-13-01"})
    assert Case.objects.get(pk=case.pk).party_name == "张三"
    client.post(f"/enforcement/cases/{case.pk}/edit/", form)
    case.refresh_from_db()
    assert (case.party_name, case.matter_code, case.summary) == ("张三丰", "JC-001", "补充案情")
    assert case.township.code == PENGLAI
