"""Writing task tables: tasks and units typed by users stay text, never formulas,
and the written table reads back unchanged."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bianzhi.adapters.xlsx_tasks import read_task_table, task_table_xlsx

ROWS = [
    ("1", "=1+2", "@SUM(A1)", "-5 项", "2021年3月31日前"),
    ("2", "+8613800000000 热线", '=HYPERLINK("http://x")', "", "2021年12月底前"),
]


def test_formula_like_tasks_title_and_units_are_string_cells_and_read_back_literally() -> None:
    content = task_table_xlsx(ROWS, title="=工作方案")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert (sheet["A1"].value, sheet["A1"].data_type) == ("=工作方案", "s")
    assert [(c.value, c.data_type) for c in sheet[3][1:4]] == [
        ("=1+2", "s"),
        ("@SUM(A1)", "s"),
        ("-5 项", "s"),
    ]

    rows = read_task_table(content)
    assert [(r.content, r.lead_units, r.responsible_units) for r in rows] == [
        ("=1+2", ("@SUM(A1)",), ("-5 项",)),
        ("+8613800000000 热线", ('=HYPERLINK("http://x")',), ()),
    ]
