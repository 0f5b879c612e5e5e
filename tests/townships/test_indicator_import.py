"""Excel template, export and the all-or-nothing import with a row-by-row report."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from bianzhi.audit.models import AuditRecord
from bianzhi.townships.models import IndicatorValue, Township
from bianzhi.townships.services import IndicatorImportError, indicators_import


def _workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header or ["代码", "名称", "类别", "人口（人）", "面积（平方公里）", "经济（万元）", "村（社区）数（个）"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_the_template_lists_the_townships_with_a_class_drop_down(login: Any, daying: Any, daying_officer: Any) -> None:
    response = login(daying_officer).get(reverse("townships:template", args=["510923"]))
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header == ["代码", "名称", "类别", "人口（人）", "面积（平方公里）", "经济（万元）", "村（社区）数（个）"]
    codes = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    assert codes[:2] == ["510923001", "510923100"] and len(codes) == 10
    assert ws.cell(row=3, column=4).value is None  # the template leaves values blank
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and "县政府驻地镇" in lists[0].formula1 and "C2" in str(lists[0].sqref)


def test_export_and_reimport_of_the_same_file_changes_nothing(login: Any, daying: Any, daying_officer: Any) -> None:
    response = login(daying_officer).get(reverse("townships:export", args=["510923"]) + "?year=2026")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.cell(row=3, column=4).value == 118300  # 蓬莱镇 人口
    count = AuditRecord.objects.count()
    result = indicators_import(county=daying, year=2026, data=response.content, file_name="导出.xlsx")
    assert result.rows == 10 and result.values_changed == 0 and result.classes_changed == 0
    assert AuditRecord.objects.count() == count


def test_a_good_import_writes_values_and_classes_with_one_audit_record_each(daying: Any, daying_officer: Any) -> None:
    data = _workbook(
        [
            ["510923100", "蓬莱镇", "县政府驻地镇", 120000, 96.2, "700,000", 26],
            ["510923102", "回马镇", "特色镇", 31200, None, None, None],
        ]
    )
    result = indicators_import(county=daying, year=2027, data=data, file_name="指标.xlsx", actor=daying_officer)
    assert result.values_changed == 5 and result.classes_changed == 1
    assert IndicatorValue.objects.get(township__code="510923100", year=2027, indicator="经济").value == Decimal("700000")
    assert Township.objects.get(region__code="510923102").township_class == "特色镇"
    records = AuditRecord.objects.filter(action="import", actor=daying_officer)
    assert records.count() == 6 and all(r.reason == "导入 指标.xlsx" for r in records)


def test_any_bad_row_imports_nothing_and_every_problem_is_reported(daying: Any) -> None:
    data = _workbook(
        [
            ["510923100", "蓬莱镇", "县政府驻地镇", 120000, 96.2, 700000, 26],  # fine
            ["510923101", "隆盛镇", "省会", "很多", -3, 1, 1],  # class, number, negative
            ["621121100", "平襄镇", "一类", 1, 1, 1, 1],  # another county
            ["510923100", "蓬莱镇", "", 1, 1, 1, 1],  # duplicate
            ["510923103", "天宝镇", "", 1, 1, 1, 1],  # name mismatch
        ]
    )
    values = IndicatorValue.objects.count()
    with pytest.raises(IndicatorImportError) as caught:
        indicators_import(county=daying, year=2027, data=data, file_name="指标.xlsx")
    problems = [(p.row, p.column) for p in caught.value.problems]
    assert (3, "类别") in problems and (3, "人口") in problems and (3, "面积") in problems
    assert (4, "代码") in problems and (5, "代码") in problems and (6, "名称") in problems
    messages = [str(p) for p in caught.value.problems]
    assert "指标.xlsx 第 3 行 D 列“人口”：“很多”不是数字" in messages
    assert IndicatorValue.objects.count() == values
    assert not IndicatorValue.objects.filter(year=2027).exists()


def test_an_unknown_column_is_refused_at_the_header(daying: Any) -> None:
    data = _workbook([["510923100", "蓬莱镇", "", 1]], header=["代码", "名称", "类别", "户籍人口"])
    with pytest.raises(IndicatorImportError) as caught:
        indicators_import(county=daying, year=2027, data=data, file_name="x.xlsx")
    assert caught.value.problems[0].row == 1 and "不是本县的指标" in caught.value.problems[0].message


def test_a_file_that_is_not_a_workbook_gets_a_chinese_message(daying: Any) -> None:
    with pytest.raises(IndicatorImportError, match="无法读取"):
        indicators_import(county=daying, year=2027, data=b"not excel", file_name="x.xlsx")


def test_the_import_page_lists_the_errors_and_changes_nothing(login: Any, daying: Any, daying_officer: Any) -> None:
    data = _workbook([["510923101", "隆盛镇", "", "很多", 1, 1, 1]])
    upload = io.BytesIO(data)
    upload.name = "坏文件.xlsx"
    response = login(daying_officer).post(
        reverse("townships:import", args=["510923"]), {"year": "2027", "file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "未导入" in body and "坏文件.xlsx" in body and "不是数字" in body
    assert not IndicatorValue.objects.filter(year=2027).exists()


def test_the_import_page_redirects_to_the_county_after_success(login: Any, daying: Any, daying_officer: Any) -> None:
    upload = io.BytesIO(_workbook([["510923101", "隆盛镇", "", 52200, None, None, None]]))
    upload.name = "好文件.xlsx"
    response = login(daying_officer).post(
        reverse("townships:import", args=["510923"]), {"year": "2026", "file": upload}
    )
    assert response.status_code == 302 and "year=2026" in response["Location"]
    assert IndicatorValue.objects.get(township__code="510923101", year=2026, indicator="人口").source == "Excel 导入"
