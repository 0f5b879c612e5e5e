"""New block findings notify the county's 编办管理员, once: a refresh that
finds the same block findings again adds nothing, warnings add nothing, and
the other county's officers hear nothing."""

from __future__ import annotations

from typing import Any

import pytest
from tests.staffing import HUILONG, PENGLAI, approve

from bianzhi.inbox.models import Notification
from bianzhi.rules.models import RuleSetting
from bianzhi.rules.services import findings_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_county(regions: Any) -> None:
    """Every township of 大英县 above the ordinary floor, so only what a test
    changes is a block finding; stored once (the baseline)."""
    from bianzhi.regions.models import Level, Region

    for township in Region.objects.filter(level=Level.TOWNSHIP, county_code="510923"):
        approve(township.code, admin=20, institution=20, township_class="一般乡镇")
    findings_refresh(county_code="510923")


def _messages(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind="rule").order_by("id"))


def test_a_new_block_finding_is_sent_once_to_the_county_officer(
    quiet_county: None, daying_officer: Any, penglai_user: Any, tongwei_officer: Any
) -> None:
    assert _messages(daying_officer) == []
    approve(PENGLAI, admin=12, township_class="一般乡镇")
    findings_refresh(county_code="510923")
    [message] = _messages(daying_officer)
    assert message.title == "新增阻止级问题1个：大英县"
    assert "蓬莱镇" in message.body and "15" in message.body
    assert message.url == "/rules/findings/?region=510923&severity=block"
    findings_refresh(county_code="510923")  # the same finding again: no news
    assert len(_messages(daying_officer)) == 1
    approve(HUILONG, admin=13, township_class="一般乡镇")
    findings_refresh(county_code="510923")  # only the new one is counted
    assert [m.title for m in _messages(daying_officer)][-1] == "新增阻止级问题1个：大英县"
    assert _messages(penglai_user) == [] and _messages(tongwei_officer) == []


def test_warnings_are_not_sent(quiet_county: None, daying_officer: Any, regions: Any) -> None:
    RuleSetting.objects.create(region=regions["510923"], rule="ordinary-admin-floor", severity="warning")
    approve(PENGLAI, admin=12, township_class="一般乡镇")
    findings_refresh(county_code="510923")
    assert _messages(daying_officer) == []
