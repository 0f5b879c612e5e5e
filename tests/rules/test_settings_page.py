"""The rule settings form on the catalogue page: stored, audited, findings
re-evaluated with the new values; bad values and outsiders refused."""

from __future__ import annotations

from typing import Any

import pytest
from tests.staffing import PENGLAI, approve, enter

from bianzhi.audit.models import AuditRecord
from bianzhi.rules.models import RuleSetting, StoredFinding
from bianzhi.rules.services import rule_setting_save

pytestmark = pytest.mark.django_db

DAYING = "510923"


@pytest.fixture
def at_92_percent(regions: Any) -> Any:
    """蓬莱镇: 25 administrative quotas, 23 on the roster (92% used)."""
    approve(PENGLAI, admin=25)
    for serial in range(1, 24):
        enter(serial)
    return regions[PENGLAI]


def _usage_findings() -> Any:
    return StoredFinding.objects.filter(rule="usage-rate", township__code=PENGLAI)


def _post(client: Any, **fields: str) -> Any:
    data = {"region": DAYING, "rule": "usage-rate", "enabled": "", "severity": "", "param_min_percent": "",
            "scope": "", "reason": ""}
    data.update(fields)
    return client.post("/rules/settings/", data, follow=True)


def _setting_audits() -> Any:
    return AuditRecord.objects.filter(object_type__endswith="rulesetting")


def test_the_officer_lowers_the_usage_target_and_the_finding_goes(
    login: Any, daying_officer: Any, at_92_percent: Any
) -> None:
    assert _usage_findings().count() == 1  # 92% < 95%
    response = _post(login(daying_officer), param_min_percent="90", reason="大编办〔2025〕3号")
    assert "已保存“编制使用率”的设置" in response.content.decode()
    setting = RuleSetting.objects.get(region__code=DAYING, rule="usage-rate")
    assert setting.parameters == {"min_percent": 90}
    record = _setting_audits().get()
    assert record.actor_id == daying_officer.pk and record.reason == "大编办〔2025〕3号"
    assert record.after is not None and record.after["parameters"] == {"min_percent": 90}
    assert not _usage_findings().exists()
    assert "使用率目标（%）：90" in response.content.decode()


def test_the_officer_changes_the_severity_and_the_finding_is_stored_as_block(
    login: Any, daying_officer: Any, at_92_percent: Any
) -> None:
    assert _usage_findings().get().severity == "warning"
    _post(login(daying_officer), severity="block")
    assert RuleSetting.objects.get(rule="usage-rate").severity == "block"
    assert _usage_findings().get().severity == "block"
    assert _setting_audits().count() == 1


def test_a_second_change_is_audited_with_before_and_after(
    login: Any, daying_officer: Any, at_92_percent: Any
) -> None:
    client = login(daying_officer)
    _post(client, param_min_percent="90")
    _post(client, param_min_percent="93")
    update = _setting_audits().get(action="update")
    assert update.before is not None and update.before["parameters"] == {"min_percent": 90}
    assert update.after is not None and update.after["parameters"] == {"min_percent": 93}
    assert _usage_findings().count() == 1  # 92% < 93%


