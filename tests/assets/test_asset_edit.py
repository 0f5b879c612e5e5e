"""Editing an asset after registration: checked as at creation, owner and
village only by a transfer, use status only along the allowed moves
(已处置 final, 已盘活 by close-out, an open plan holds it), scoped, audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from tests.conftest import PENGLAI

from bianzhi.assets import services
from bianzhi.assets.models import Asset
from bianzhi.audit.models import AuditRecord
from bianzhi.core.assets import use_status_problem
from bianzhi.kernel.errors import ServiceError

IDLE_OFFICE = services.AssetFields("原乡政府办公楼", "镇", "办公用房", "撤并乡镇", "已登记", "闲置")


@pytest.fixture
def office(regions: Any) -> Asset:
    return services.asset_create(actor=None, township=regions[PENGLAI], fields=IDLE_OFFICE)


def test_an_edit_corrects_the_register_and_is_audited(office: Asset) -> None:
    services.asset_update(
        actor=None, asset=office, fields=replace(IDLE_OFFICE, area=Decimal("820.5"), use_status="在用", name="原乡政府大楼")
    )
    office.refresh_from_db()
    assert (office.name, office.area, office.use_status) == ("原乡政府大楼", Decimal("820.5"), "在用")
    record = AuditRecord.objects.get(object_type__endswith="asset", object_id=str(office.pk), action="update")
    assert record.before["use_status"] == "闲置" and record.after["use_status"] == "在用"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"asset_class": "城堡"}, "资产类别"),
        ({"area": Decimal("-1")}, "面积"),
        ({"owner": "村集体", "village": "一村"}, "登记资产移交"),
        ({"use_status": "已盘活"}, "销号"),
    ],
)
def test_an_edit_is_checked_as_creation_and_by_the_status_moves(office: Asset, change: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ServiceError, match=fragment):
        services.asset_update(actor=None, asset=office, fields=replace(IDLE_OFFICE, **change))
    office.refresh_from_db()
    assert (office.asset_class, office.owner, office.use_status) == ("办公用房", "镇", "闲置")


def test_an_open_plan_holds_the_status_and_a_disposed_asset_is_final(office: Asset, regions: Any) -> None:
    services.plan_create(actor=None, asset=office, category="改作公益用房一批", measures="改建", responsible_unit="财政办",
                         deadline=dt.date(2026, 6, 30))
    with pytest.raises(ServiceError, match="盘活方案尚未销号"):
        services.asset_update(actor=None, asset=office, fields=replace(IDLE_OFFICE, use_status="在用"))
    services.asset_update(actor=None, asset=office, fields=replace(IDLE_OFFICE, note="已列入盘活计划"))  # other fields may change
    sold = services.asset_create(actor=None, township=regions[PENGLAI], fields=replace(IDLE_OFFICE, name="旧仓库", use_status="已处置"))
    with pytest.raises(ServiceError, match="已处置"):
        services.asset_update(actor=None, asset=sold, fields=replace(IDLE_OFFICE, name="旧仓库", use_status="已处置", note="x"))
    assert use_status_problem(current="已盘活", new="在用", open_plan=False) is None


def test_the_edit_page_is_scoped_to_writers(office: Asset, login: Any, penglai_user: Any, tongwei_officer: Any) -> None:
    form = {"owner": "镇", "asset_class": "办公用房", "name": "原乡政府办公楼", "origin": "撤并乡镇",
            "registration": "办理中", "use_status": "闲置", "area": "1e99"}
    url = reverse("assets:edit", args=[office.pk])
    assert login(tongwei_officer).post(url, form).status_code == 404
    client = login(penglai_user)
    assert 'data-testid="asset-edit"' in client.get(reverse("assets:detail", args=[office.pk])).content.decode()
    client.post(url, form)  # an unbounded area is refused by the form
    assert Asset.objects.get(pk=office.pk).registration == "已登记"
    client.post(url, {**form, "area": "100"})
    assert Asset.objects.get(pk=office.pk).registration == "办理中"
