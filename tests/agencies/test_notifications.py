"""Head changes of dispatched agencies notify whoever acts next: the
township's users give the written opinion, then the officer who started the
change completes it. Nobody of another county hears of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tests.conftest import PENGLAI
from tests.staffing import approve

from bianzhi.agencies import services
from bianzhi.inbox.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(regions: Any, department: Any) -> Any:
    approve(PENGLAI, admin=10, institution=10)
    return services.agency_create(
        actor=None, township=regions[PENGLAI], name="蓬莱市场监管所", agency_type="市场监管所",
        managing_department=department, established_on=date(2019, 1, 1), document_number="大编发〔2019〕1号",
    )


def _titles(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def test_the_township_is_asked_for_its_opinion_then_the_officer_hears_it(
    market: Any, daying_officer: Any, penglai_user: Any, longsheng_user: Any, tongwei_officer: Any
) -> None:
    change = services.head_change_start(actor=daying_officer, agency=market, kind="appoint", person_name="王明")
    [asked] = Notification.objects.filter(user=penglai_user)
    assert asked.title == "待反馈意见：蓬莱市场监管所主要负责人任命（王明）"
    assert asked.url == f"/agencies/{market.pk}/" and asked.kind == "approval"
    assert _titles(longsheng_user) == [] and _titles(daying_officer) == []
    services.head_opinion_record(actor=penglai_user, change=change, agrees=False, text="不熟悉本镇情况")
    services.head_opinion_record(actor=penglai_user, change=change, agrees=True, text="同意")
    assert _titles(daying_officer) == [
        "蓬莱镇已反馈意见（不同意）：蓬莱市场监管所主要负责人任免",
        "蓬莱镇已反馈意见（同意）：蓬莱市场监管所主要负责人任免",
    ]
    assert _titles(tongwei_officer) == []
