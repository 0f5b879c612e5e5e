"""Duty access and take-up notify whoever acts next: submission → each
affected township's users (opinion needed); the last opinion → the county's
审核人; the decision → the submitting department user; a take-up proposal →
the county's 审核人. Nobody of another county hears of it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from tests.conftest import DAYING, PENGLAI
from tests.duty_actors import LONGSHENG

from bianzhi.accounts.services import user_create
from bianzhi.adapters import xlsx_duties as spreadsheets
from bianzhi.core.duties import TakeUpChoice
from bianzhi.duties.services.access import (
    RequestFields,
    duty_opinion_give,
    duty_request_create,
    duty_request_decide,
    duty_request_submit,
)
from bianzhi.duties.services.catalogue import catalogue_import, take_up_propose
from bianzhi.inbox.models import Notification

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 1)


@pytest.fixture
def tongwei_staff(regions: Any) -> list[Any]:
    return [
        user_create(username="tw-approver", password="x", region=regions["621121"], roles=["approver"], validate=False),
        user_create(username="tw-township", password="x", region=regions["621121100"], roles=["township"], validate=False),
    ]


@pytest.fixture
def submitted(dept_user: Any, department: Any, penglai_user: Any, longsheng_user: Any) -> Any:
    """Submitted once the township users exist (they are told at submission)."""
    fields = RequestFields(
        matter="秸秆禁烧日常巡查", reason="点多面广，需乡镇就近巡查", legal_basis="《大气污染防治法》第七十七条",
        funding_amount=Decimal("20"), township_codes=(PENGLAI, LONGSHENG),
    )
    draft = duty_request_create(actor=dept_user, department=department, fields=fields)
    return duty_request_submit(actor=dept_user, request=draft, today=TODAY)


def _inbox(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_submission_asks_each_affected_township_for_its_opinion(
    submitted: Any, penglai_user: Any, longsheng_user: Any, daying_officer: Any, tongwei_staff: list[Any]
) -> None:
    for user in (penglai_user, longsheng_user):
        [message] = _inbox(user)
        assert message.title == "待反馈意见：县农业农村局拟交由乡镇承担“秸秆禁烧日常巡查”"
        assert message.url == f"/duties/requests/{submitted.pk}/" and message.kind == "approval"
    assert _inbox(daying_officer) == []  # nothing to decide yet
    assert all(_inbox(u) == [] for u in tongwei_staff)


def test_the_last_opinion_asks_the_county_then_the_decision_reaches_the_department(
    submitted: Any, penglai_user: Any, longsheng_user: Any, daying_officer: Any, dept_user: Any,
    regions: Any, tongwei_staff: list[Any],
) -> None:
    duty_opinion_give(actor=penglai_user, request=submitted, township=regions[PENGLAI], agrees=True, text="同意")
    assert _inbox(daying_officer) == []  # 隆盛镇 has not answered
    duty_opinion_give(actor=longsheng_user, request=submitted, township=regions[LONGSHENG], agrees=True, text="同意")
    [decide] = _inbox(daying_officer)
    assert decide.title == "待审定职责准入申请：县农业农村局“秸秆禁烧日常巡查”"
    assert decide.url == f"/duties/requests/{submitted.pk}/"
    assert _inbox(dept_user) == []
    duty_request_decide(actor=daying_officer, request=submitted, approve=True, document_number="大委编发〔2025〕3号")
    [outcome] = _inbox(dept_user)
    assert outcome.title == "职责准入申请已准入：“秸秆禁烧日常巡查”" and outcome.kind == "result"
    assert all(_inbox(u) == [] for u in tongwei_staff)


def test_a_take_up_proposal_asks_the_county_approver(
    regions: Any, penglai_user: Any, daying_officer: Any, tongwei_staff: list[Any]
) -> None:
    rows = [["JC-001", "农村村民宅基地审批", "行政许可", "《土地管理法》第六十二条", "县自然资源和规划局", "基础清单"]]
    data = spreadsheets.catalogue_read(spreadsheets.catalogue_workbook(rows, {"featured-1": ["县政府驻地镇"]}))
    catalogue_import(actor=None, county=regions[DAYING], data=data, document_number="大府发〔2025〕1号")
    take_up_propose(actor=penglai_user, township=regions[PENGLAI], choices={"JC-001": TakeUpChoice.TAKE_UP})
    [message] = _inbox(daying_officer)
    assert message.title == "待审定承接申报：蓬莱镇" and message.url == f"/duties/township/{PENGLAI}/"
    assert _inbox(penglai_user) == []
    assert all(_inbox(u) == [] for u in tongwei_staff)
