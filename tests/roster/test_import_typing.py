"""The roster import reads cells the way people fill them in: short forms of
the drop-down values, dates in every usual notation, √ for 是, full-width
digits and stray spaces; what is ambiguous is refused with row and column."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

import pytest
from tests.staffing import PENGLAI, id_number

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.roster.importing import HEADERS, roster_import_parse

pytestmark = pytest.mark.django_db


def _parse(penglai: Any, *rows: dict[str, Any]) -> Any:
    lines = []
    for row in rows:
        values: dict[str, Any] = {h: None for h in HEADERS}
        values.update(row)
        lines.append([values[h] for h in HEADERS])
    source = io.BytesIO(write_workbook("实名制名册", HEADERS, lines))
    return roster_import_parse(source=source, filename="名册.xlsx", region=penglai)


def test_short_forms_dates_ticks_and_full_width_digits_are_accepted(penglai: Any) -> None:
    plan = _parse(
        penglai,
        {"身份证号": id_number(1), "姓名": "甲", "乡镇代码": " ５１０９２３１００ ", "编制类型": "行政",
         "执法人员": "√", "入编日期": "2015年3月1日"},
        {"身份证号": id_number(2), "姓名": "乙", "乡镇代码": PENGLAI, "编制类型": "事业 编制",
         "执法人员": "N", "入编日期": "2015.3.1"},
        {"身份证号": id_number(3), "姓名": "丙", "乡镇代码": PENGLAI, "编制类型": "工勤编制",
         "入编日期": datetime(2015, 3, 1)},
    )
    assert plan.ok, [str(e) for e in plan.errors]
    rows = sorted(plan.new, key=lambda r: r["id_number"])
    assert [r["quota_type"] for r in rows] == ["行政编制", "事业编制", "工勤编制"]
    assert [r["entry_date"] for r in rows] == [date(2015, 3, 1)] * 3
    assert [r["is_enforcement_staff"] for r in rows] == [True, False, False]


def test_an_ambiguous_or_unknown_value_is_refused_with_its_row_and_column(penglai: Any) -> None:
    plan = _parse(
        penglai,
        {"身份证号": id_number(1), "姓名": "甲", "乡镇代码": PENGLAI, "编制类型": "编制"},
        {"身份证号": id_number(2), "姓名": "乙", "乡镇代码": PENGLAI, "编制类型": "行政",
         "入编日期": "3/1/2015", "执法人员": "也许"},
    )
    assert not plan.ok
    messages = sorted(str(e) for e in plan.errors)
    assert any("第2行" in m and "编制类型" in m and "应为：行政编制、事业编制、工勤编制" in m for m in messages)
    assert any("第3行" in m and "入编日期" in m and "不是有效日期" in m for m in messages)
    assert any("第3行" in m and "执法人员" in m and "应为“是”或“否”" in m for m in messages)
    assert plan.new == []
