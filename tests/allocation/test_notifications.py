"""Plans notify whoever acts next: computed → the region's 审核人; approved →
its 编办管理员 and every township user under it (each linked to their own
township's page). Nobody of another county hears of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bianzhi.accounts.services import user_create
from bianzhi.allocation import services
from bianzhi.allocation.selectors import plan_default_params
from bianzhi.inbox.models import Notification

pytestmark = pytest.mark.django_db


def _user(username: str, region: Any, roles: list[str]) -> Any:
    return user_create(username=username, password="x", region=region, roles=roles, validate=False)


@pytest.fixture
def tongwei_staff(tongwei: Any, regions: Any) -> list[Any]:
    """An approver, an officer and a township user of 通渭县."""
    return [
        _user("tw-approver", tongwei, ["approver"]),
        _user("tw-officer", tongwei, ["officer"]),
        _user("tw-township", regions["621121100"], ["township"]),
    ]


def _computed(county: Any) -> Any:
    params = plan_default_params(region=county)
    params["行政编制"].update({"total": 160, "floors": {"一般乡镇": 15}})
    plan = services.plan_create(region=county, name="测试方案", year=2026, params=params)
    return services.plan_run(plan=plan)


def _inbox(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_a_computed_plan_asks_the_county_approver_to_review_it(
    daying: Any, daying_officer: Any, penglai_user: Any, tongwei_staff: list[Any]
) -> None:
    plan = _computed(daying)
    [message] = _inbox(daying_officer)
    assert message.kind == "approval" and message.title == "待审核测算方案：测试方案"
    assert message.url == f"/plans/{plan.pk}/"
    assert _inbox(penglai_user) == []
    assert all(_inbox(u) == [] for u in tongwei_staff)
    services.plan_run(plan=plan)  # computed again: the approver must look again
    assert len(_inbox(daying_officer)) == 2


def test_an_approved_plan_tells_the_officer_and_each_township_user(
    daying: Any, daying_officer: Any, penglai_user: Any, suining_viewer: Any, tongwei_staff: list[Any]
) -> None:
    plan = services.plan_approve(
        plan=_computed(daying), document_number="大委编发〔2026〕3号", date=date(2026, 3, 1)
    )
    title = "测算方案已批准：测试方案（大委编发〔2026〕3号）"
    officer = [m for m in _inbox(daying_officer) if m.kind == "result"]
    assert [(m.title, m.url) for m in officer] == [(title, f"/plans/{plan.pk}/")]
    [township] = _inbox(penglai_user)
    assert (township.title, township.url) == (title, "/townships/510923100/")
    assert _inbox(suining_viewer) == []  # a city viewer is not asked to act
    assert all(_inbox(u) == [] for u in tongwei_staff)
