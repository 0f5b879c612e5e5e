"""Writing templates and exports (the spreadsheet helpers shared with the
roster): user text, drop-down options included, is written as text, never as
a formula, and reads back unchanged."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bianzhi.adapters.xlsx_columns import Column, read_rows, template_workbook, write_workbook

FORMULA_LIKE = ["=1+2", "@SUM(A1)", "-5 项", "+8613800000000"]
COLUMNS = (
    Column("名称", "name", True),
    Column("类别", "kind", False, choices=("=内设", "+派驻")),
    Column("乡镇代码", "township_code", True),
)


def test_template_options_that_look_like_formulas_are_offered_as_text() -> None:
    content = template_workbook(
        COLUMNS,
        title="=机构",
        lists={"township_code": FORMULA_LIKE},
        example=["=示例", "=内设", "@1"],
    )
    book = load_workbook(io.BytesIO(content))
    options = book["选项"]
    option_cells = [
        c for column in options.iter_cols(min_row=2) for c in column if c.value is not None
    ]
    assert [(c.value, c.data_type) for c in option_cells] == [
        (v, "s") for v in ["=内设", "+派驻", *FORMULA_LIKE]
    ]
    # The drop-downs point at those cells; the option texts are never inlined in a formula.
    sheet = book["=机构"]
    assert sorted(v.formula1 for v in sheet.data_validations.dataValidation) == [
        "'选项'!$A$2:$A$3",
        "'选项'!$B$2:$B$5",
    ]
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        ("=示例", "s"),
        ("=内设", "s"),
        ("@1", "s"),
    ]


def test_a_written_export_reads_back_formula_like_text_literally_and_numbers_as_numbers() -> None:
    rows = [[text, "=内设", 510923100 + i] for i, text in enumerate(FORMULA_LIKE)]
    content = write_workbook("机构", [c.header for c in COLUMNS], rows)
    sheet = load_workbook(io.BytesIO(content))["机构"]
    assert [c.data_type for row in sheet.iter_rows(min_row=2) for c in row] == ["s", "s", "n"] * 4
    read = [values for _, values in read_rows(io.BytesIO(content), COLUMNS, filename="机构.xlsx")]
    assert [(v["name"], v["kind"]) for v in read] == [(text, "=内设") for text in FORMULA_LIKE]
    assert [v["township_code"] for v in read] == [510923100.0 + i for i in range(4)]
