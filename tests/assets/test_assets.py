"""The public-asset registers end to end: register, import (all or nothing,
errors by row and column), photos checked by content, transfers with 文号,
revitalisation plans in 004's categories with close-out, inventory rounds
and the 清理统计表, scoping and figures."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from tests.conftest import DAYING, PENGLAI

from bianzhi.accounts.scope import Scope
from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.assets import selectors, services
from bianzhi.assets.importing import COLUMNS
from bianzhi.assets.models import Asset, AssetFile
from bianzhi.kernel.errors import ServiceError

HEADERS = [c.header for c in COLUMNS]
IDLE_OFFICE = services.AssetFields("原乡政府办公楼", "镇", "办公用房", "撤并乡镇", "已登记", "闲置")


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(regions: Any) -> Asset:
    return services.asset_create(actor=None, township=regions[PENGLAI], fields=IDLE_OFFICE)


def test_the_township_user_registers_an_asset_of_their_own_township_only(
    login: Any, penglai_user: Any, regions: Any
) -> None:
    client = login(penglai_user)
    data = {"township": PENGLAI, "owner": "村集体", "village": "一村", "asset_class": "村活动阵地",
            "name": "原村活动室", "origin": "撤并村", "registration": "未登记", "use_status": "闲置", "area": "300"}
    response = client.post(reverse("assets:list"), data)
    asset = Asset.objects.get()
    assert response["Location"] == reverse("assets:detail", args=[asset.pk]) and asset.area == Decimal("300")
    other = next(c for c in regions if c.startswith(DAYING) and len(c) == 9 and c != PENGLAI)
    assert client.post(reverse("assets:list"), {**data, "township": other}).status_code == 404
    assert Asset.objects.count() == 1


def test_a_village_asset_needs_its_village(regions: Any) -> None:
    fields = services.AssetFields("校舍", "村集体", "学校校舍", "撤并学校", "未登记", "闲置")
    with pytest.raises(ServiceError, match="须填写所属村"):
        services.asset_create(actor=None, township=regions[PENGLAI], fields=fields)


def _upload(rows: list[list[Any]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("资产.xlsx", write_workbook("镇村公有资产台账", HEADERS, rows))


def test_an_import_with_bad_cells_saves_nothing_and_names_them(login: Any, daying_officer: Any, regions: Any) -> None:
    good = ["", "镇", "办公用房", "镇政府办公楼", "原有", "", "2400", "560", "", "已登记", "在用", ""]
    bad = ["", "乡", "房子", "原村小", "撤并学校", "", "很大", "", "", "已登记", "闲置", ""]
    response = login(daying_officer).post(reverse("assets:import", args=[PENGLAI]), {"file": _upload([good, bad])}, follow=True)
    body = response.content.decode()
    assert not Asset.objects.exists()
    for fragment in ("第3行“权属”列", "第3行“资产类别”列", "第3行“面积（平方米）”列", "全部行无误后才会导入"):
        assert fragment in body


def test_a_good_import_registers_every_row_and_the_template_has_drop_downs(
    login: Any, daying_officer: Any, regions: Any
) -> None:
    client = login(daying_officer)
    book = load_workbook(io.BytesIO(client.get(reverse("assets:template")).content))
    assert book.worksheets[0].data_validations.dataValidation
    rows = [["", "镇", "办公用房", "镇政府办公楼", "原有", "", "2,400", "560", "川0001", "已登记", "在用", ""],
            ["一村", "村集体", "学校校舍", "原村小", "撤并学校", "", "", "", "", "未登记", "闲置", ""]]
    client.post(reverse("assets:import", args=[PENGLAI]), {"file": _upload(rows)})
    assert sorted(Asset.objects.values_list("name", "area")) == [("原村小", None), ("镇政府办公楼", Decimal("2400.00"))]


def test_photos_must_be_real_images(login: Any, penglai_user: Any, office: Asset, media: Any) -> None:
    client = login(penglai_user)
    url = reverse("assets:photos", args=[office.pk])
    body = client.post(url, {"files": [SimpleUploadedFile("a.png", b"%PDF-1.4 fake")]}, follow=True).content.decode()
    assert "文件内容与扩展名 .png 不符" in body and not AssetFile.objects.exists()
    body = client.post(url, {"files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")]}, follow=True).content.decode()
    assert "照片只能是 JPG 或 PNG" in body and not AssetFile.objects.exists()
    client.post(url, {"files": [SimpleUploadedFile("楼.png", b"\x89PNG\r\n\x1a\nxxxx")]})
    assert AssetFile.objects.get().original_name == "楼.png"


def test_a_transfer_needs_its_document_number_and_moves_the_asset(office: Asset) -> None:
    with pytest.raises(ServiceError, match="请填写文号"):
        services.asset_transfer(actor=None, asset=office, receiver_kind="村", to_party="一村", document_number=" ",
                                on=dt.date(2026, 3, 1))
    services.asset_transfer(actor=None, asset=office, receiver_kind="村", to_party="一村",
                            document_number="蓬府发〔2026〕3号", on=dt.date(2026, 3, 1))
    office.refresh_from_db()
    assert (office.owner, office.village) == ("村集体", "一村")


def test_a_plan_uses_the_categories_of_its_owner_and_closes_out_with_evidence(
    office: Asset, media: Any
) -> None:
    with pytest.raises(ServiceError, match="五个一批"):
        services.plan_create(actor=None, asset=office, category="便民服务提升一批", measures="x",
                             responsible_unit="财政办", deadline=dt.date(2026, 6, 30))
    plan = services.plan_create(actor=None, asset=office, category="改作公益用房一批", measures="改建便民服务中心",
                                responsible_unit="财政办", deadline=dt.date(2026, 6, 30))
    with pytest.raises(ServiceError, match="尚未报送任何进展"):
        services.plan_request_closeout(actor=None, plan=plan, text="", files=[])
    services.plan_report(actor=None, plan=plan, text="已改建")
    with pytest.raises(ServiceError, match="须上传佐证材料"):
        services.plan_request_closeout(actor=None, plan=plan, text="", files=[])
    services.plan_request_closeout(actor=None, plan=plan, text="已投入使用",
                                   files=[SimpleUploadedFile("验收.pdf", b"%PDF-1.4 ok")])
    services.plan_approve_closeout(actor=None, plan=plan)
    office.refresh_from_db()
    plan.refresh_from_db()
    assert (office.use_status, plan.status) == ("已盘活", "closed")


def test_only_an_approver_crosses_a_plan_off(login: Any, penglai_user: Any, office: Asset, media: Any) -> None:
    plan = services.plan_create(actor=None, asset=office, category="改作公益用房一批", measures="x",
                                responsible_unit="财政办", deadline=dt.date(2026, 6, 30))
    services.plan_report(actor=None, plan=plan, text="进展")
    services.plan_request_closeout(actor=None, plan=plan, text="", files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4")])
    assert login(penglai_user).post(reverse("assets:plan_approve", args=[office.pk])).status_code == 403


def test_the_inventory_round_is_due_on_20_march_and_exports_the_statistics_table(
    login: Any, daying_officer: Any, penglai_user: Any, office: Asset, regions: Any
) -> None:
    client = login(daying_officer)
    client.post(reverse("assets:round_list"), {"county": DAYING, "year": "2026"})
    item = selectors.rounds_for(scope=Scope.for_user(daying_officer))[0]
    assert item.deadline == dt.date(2026, 3, 20)
    penglai = login(penglai_user)
    penglai.post(reverse("assets:round_detail", args=[item.pk]), {"township": PENGLAI})
    assert item.returns.get().assets == 1
    # The register changes after the report: the round's table keeps what was reported.
    services.asset_create(actor=None, township=regions[PENGLAI], fields=services.AssetFields(
        "=SUM(A1:A9)", "村集体", "村活动阵地", "撤并村", "未登记", "在用", village="一村"))
    client = login(daying_officer)  # the same test client: the county officer again
    sheet = load_workbook(io.BytesIO(client.get(reverse("assets:round_statistics", args=[item.pk])).content))["清理统计表"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert "清理统计表" in rows[0][0]
    assert rows[1][0].startswith("报送时限：3月20日前（2026年）") and "县财政局" in rows[1][0] and "县农业农村局" in rows[1][0]
    assert rows[2][:5] == ["乡镇", "权属", "区域", "资产类别", "数量（宗）"]
    table = rows[3:-1]
    at = next(i for i, r in enumerate(table) if r[0] == "蓬莱镇")
    assert table[at][:5] == ["蓬莱镇", "镇国有资产", "镇本级", "办公用房", 1] and table[at][8] == 1  # 闲置
    assert table[at + 1][0] == "蓬莱镇小计" and table[at + 1][4] == 1
    others = sum(1 for code in regions if code.startswith(DAYING) and len(code) == 9 and code != PENGLAI)
    assert [r[1] for r in table].count("未报送") == others == len(table) - 2  # the townships yet to report
    assert rows[-1][0] == "合计" and rows[-1][4] == 1
    detail = load_workbook(io.BytesIO(client.get(reverse("assets:round_statistics", args=[item.pk])).content))
    assert all(c.data_type != "f" for ws in detail.worksheets for r in ws.iter_rows() for c in r)
    line = item.returns.get().lines.get()
    assert (line.owner, line.region, line.asset_class, line.count, line.idle) == ("镇", "镇本级", "办公用房", 1, 1)


def test_figures_give_the_idle_and_revitalised_shares(office: Asset, regions: Any, daying_officer: Any) -> None:
    from bianzhi.accounts.scope import Scope

    services.asset_create(actor=None, township=regions[PENGLAI],
                          fields=services.AssetFields("镇政府办公楼", "镇", "办公用房", "原有", "已登记", "在用"))
    data = selectors.figures(scope=Scope.for_user(daying_officer), region=regions[DAYING])
    assert data["totals"]["idle_share"] == 50.0 and data["totals"]["revitalised_share"] == 0.0
