"""Statutory items by Excel (template, export, all-or-nothing import with
every row error listed), the page (scoping, who may write) and
`bianzhi import statutory FILE --county CODE`."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from tests.conftest import DAYING, PENGLAI

from bianzhi.adapters import xlsx_duties as spreadsheets
from bianzhi.adapters.problems import InputError
from bianzhi.audit.models import AuditRecord
from bianzhi.cli.main import main
from bianzhi.duties.exports import statutory_xlsx
from bianzhi.duties.models import StatutoryItem
from bianzhi.duties.selectors.duty_list import duty_list
from bianzhi.duties.services.statutory import (
    StatutoryImportResult,
    statutory_import,
    statutory_item_set,
)

ROWS = [
    ["FD-001", "乡镇国土空间规划编制", "其他行政权力", "《城乡规划法》第二十二条"],
    ["FD-002", "对违反村庄规划建设行为的处罚", "行政处罚", "《城乡规划法》第六十五条"],
    ["FD-003", "农村土地承包经营纠纷调解", "行政裁决", ""],
]
BAD_ROWS = [
    ["FD-001", "乡镇国土空间规划编制", "审批", ""],
    ["FD-001", "", "行政许可", ""],
    ["", "无编码事项", "行政处罚", ""],
]
BAD_MESSAGES = [
    "法定事项.xlsx 第 2 行 C 列“权力类型”：“审批”无效，应为：行政许可、行政处罚、行政强制、行政征收、行政给付、行政检查、行政确认、行政奖励、行政裁决、其他行政权力",
    "法定事项.xlsx 第 3 行 B 列“事项名称”：不能为空",
    "法定事项.xlsx 第 3 行 A 列“事项编码”：“FD-001”与第2行重复",
    "法定事项.xlsx 第 4 行 A 列“事项编码”：不能为空",
]


def import_rows(regions: Any, rows: list[list[str]], actor: Any = None) -> StatutoryImportResult:
    parsed = spreadsheets.statutory_read(spreadsheets.statutory_workbook(rows))
    return statutory_import(actor=actor, county=regions[DAYING], rows=parsed, document_number="大委编发〔2025〕3号")


def state() -> list[tuple[str, str, bool]]:
    return list(StatutoryItem.objects.order_by("code").values_list("code", "name", "active"))


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content))["法定事项"].iter_rows(values_only=True))


def test_a_bad_file_lists_every_error_with_row_and_column_and_changes_nothing(regions: Any, daying_officer: Any) -> None:
    import_rows(regions, ROWS, daying_officer)
    before, audited = state(), AuditRecord.objects.count()
    with pytest.raises(InputError) as err:
        spreadsheets.statutory_read(spreadsheets.statutory_workbook(BAD_ROWS))
    assert [str(p) for p in err.value.problems] == BAD_MESSAGES
    assert (state(), AuditRecord.objects.count()) == (before, audited)


def test_the_template_has_the_export_columns_and_reads_back_as_empty(regions: Any) -> None:
    template = spreadsheets.statutory_workbook([])
    assert sheet_rows(template) == [("事项编码", "事项名称", "权力类型", "设定依据")]
    with pytest.raises(InputError, match="没有任何事项"):
        spreadsheets.statutory_read(template)
    missing = io.BytesIO()
    book = Workbook()
    book.active.append(["事项编码", "名称"])
    book.save(missing)
    with pytest.raises(InputError) as err:
        spreadsheets.statutory_read(missing.getvalue(), file_name="x.xlsx")
    assert [str(p) for p in err.value.problems] == [
        "x.xlsx 第 1 行 “事项名称”：缺少“事项名称”列（表头须在第1行）",
        "x.xlsx 第 1 行 “权力类型”：缺少“权力类型”列（表头须在第1行）",
        "x.xlsx 第 1 行 “设定依据”：缺少“设定依据”列（表头须在第1行）",
    ]


def test_an_import_adds_updates_and_retires_missing_codes_and_the_export_round_trips(
    regions: Any, daying_officer: Any
) -> None:
    assert import_rows(regions, ROWS, daying_officer) == StatutoryImportResult(3, 0, 0)
    changed = [ROWS[0], ["FD-002", "对违反村庄规划建设行为的处罚", "行政处罚", "《城乡规划法》第六十五条（2019年修正）"]]
    assert import_rows(regions, changed, daying_officer) == StatutoryImportResult(0, 1, 1)
    assert state()[2] == ("FD-003", "农村土地承包经营纠纷调解", False)
    retired = AuditRecord.objects.filter(object_id=str(StatutoryItem.objects.get(code="FD-003").pk)).latest("id")
    assert (retired.after, retired.reason) == ({"active": False}, "大委编发〔2025〕3号")

    export = statutory_xlsx(county=regions[DAYING])
    assert [r[0] for r in sheet_rows(export)] == ["事项编码", "FD-001", "FD-002"]
    again = statutory_import(
        actor=daying_officer, county=regions[DAYING], rows=spreadsheets.statutory_read(export)
    )
    assert again == StatutoryImportResult(0, 0, 0)
    entries = duty_list(township=regions[PENGLAI], today=date(2025, 6, 1))
    assert [e.code for e in entries if e.source == "法定事项"] == ["FD-001", "FD-002"]


def _upload(rows: list[list[str]], name: str = "法定事项.xlsx") -> Any:
    return SimpleUploadedFile(name, spreadsheets.statutory_workbook(rows))


def test_the_page_imports_a_good_file_and_shows_every_error_of_a_bad_one(
    login: Any, regions: Any, daying_officer: Any
) -> None:
    client = login(daying_officer)
    url = reverse("duties:statutory", args=[DAYING])
    bad = client.post(url, {"action": "import", "file": _upload(BAD_ROWS)}, follow=True)
    body = bad.content.decode()
    assert all(message in body for message in BAD_MESSAGES)
    assert StatutoryItem.objects.count() == 0
    good = client.post(url, {"action": "import", "file": _upload(ROWS), "document_number": "大委编发〔2025〕3号"}, follow=True)
    assert "新增3项" in good.content.decode() and StatutoryItem.objects.count() == 3
    for name in ("duties:statutory-xlsx", "duties:statutory-template"):
        assert sheet_rows(client.get(reverse(name, args=[DAYING])).content)[0] == ("事项编码", "事项名称", "权力类型", "设定依据")


def test_the_officer_adds_edits_and_retires_through_the_pages(login: Any, regions: Any, daying_officer: Any) -> None:
    client = login(daying_officer)
    client.post(
        reverse("duties:statutory", args=[DAYING]),
        {"action": "add", "code": "FD-9", "name": "乡镇殡葬管理检查", "power_type": "行政检查", "reason": "新增"},
    )
    item = StatutoryItem.objects.get(code="FD-9")
    page = reverse("duties:statutory-item", args=[item.pk])
    client.post(page, {"action": "edit", "code": "ignored", "name": "殡葬管理检查", "power_type": "行政检查", "reason": "改名"})
    client.post(page, {"action": "retire", "reason": "大委编发〔2025〕9号"})
    item.refresh_from_db()
    assert (item.code, item.name, item.active) == ("FD-9", "殡葬管理检查", False)
    assert "大委编发〔2025〕9号" in client.get(page).content.decode()
    assert "已取消的事项" in client.get(reverse("duties:statutory", args=[DAYING])).content.decode()


def test_another_county_gets_404_and_a_township_user_may_read_but_not_edit(
    login: Any, regions: Any, daying_officer: Any, penglai_user: Any, tongwei_officer: Any
) -> None:
    item = statutory_item_set(actor=None, county=regions[DAYING], code="FD-1", name="某事项", power_type="行政许可")
    list_url = reverse("duties:statutory", args=[DAYING])
    item_url = reverse("duties:statutory-item", args=[item.pk])
    outsider = login(tongwei_officer)
    for url in (list_url, item_url, reverse("duties:statutory-xlsx", args=[DAYING])):
        assert outsider.get(url).status_code == 404
    assert outsider.post(item_url, {"action": "retire", "reason": "x"}).status_code == 404

    township = login(penglai_user)
    listing = township.get(list_url)
    assert listing.status_code == 200 and "某事项" in listing.content.decode() and "新增法定事项" not in listing.content.decode()
    add = {"action": "add", "code": "FD-2", "name": "越权新增", "power_type": "行政许可", "reason": "x"}
    assert township.post(list_url, add).status_code == 403
    assert township.post(item_url, {"action": "retire", "reason": "x"}).status_code == 403
    assert township.post(list_url, {"action": "import", "file": _upload(ROWS[1:])}).status_code == 403
    assert state() == [("FD-1", "某事项", True)]


def test_cli_import_statutory_saves_a_good_file_and_refuses_a_bad_one_whole(regions: Any, tmp_path: Path) -> None:
    good, bad = tmp_path / "法定事项.xlsx", tmp_path / "坏.xlsx"
    good.write_bytes(spreadsheets.statutory_workbook(ROWS))
    bad.write_bytes(spreadsheets.statutory_workbook(BAD_ROWS))
    result = CliRunner().invoke(main, ["import", "statutory", str(good), "--county", DAYING, "--document", "大委编发〔2025〕3号"])
    assert result.exit_code == 0, result.output
    assert "新增3项" in result.output and StatutoryItem.objects.count() == 3

    refused = CliRunner().invoke(main, ["import", "statutory", str(bad), "--county", DAYING])
    assert refused.exit_code == 1
    assert all(m.replace("法定事项.xlsx", "坏.xlsx") in refused.output for m in BAD_MESSAGES)
    assert "共4处错误，未导入任何数据。" in refused.output
    assert [c for c, _, active in state() if active] == ["FD-001", "FD-002", "FD-003"]
    help_text = CliRunner().invoke(main, ["import", "statutory", "--help"]).output
    assert "县级区划代码" in help_text and "文号" in help_text
