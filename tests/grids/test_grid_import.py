"""The grids-and-workers workbook: template with the township's villages as
a drop-down, all-or-nothing import naming every bad cell by row and column,
permission checked before the upload is read, export that reads back."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bianzhi.adapters.xlsx_cells import append
from bianzhi.audit.models import AuditRecord
from bianzhi.grids import importing, services
from bianzhi.grids.models import Grid, GridWorker, Village
from bianzhi.grids.services import WorkerData

PENGLAI = "510923100"
HEADERS = ["村（社区）", "网格名称", "户数", "联系执法人员", "村（社区）联系人", "网格员姓名", "岗位", "职责", "电话"]


@pytest.fixture
def village(regions: Any) -> Village:
    return services.village_create(actor=None, township=regions[PENGLAI], name="蓬莱一村")


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    append(sheet, HEADERS)
    for row in rows:
        append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "网格.xlsx"
    return out


def test_the_template_offers_the_townships_villages_as_a_drop_down(login: Any, penglai_user: Any, village: Village) -> None:
    response = login(penglai_user).get(f"/grids/township/{PENGLAI}/grids-template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["网格和网格员"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert book["选项"]["A2"].value == "蓬莱一村"
    assert any("选项" in str(v.formula1) for v in sheet.data_validations.dataValidation)


def test_a_bad_file_saves_nothing_and_names_every_bad_cell(login: Any, penglai_user: Any, village: Village) -> None:
    upload = _xlsx([
        ["蓬莱一村", "第一网格", 300, "张执法", "李主任", "王网格", "专职网格员", "走访", ""],
        ["蓬莱二村", "第二网格", "很多", "", "", "", "专职网格员", "走访", ""],
        ["蓬莱一村", "第一网格", 310, "张执法", "李主任", "赵网格", "专职网格员", "走访", ""],
        ["蓬莱一村", "第一网格", 300, "张执法", "李主任", "王网格", "兼职", "", ""],
    ])
    response = login(penglai_user).post(
        f"/grids/township/{PENGLAI}/", {"action": "grids_import", "file": upload}, follow=True
    )
    text = response.content.decode()
    assert not Grid.objects.exists() and not GridWorker.objects.exists()
    assert "第3行“村（社区）”列：“蓬莱二村”不是本乡镇已登记的村（社区）" in text
    assert "第3行“户数”列" in text
    assert "第3行“网格员姓名”列：不能为空" in text
    assert "第4行“户数”列：同一网格与第2行不一致" in text
    assert "第5行“职责”列：不能为空" in text
    assert "第5行“网格员姓名”列：同一网格内与第2行重复" in text


def test_a_good_file_adds_grids_with_workers_updates_known_ones_and_exports_back(
    login: Any, penglai_user: Any, village: Village
) -> None:
    existing = services.grid_create(
        actor=None, village=village, name="第一网格", worker=WorkerData(name="王网格", post="兼职", duties="巡查")
    )
    client = login(penglai_user)
    upload = _xlsx([
        ["蓬莱一村", "第一网格", 300, "张执法", "李主任", "王网格", "专职网格员", "走访", "=1+2"],
        ["蓬莱一村", "第一网格", 300, "张执法", "李主任", "赵网格", "专职网格员", "采集", ""],
        ["蓬莱一村", "第二网格", "", "", "", "钱网格", "兼职网格员", "巡查", ""],
    ])
    response = client.post(f"/grids/township/{PENGLAI}/", {"action": "grids_import", "file": upload}, follow=True)
    assert "新增或修改网格2个、网格员3名" in response.content.decode()
    existing.refresh_from_db()
    assert (existing.households, existing.enforcement_officer, existing.village_contact) == (300, "张执法", "李主任")
    assert sorted(GridWorker.objects.filter(grid=existing).values_list("name", "post", "phone")) == [
        ("王网格", "专职网格员", "=1+2"), ("赵网格", "专职网格员", ""),
    ]
    second = Grid.objects.get(name="第二网格")
    assert list(second.workers.values_list("name", flat=True)) == ["钱网格"]
    assert AuditRecord.objects.filter(action="import", object_type__endswith="gridworker").count() == 3
    export = client.get(f"/grids/township/{PENGLAI}/grids.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 3
    # The export re-imports unchanged: nothing is added or changed.
    again = io.BytesIO(export.content)
    assert importing.grids_import(actor=None, township=village.township, source=again, filename="导出.xlsx") == (0, 0)


def test_the_upload_of_a_user_who_cannot_edit_is_refused_before_it_is_read(
    login: Any, suining_viewer: Any, village: Village, monkeypatch: Any
) -> None:
    def unread(**kwargs: Any) -> Any:
        raise AssertionError("the upload was read")

    monkeypatch.setattr(importing, "grid_import_parse", unread)
    response = login(suining_viewer).post(
        f"/grids/township/{PENGLAI}/", {"action": "grids_import", "file": _xlsx([["蓬莱一村"] * 9])}
    )
    assert response.status_code == 403
    assert not Grid.objects.exists()


def test_a_file_beyond_the_row_limit_is_refused(penglai_user: Any, village: Village, monkeypatch: Any) -> None:
    from bianzhi.adapters.xlsx_limits import SheetLimits

    monkeypatch.setattr(importing, "GRID_LIMITS", SheetLimits(rows=2, columns=40, unpacked_bytes=1024 * 1024))
    upload = _xlsx([["蓬莱一村", f"网格{i}", 1, "", "", "甲", "专职", "走访", ""] for i in range(5)])
    with pytest.raises(importing.GridImportRefused):
        importing.grids_import(actor=penglai_user, township=village.township, source=upload, filename="大.xlsx")
    assert not Grid.objects.exists()
