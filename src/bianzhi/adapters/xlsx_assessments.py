"""The assessment workbook of one county and year (考核结果): dispatched
agencies, county departments and the two-way evaluation, each ranked, one
sheet each. The rows come ready from ``agencies.exports`` in the column order
below; names typed by users are written as text, never as formulas
(`xlsx_cells`), scores and ranks stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from bianzhi.adapters.xlsx_columns import workbook_bytes, write_table

Rows = Iterable[Sequence[Any]]

AGENCY_HEADERS = (
    "名次", "乡镇", "派驻机构", "主管部门", "乡镇评价权重（%）", "乡镇评价得分", "主管部门考核得分", "综合得分",
)
DEPARTMENT_HEADERS = ("名次", "部门", "乡镇评价权重（%）", "乡镇评价得分", "其他考核得分", "综合得分")
EVALUATION_HEADERS = ("名次", "被评议单位", "评议数", "平均得分")


def assessments_workbook(
    *, agencies: Rows, departments: Rows, townships_on_departments: Rows, departments_on_townships: Rows
) -> bytes:
    """Sheets 派驻机构考核, 县直部门考核, 乡镇评议部门 and 部门评议乡镇, in that order."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "派驻机构考核"
    write_table(sheet, AGENCY_HEADERS, agencies, (6, 12, 24, 20, 16, 14, 16, 10))
    write_table(
        book.create_sheet("县直部门考核"), DEPARTMENT_HEADERS, departments, (6, 24, 16, 14, 14, 10)
    )
    for title, rows in (
        ("乡镇评议部门", townships_on_departments),
        ("部门评议乡镇", departments_on_townships),
    ):
        write_table(book.create_sheet(title), EVALUATION_HEADERS, rows, (6, 24, 8, 10))
    return workbook_bytes(book)