def test_the_county_can_set_the_default_value_over_the_citys_setting(
    login: Any, daying_officer: Any, at_92_percent: Any, regions: Any
) -> None:
    rule_setting_save(actor=None, region=regions["5109"], rule="usage-rate", parameters={"min_percent": 90})
    assert not _usage_findings().exists()  # the city's 90% applies to the county
    _post(login(daying_officer), param_min_percent="95")
    assert RuleSetting.objects.get(region__code=DAYING).parameters == {"min_percent": 95}
    assert _usage_findings().count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"param_min_percent": "120"}, "必须是0～100的数，实为120"),
        ({"param_min_percent": "-5"}, "必须是0～100的数，实为-5"),
        ({"param_min_percent": "九十"}, "参数“使用率目标（%）”必须是数字，实为“九十”"),
        ({"param_min_percent": "nan"}, "必须是数字"),
        ({"param_min_percent": "90", "severity": "fatal"}, "级别“fatal”无效"),
    ],
)
def test_invalid_values_are_refused_in_chinese_and_nothing_is_stored(
    fields: dict[str, str], message: str, login: Any, daying_officer: Any, at_92_percent: Any
) -> None:
    response = _post(login(daying_officer), **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RuleSetting.objects.exists() and not _setting_audits().exists()
    assert _usage_findings().get().severity == "warning"


def test_a_viewer_cannot_change_settings(login: Any, suining_viewer: Any, at_92_percent: Any) -> None:
    client = login(suining_viewer)
    assert 'name="param_min_percent"' not in client.get("/rules/", {"region": DAYING}).content.decode()
    assert _post(client, param_min_percent="90").status_code == 403
    assert not RuleSetting.objects.exists() and not _setting_audits().exists()
    assert _usage_findings().exists()


def test_another_countys_officer_gets_not_found(login: Any, tongwei_officer: Any, at_92_percent: Any) -> None:
    assert _post(login(tongwei_officer), param_min_percent="90").status_code == 404
    assert not RuleSetting.objects.exists() and not _setting_audits().exists()
    assert _usage_findings().exists()


@pytest.mark.parametrize("value", ["99999999999999999999", "2147483648"])
def test_a_count_too_big_to_compare_is_refused_and_nothing_is_stored(
    login: Any, daying_officer: Any, at_92_percent: Any, value: str
) -> None:
    # A count without an upper bound reached the engine's numpy comparisons,
    # which overflow on a 20-digit whole number (HTTP 500).
    data = {"region": DAYING, "rule": "enforcement-staff", "param_min_staff": value, "reason": ""}
    response = login(daying_officer).post("/rules/settings/", data, follow=True)
    assert response.status_code == 200
    assert "执法人员下限（人））过大（不能超过2147483647）" in response.content.decode()
    assert not RuleSetting.objects.exists() and not _setting_audits().exists()


def test_the_county_maps_its_classes_onto_the_limits_table_on_the_rules_page(
    login: Any, daying_officer: Any, regions: Any
) -> None:
    from datetime import date

    from bianzhi.institutions.models import Institution

    # 蓬莱镇, a 一般乡镇 (三类 by default: at most 4 offices), has 5 offices.
    approve(PENGLAI, admin=20, township_class="一般乡镇")
    for n in range(5):
        Institution.objects.create(region=regions[PENGLAI], name=f"办公室{n}", kind="office",
                                   established_on=date(2020, 1, 1))
    client = login(daying_officer)
    page = client.get(f"/rules/?region={DAYING}").content.decode()
    assert "<td>一般乡镇</td><td>三类</td><td class=\"num\">4</td>" in page
    assert "<td>县政府驻地镇</td><td>一类" in page
    response = client.post("/rules/settings/", {
        "region": DAYING, "rule": "institution-limits", "enabled": "", "severity": "", "scope": "",
        "param_ordinary_as": "2", "reason": "大编办〔2025〕4号",
    }, follow=True)
    page = response.content.decode()
    assert "<td>一般乡镇</td><td>二类</td><td class=\"num\">5</td>" in page
    record = _setting_audits().get()
    assert record.after is not None and record.after["parameters"] == {"ordinary_as": 2}
    assert record.reason == "大编办〔2025〕4号"
    # Counted as 二类 (5 offices allowed), 蓬莱镇's five offices are within.
    assert not StoredFinding.objects.filter(rule="institution-limits").exists()


def test_the_class_mapping_is_the_countys_own_not_its_neighbours(
    login: Any, daying_officer: Any, tongwei_officer: Any, regions: Any
) -> None:
    rule_setting_save(actor=None, region=regions[DAYING], rule="institution-limits", parameters={"ordinary_as": 1})
    tongwei = login(tongwei_officer).get("/rules/?region=621121").content.decode()
    assert "<td>一般乡镇</td><td>三类" in tongwei
    # And an outsider cannot change 大英县's mapping.
    response = login(tongwei_officer).post("/rules/settings/", {"region": DAYING, "rule": "institution-limits",
                                                                "param_ordinary_as": "3"})
    assert response.status_code == 404
    assert RuleSetting.objects.get(region__code=DAYING, rule="institution-limits").parameters == {"ordinary_as": 1}
