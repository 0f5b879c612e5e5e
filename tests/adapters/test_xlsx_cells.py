"""The one way writers put values into spreadsheets: text that looks like a
formula stays text (xlsx string cells, CSV apostrophe), numbers stay numbers,
and only the program's own `Formula`s are formulas."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from bianzhi.adapters.xlsx_cells import Formula, append, csv_text, put

# Each of the characters a spreadsheet takes as the start of a formula.
FORMULA_LIKE = ["=1+2", "@SUM(A1)", "-5 项", "+8613800000000", '=HYPERLINK("http://x","点击")']


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def first_row(content: bytes, title: str = "表") -> list[Any]:
    return list(next(load_workbook(io.BytesIO(content))[title].iter_rows(min_row=1, max_row=1)))


@pytest.mark.parametrize("write_only", [False, True], ids=["ordinary", "write-only"])
def test_append_writes_formula_like_text_as_string_cells_and_numbers_as_numbers(
    write_only: bool,
) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("表")
    append(sheet, [*FORMULA_LIKE, "蓬莱镇", -3, 2.5, date(2024, 5, 1), None, True])
    cells = first_row(saved(book))
    assert [(c.value, c.data_type) for c in cells[: len(FORMULA_LIKE) + 1]] == [
        (v, "s") for v in [*FORMULA_LIKE, "蓬莱镇"]
    ]
    # Text Excel would re-read as a formula when edited gets the quote prefix it uses itself.
    assert all(c.quotePrefix for c in cells[: len(FORMULA_LIKE)])
    assert not cells[len(FORMULA_LIKE)].quotePrefix
    rest = cells[len(FORMULA_LIKE) + 1 :]
    assert [c.data_type for c in rest] == ["n", "n", "d", "n", "b"]
    assert [rest[0].value, rest[1].value, rest[3].value, rest[4].value] == [-3, 2.5, None, True]


def test_put_writes_formula_like_text_as_a_string_cell_and_none_leaves_the_cell() -> None:
    book = Workbook()
    sheet = book.create_sheet("表")
    for column, value in enumerate(FORMULA_LIKE, start=1):
        put(sheet, 1, column, value)
    put(sheet, 1, len(FORMULA_LIKE) + 1, "保留")
    put(sheet, 1, len(FORMULA_LIKE) + 1, None)
    cells = first_row(saved(book))
    assert [(c.value, c.data_type) for c in cells] == [(v, "s") for v in [*FORMULA_LIKE, "保留"]]


def test_a_formula_of_the_program_stays_a_formula() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    append(sheet, [1, 2, Formula("=SUM(A1:B1)")])
    put(sheet, 2, 1, Formula("=A1*2"))
    read = load_workbook(io.BytesIO(saved(book))).active
    assert read is not None
    assert (read["C1"].value, read["C1"].data_type) == ("=SUM(A1:B1)", "f")
    assert (read["A2"].value, read["A2"].data_type) == ("=A1*2", "f")


@pytest.mark.parametrize("write_only", [False, True], ids=["ordinary", "write-only"])
def test_formula_like_text_reads_back_unchanged_with_calamine(write_only: bool) -> None:
    """The imports read with calamine: a formula cell without a cached value
    came back empty (and the row shifted); a string cell comes back as written."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("表")
    append(sheet, ["姓名", "执法证号"])
    append(sheet, ["=1+2", "@SUM(A1)"])
    rows = CalamineWorkbook.from_object(io.BytesIO(saved(book))).get_sheet_by_name("表").to_python()
    assert rows == [["姓名", "执法证号"], ["=1+2", "@SUM(A1)"]]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+86 138", "'+86 138"),
        ("-5 项", "'-5 项"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("蓬莱镇", "蓬莱镇"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_csv_text_prefixes_an_apostrophe_only_where_a_spreadsheet_would_see_a_formula(
    text: str, written: str
) -> None:
    assert csv_text(text) == written
