"""Township services and selectors: class schemes, classes, quotas and the ledger, scoping."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from bianzhi.accounts.scope import scope_for
from bianzhi.audit.models import AuditRecord
from bianzhi.townships import selectors, services
from bianzhi.townships.models import ApprovedQuota, QuotaLedgerEntry, Township

ADMIN = "行政编制"


def test_a_county_defaults_to_the_five_classes_and_townships_to_the_last(regions: Any, daying_officer: Any) -> None:
    county = regions["510923"]
    assert selectors.county_classes(county=county)[0] == "县政府驻地镇"
    rows = selectors.township_rows(scope=scope_for(daying_officer), county=county)
    assert len(rows) == 10 and {r.township_class for r in rows} == {"一般乡镇"}
    assert all(r.class_is_default for r in rows)


def test_switching_the_scheme_resets_classes_that_no_longer_exist(daying: Any) -> None:
    services.county_settings_set(county=daying, class_scheme="002")
    assert not Township.objects.filter(region__county_code="510923").exists()
    assert selectors.county_classes(county=daying) == ("一类", "二类", "三类")
    with pytest.raises(ValidationError, match="不在本县类别方案中"):
        services.township_class_set(township=daying.children.first(), township_class="中心镇")


def test_setting_a_quota_writes_the_ledger_and_an_audit_record(daying: Any, daying_officer: Any) -> None:
    penglai = daying.children.get(code="510923100")
    entry = services.approved_quota_set(
        township=penglai,
        quota_type=ADMIN,
        count=30,
        document_number="大委编发〔2026〕1号",
        date=date(2026, 1, 5),
        reason="新增职能",
        actor=daying_officer,
    )
    assert entry is not None and (entry.before, entry.after, entry.change) == (28, 30, 2)
    assert ApprovedQuota.objects.get(township=penglai, quota_type=ADMIN).count == 30
    record = AuditRecord.objects.filter(object_type="townships.approvedquota").first()
    assert record.reason == "大委编发〔2026〕1号" and record.before == {"核定编制": 28}
    # The same value again changes nothing and writes nothing.
    assert services.approved_quota_set(
        township=penglai, quota_type=ADMIN, count=30, document_number="再发", date=date(2026, 1, 6)
    ) is None
    assert QuotaLedgerEntry.objects.filter(township=penglai, document_number="再发").count() == 0


def test_a_quota_change_needs_a_document_number(daying: Any) -> None:
    with pytest.raises(ValidationError, match="文号"):
        services.approved_quota_set(
            township=daying.children.first(), quota_type=ADMIN, count=3, document_number="", date=date(2026, 1, 1)
        )


def test_indicator_values_only_audit_what_changed(daying: Any) -> None:
    penglai = daying.children.get(code="510923100")
    count = AuditRecord.objects.count()
    changed = services.indicator_values_set(
        township=penglai, year=2026, values={"人口": Decimal(118300), "面积": Decimal("97.0"), "经济": None}
    )
    assert changed == 1 and AuditRecord.objects.count() == count + 1
    with pytest.raises(ValidationError, match="不是本县的指标"):
        services.indicator_values_set(township=penglai, year=2026, values={"面积2": Decimal(1)})


def test_x_indicators_are_unique_and_cannot_be_deleted_while_used(daying: Any) -> None:
    with pytest.raises(ValidationError, match="已有指标"):
        services.indicator_definition_create(county=daying, name="村（社区）数")
    with pytest.raises(ValidationError, match="保留名称"):
        services.indicator_definition_create(county=daying, name="人口")
    definition = daying.indicator_definitions.get()
    with pytest.raises(ValidationError, match="已有数值"):
        services.indicator_definition_delete(definition=definition)


def test_selectors_are_scoped(daying: Any, tongwei: Any, tongwei_officer: Any, penglai_user: Any) -> None:
    outsider = scope_for(tongwei_officer)
    with pytest.raises(Http404):
        selectors.county_get(scope=outsider, code="510923")
    with pytest.raises(Http404):
        selectors.township_get(scope=outsider, code="510923100")
    assert [c.code for c in selectors.county_list(scope=outsider)] == ["621121"]
    assert not selectors.quota_ledger(scope=outsider, county=daying).exists()
    township_user = scope_for(penglai_user)
    rows = selectors.township_rows(scope=township_user, county=daying)
    assert [r.code for r in rows] == ["510923100"]
    assert {e.township.code for e in selectors.quota_ledger(scope=township_user)} == {"510923100"}


def test_the_county_page_labels_demo_data(login: Any, daying: Any, daying_officer: Any) -> None:
    body = login(daying_officer).get(reverse("townships:county", args=["510923"])).content.decode()
    assert "蓬莱镇" in body and "示例数据" in body and "县政府驻地镇" in body and "118300" in body


def test_the_township_page_and_its_forms(login: Any, daying: Any, daying_officer: Any, penglai_user: Any) -> None:
    client = login(daying_officer)
    response = client.post(
        reverse("townships:edit", args=["510923100"]) + "?year=2026",
        {"township_class": "中心镇", "year": "2026", "v_0": "120000", "v_1": "", "v_2": "", "v_3": ""},
    )
    assert response.status_code == 302
    assert Township.objects.get(region__code="510923100").township_class == "中心镇"
    response = client.post(
        reverse("townships:quota", args=["510923100"]),
        {"quota_type": ADMIN, "count": "31", "document_number": "大委编发〔2026〕2号", "date": "2026-02-01"},
    )
    assert response.status_code == 302
    body = client.get(reverse("townships:detail", args=["510923100"])).content.decode()
    assert "大委编发〔2026〕2号" in body and "120000" in body
    # The township's own user reads the page but may not edit.
    own = login(penglai_user)
    assert own.get(reverse("townships:detail", args=["510923100"])).status_code == 200
    assert own.get(reverse("townships:edit", args=["510923100"])).status_code == 403
