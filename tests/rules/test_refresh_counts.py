"""重新检查 reports the counts the user's own list shows: a township user
those of their township, not the county's."""

from __future__ import annotations

from typing import Any

import pytest
from tests.staffing import HUILONG, PENGLAI, approve

from bianzhi.rules.models import StoredFinding

pytestmark = pytest.mark.django_db


def _message(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_a_township_user_hears_the_counts_of_their_township(
    regions: Any, login: Any, penglai_user: Any, daying_officer: Any
) -> None:
    # 蓬莱镇 and 回龙镇 both below the ordinary township's admin floor: block findings in each.
    approve(PENGLAI, admin=12, township_class="一般乡镇")
    approve(HUILONG, admin=13, township_class="一般乡镇")

    response = login(penglai_user).post("/rules/findings/refresh/", follow=True)
    own = StoredFinding.objects.filter(township__code=PENGLAI)
    county = StoredFinding.objects.filter(county__code="510923")
    assert 0 < own.count() < county.count()
    blocks = own.filter(severity="block").count()
    assert f"已重新检查蓬莱镇：共{own.count()}个问题，其中阻止级{blocks}个。" in _message(response)

    response = login(daying_officer).post("/rules/findings/refresh/", follow=True)
    assert f"已重新检查大英县：共{county.count()}个问题" in _message(response)


def test_the_findings_page_counts_each_rule_and_severity(regions: Any, login: Any, daying_officer: Any) -> None:
    """The summary above the list counts every stored finding of a rule and
    severity (the list's own order must not split the groups into ones)."""
    from collections import Counter

    approve(PENGLAI, admin=12, township_class="一般乡镇")
    approve(HUILONG, admin=13, township_class="一般乡镇")
    login(daying_officer).post("/rules/findings/refresh/")
    expected = Counter((f.rule, f.severity) for f in StoredFinding.objects.filter(county__code="510923"))
    assert max(expected.values()) >= 2
    summary = login(daying_officer).get("/rules/findings/").context["summary"]
    got = {(d.id, sev): n for d, block, warning in summary for sev, n in (("block", block), ("warning", warning)) if n}
    assert got == dict(expected)
