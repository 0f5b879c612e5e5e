"""Duty access (职责准入): a department submits, townships give opinions, the
county decides; forbidden demands block; temporary duties expire."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from tests.conftest import PENGLAI
from tests.duty_actors import LONGSHENG

from bianzhi.audit.models import AuditRecord
from bianzhi.core.duties import AccessStatus, Demand
from bianzhi.duties.selectors.access import (
    access_request_history,
    access_request_overdue,
    access_requests,
)
from bianzhi.duties.selectors.duty_list import duty_list
from bianzhi.duties.services.access import (
    DutyAccessBlocked,
    RequestFields,
    duty_opinion_give,
    duty_request_create,
    duty_request_decide,
    duty_request_submit,
    duty_request_update,
    duty_requests_expire,
)
from bianzhi.duties.services.common import DutyError

TODAY = date(2025, 3, 1)


def fields(**kwargs: Any) -> RequestFields:
    base: dict[str, Any] = {
        "matter": "秸秆禁烧日常巡查",
        "reason": "点多面广，需乡镇就近巡查",
        "legal_basis": "《大气污染防治法》第七十七条",
        "funding_amount": Decimal("20"),
        "township_codes": (PENGLAI, LONGSHENG),
    }
    base.update(kwargs)
    return RequestFields(**base)


@pytest.fixture
def draft(dept_user: Any, department: Any) -> Any:
    return duty_request_create(actor=dept_user, department=department, fields=fields())


def submitted(draft: Any, dept_user: Any) -> Any:
    return duty_request_submit(actor=dept_user, request=draft, today=TODAY)


def test_the_whole_way_to_the_townships_lists(
    draft: Any, dept_user: Any, penglai_user: Any, longsheng_user: Any, daying_officer: Any, regions: Any
) -> None:
    request = submitted(draft, dept_user)
    assert request.status == AccessStatus.CONSULTING and request.submitted_on == TODAY
    duty_opinion_give(
        actor=penglai_user, request=request, township=regions[PENGLAI], agrees=True, text="同意承接"
    )
    request.refresh_from_db()
    assert request.status == AccessStatus.CONSULTING  # 隆盛镇 has not answered
    duty_opinion_give(
        actor=longsheng_user,
        request=request,
        township=regions[LONGSHENG],
        agrees=False,
        text="本镇无专职力量",
        today=TODAY,
    )
    request.refresh_from_db()
    assert request.status == AccessStatus.DECIDING and request.opinions_complete_on == TODAY
    duty_request_decide(
        actor=daying_officer, request=request, approve=True, document_number="大委编发〔2025〕3号"
    )
    entries = duty_list(township=regions[PENGLAI], today=TODAY)
    admitted = [e for e in entries if e.source == "准入事项"]
    assert [(e.name, e.department, e.basis_document) for e in admitted] == [
        ("秸秆禁烧日常巡查", "县农业农村局", "大委编发〔2025〕3号")
    ]
    # Every step is audited and readable by every party through the request.
    history = list(access_request_history(request=request))
    assert len(history) >= 6
    assert any(r.actor_name == "longsheng" for r in history)


@pytest.mark.parametrize("demand", list(Demand))
def test_a_forbidden_demand_blocks_submission_and_the_attempt_is_kept(
    dept_user: Any, department: Any, demand: Demand
) -> None:
    request = duty_request_create(
        actor=dept_user, department=department, fields=fields(demands=frozenset({demand}))
    )
    with pytest.raises(DutyAccessBlocked) as err:
        duty_request_submit(actor=dept_user, request=request, today=TODAY)
    assert len(err.value.reasons) == 1 and "§" in err.value.reasons[0]
    request.refresh_from_db()
    assert request.status == AccessStatus.DRAFT
    assert request.blocked_reasons == err.value.reasons
    assert AuditRecord.objects.filter(object_id=str(request.pk), reason="提交被阻止").exists()


def test_a_blocked_draft_can_be_fixed_and_submitted(dept_user: Any, department: Any) -> None:
    request = duty_request_create(
        actor=dept_user,
        department=department,
        fields=fields(demands=frozenset({Demand.PLEDGE}), funding_amount=None),
    )
    with pytest.raises(DutyAccessBlocked) as err:
        duty_request_submit(actor=dept_user, request=request, today=TODAY)
    assert len(err.value.reasons) == 2  # the pledge and the missing funding
    duty_request_update(actor=dept_user, request=request, fields=fields())
    request = duty_request_submit(actor=dept_user, request=request, today=TODAY)
    assert request.status == AccessStatus.CONSULTING and request.blocked_reasons == []


def test_only_the_department_or_the_office_may_file_for_a_department(
    department: Any, penglai_user: Any, tongwei_officer: Any, daying_officer: Any
) -> None:
    for outsider in (penglai_user, tongwei_officer):
        with pytest.raises(PermissionDenied):
            duty_request_create(actor=outsider, department=department, fields=fields())
    duty_request_create(actor=daying_officer, department=department, fields=fields())


def test_townships_answer_only_for_themselves_and_once(
    draft: Any, dept_user: Any, penglai_user: Any, regions: Any
) -> None:
    request = submitted(draft, dept_user)
    with pytest.raises(PermissionDenied):
        duty_opinion_give(
            actor=penglai_user, request=request, township=regions[LONGSHENG], agrees=True, text="同意"
        )
    duty_opinion_give(
        actor=penglai_user, request=request, township=regions[PENGLAI], agrees=True, text="同意"
    )
    with pytest.raises(DutyError, match="已反馈意见"):
        duty_opinion_give(
            actor=penglai_user, request=request, township=regions[PENGLAI], agrees=True, text="同意"
        )


def test_a_township_not_concerned_cannot_answer(
    dept_user: Any, department: Any, regions: Any, daying_officer: Any
) -> None:
    request = duty_request_create(
        actor=dept_user, department=department, fields=fields(township_codes=(PENGLAI,))
    )
    submitted(request, dept_user)
    with pytest.raises(DutyError, match="隆盛镇不是该事项的承接乡镇"):
        duty_opinion_give(
            actor=daying_officer, request=request, township=regions[LONGSHENG], agrees=True, text="同意"
        )


def test_the_county_decides_only_after_every_opinion_and_with_a_document_number(
    draft: Any, dept_user: Any, daying_officer: Any, regions: Any
) -> None:
    request = submitted(draft, dept_user)
    with pytest.raises(DutyError, match="尚未全部反馈"):
        duty_request_decide(actor=daying_officer, request=request, approve=True, document_number="x")
    for code in (PENGLAI, LONGSHENG):
        duty_opinion_give(
            actor=daying_officer, request=request, township=regions[code], agrees=True, text="同意"
        )
    with pytest.raises(DutyError, match="文号"):
        duty_request_decide(actor=daying_officer, request=request, approve=True)
    with pytest.raises(DutyError, match="理由"):
        duty_request_decide(actor=daying_officer, request=request, approve=False)
    with pytest.raises(PermissionDenied):
        duty_request_decide(actor=dept_user, request=request, approve=True, document_number="x")
    duty_request_decide(actor=daying_officer, request=request, approve=False, note="应由部门自行承担")
    assert not [e for e in duty_list(township=regions[PENGLAI], today=TODAY) if e.source == "准入事项"]


def approved_temporary(actor: Any, department: Any, regions: Any, end: date) -> Any:
    request = duty_request_create(
        actor=actor,
        department=department,
        fields=fields(is_temporary=True, end_date=end, township_codes=(PENGLAI,)),
    )
    duty_request_submit(actor=actor, request=request, today=TODAY)
    duty_opinion_give(actor=actor, request=request, township=regions[PENGLAI], agrees=True, text="同意")
    return duty_request_decide(actor=actor, request=request, approve=True, document_number="临1号", today=TODAY)


def test_a_temporary_duty_leaves_the_list_by_itself_after_its_end_date(
    daying_officer: Any, department: Any, regions: Any
) -> None:
    end = date(2025, 6, 30)
    request = approved_temporary(daying_officer, department, regions, end)
    penglai = regions[PENGLAI]

    def admitted(on: date) -> list[str]:
        return [e.name for e in duty_list(township=penglai, today=on) if e.source == "准入事项"]

    assert admitted(end) == ["秸秆禁烧日常巡查"]
    assert admitted(date(2025, 7, 1)) == []  # by date, before any command ran
    assert request.status_on(date(2025, 7, 1)) is AccessStatus.EXPIRED
    assert duty_requests_expire(today=end) == []
    expired = duty_requests_expire(today=date(2025, 7, 1))
    assert [r.pk for r in expired] == [request.pk]
    assert duty_requests_expire(today=date(2025, 7, 2)) == []  # idempotent
    request.refresh_from_db()
    assert request.status == AccessStatus.EXPIRED


def test_late_opinions_are_reported_per_township(draft: Any, dept_user: Any, penglai_user: Any, regions: Any) -> None:
    request = submitted(draft, dept_user)
    duty_opinion_give(
        actor=penglai_user, request=request, township=regions[PENGLAI], agrees=True, text="同意"
    )
    late = access_request_overdue(request=request, today=date(2025, 3, 20))
    assert [s.message for s in late] == ["隆盛镇逾期9天未反馈意见（应于2025-03-11前）"]


def test_township_users_see_only_submitted_requests_of_their_township(
    draft: Any, dept_user: Any, penglai_user: Any, tongwei_officer: Any, department: Any
) -> None:
    from bianzhi.accounts.scope import Scope

    other = duty_request_create(
        actor=dept_user, department=department, fields=fields(township_codes=(LONGSHENG,))
    )
    submitted(other, dept_user)
    penglai = Scope.for_user(penglai_user)
    assert list(access_requests(scope=penglai)) == []  # draft, and not theirs
    submitted(draft, dept_user)
    assert [r.pk for r in access_requests(scope=penglai)] == [draft.pk]
    assert list(access_requests(scope=Scope.for_user(tongwei_officer))) == []
    assert {r.pk for r in access_requests(scope=Scope.for_user(dept_user))} == {draft.pk, other.pk}
