"""Workbooks described by a list of columns, shared by the institution and
roster imports: column specs that drive the template (headers, notes,
drop-down lists), the reader (calamine, values only), the Chinese row errors,
and plain exports.

The column lists themselves belong to the apps (``institutions.importing``,
``roster.importing``): their drop-down values come from the models' choices.
The core and the services never see a workbook: this module turns rows into
plain values or `RowError`s (file, row, column, reason).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from bianzhi.adapters.xlsx_cells import append, put
from bianzhi.adapters.xlsx_limits import LIST_LIMITS, SheetLimits, SheetRefused, check_xlsx
from bianzhi.core import typed

T = TypeVar("T")

# Rows of the data sheet a template's drop-down lists cover.
TEMPLATE_ROWS = 200_000
HEADER_FILL = PatternFill("solid", fgColor="FFE8E8E8")
# The institution import's sheet (a province has tens of thousands of
# institutions); the roster passes its own, larger limits to `read_rows`.
SHEET_LIMITS = LIST_LIMITS


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False
    note: str = ""
    # Values offered in a drop-down list (and the only ones accepted).
    choices: tuple[str, ...] = ()
    width: int = 14


@dataclass(frozen=True)
class RowError:
    """One problem in an uploaded file, for the user: 文件, 第几行, 哪一列, 原因."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "表头"
        column = f"“{self.column}”列" if self.column else ""
        return f"{self.file} {where}{column}：{self.reason}"


class SheetError(ValueError):
    """The file cannot be read at all (not xlsx, no header row, missing
    columns); `errors` lists every problem found."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("；".join(str(e) for e in self.errors))


def template_workbook(
    columns: Sequence[Column], *, title: str, lists: Mapping[str, Sequence[str]] | None = None,
    example: Sequence[Any] | None = None,
) -> bytes:
    """An .xlsx template: one data sheet with the headers (required ones in
    bold, each with a note), drop-down lists on the columns with choices (or
    with an entry in `lists`, e.g. the county's township codes), and a
    "填写说明" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    options = workbook.create_sheet("选项")
    guide = workbook.create_sheet("填写说明")
    append(guide, ["列", "是否必填", "说明"])
    option_col = 0
    for index, column in enumerate(columns, start=1):
        cell = put(sheet, 1, index, column.header)
        cell.font = Font(bold=column.required)
        cell.fill = HEADER_FILL
        if column.note:
            cell.comment = Comment(column.note, "系统")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        append(guide, [column.header, "必填" if column.required else "", column.note])
        values = list((lists or {}).get(column.key, ()) or column.choices)
        if not values:
            continue
        # Lists go on a separate sheet: an inline list is limited to 255 characters.
        option_col += 1
        letter = get_column_letter(option_col)
        put(options, 1, option_col, column.header)
        # Option texts are user data (township codes, institution names): as
        # string cells, an "=..." option is offered literally, not evaluated.
        for r, value in enumerate(values, start=2):
            put(options, r, option_col, value)
        validation = DataValidation(
            type="list",
            formula1=f"'选项'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle="输入值无效",
            error=f"请从下拉列表中选择{column.header}",
        )
        sheet.add_data_validation(validation)
        col_letter = get_column_letter(index)
        validation.add(f"{col_letter}2:{col_letter}{TEMPLATE_ROWS}")
    options.sheet_state = "hidden"
    if example:
        append(sheet, example)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_rows(
    source: str | Path | IO[bytes],
    columns: Sequence[Column],
    *,
    filename: str,
    limits: SheetLimits = SHEET_LIMITS,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(Excel row number, {column key: raw value}) for every non-empty row of
    the first sheet. Raises SheetError when the file is not a workbook or a
    required column is missing (unknown extra columns are ignored).

    Read with calamine (Rust): about 10 times faster than openpyxl's
    read-only mode on a 100,000-row roster (2 s against 24 s measured here),
    which dominates a large import. Empty cells come back as "" and whole
    numbers as floats; `text`, `parse_date` and the other helpers accept both.
    A sheet beyond `limits` is refused before calamine sees it: calamine
    allocates the whole declared range at once.
    """
    _, rows = open_rows(source, columns, filename=filename, limits=limits)
    return rows


def open_rows(
    source: str | Path | IO[bytes],
    columns: Sequence[Column],
    *,
    filename: str,
    limits: SheetLimits = SHEET_LIMITS,
) -> tuple[int, Iterator[tuple[int, dict[str, Any]]]]:
    """`read_rows`, plus the number of rows below the header the sheet holds
    (empty ones included): a caller that streams the rows instead of listing
    them (a 1,000,000-row roster as Python objects is gigabytes) still
    knows the total for its progress bar. The header is checked here, so
    SheetError is raised by this call, not by the iteration."""
    try:
        check_xlsx(source, limits)
    except SheetRefused as refused:
        raise SheetError([RowError(filename, 0, "", str(refused))]) from None
    try:
        workbook = CalamineWorkbook.from_object(source)
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception:  # calamine raises several kinds for a non-xlsx file
        raise SheetError([RowError(filename, 0, "", "无法读取，请上传 .xlsx 格式的 Excel 文件")]) from None
    header = next(rows, None)
    if header is None:
        raise SheetError([RowError(filename, 0, "", "文件是空的，第一行应为表头")])
    names = [text(h) for h in header]
    positions: dict[str, int] = {}
    missing: list[RowError] = []
    for column in columns:
        if column.header in names:
            positions[column.key] = names.index(column.header)
        elif column.required:
            missing.append(RowError(filename, 0, column.header, "缺少这一列（请使用下载的模板）"))
    if missing:
        raise SheetError(missing)
    return max(int(sheet.height) - 1, 0), _data_rows(rows, positions, len(names))


def _data_rows(
    rows: Iterator[list[Any]], positions: dict[str, int], width: int
) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, values in enumerate(rows, start=2):
        # A row whose first cell is filled in is not empty (most rows): only
        # the others are checked cell by cell.
        first = values[0] if values else None
        if not (isinstance(first, str) and first.strip()) and all(
            v is None or v == "" or (isinstance(v, str) and not v.strip()) for v in values
        ):
            continue
        if len(values) < width:
            values = [*values, *([""] * (width - len(values)))]
        yield number, {key: values[i] for key, i in positions.items()}


def text(value: Any) -> str:
    """A cell as trimmed text ("" for empty); 12.0 reads as "12" (numbers typed
    into text columns such as codes)."""
    if value.__class__ is str:  # most cells: checked first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def code_text(value: Any) -> str:
    """A code cell (region code, credit code) as text: full-width digits and
    letters folded, no spaces; 510923100.0 reads as "510923100"."""
    return typed.compact(text(value))


def parse_date(value: Any) -> date | None:
    """A date cell, an Excel serial number, or text as people type it
    (`core.typed.parse_date_text`); None for empty. Raises ValueError (Chinese)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError("应为日期（如 2015-03-01）")
    if isinstance(value, int | float) and not 19000101 <= value <= 21001231:
        return typed.date_from_serial(float(value))
    raw = text(value)
    if not raw:
        return None
    return typed.parse_date_text(raw)


def parse_count(value: Any) -> int:
    """A whole number >= 0; empty counts as 0. Raises ValueError (Chinese)."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValueError("应为不小于0的整数")
    if isinstance(value, int | float):
        number = float(value)
        if not number.is_integer() or number < 0:
            raise ValueError(f"“{text(value)}”应为不小于0的整数")
        return int(number)
    raw = text(value)
    return typed.parse_whole(raw) if raw else 0


def parse_yes_no(value: Any) -> bool:
    """是/否, Y/N, √/× …; blank is 否. Raises ValueError (Chinese)."""
    if isinstance(value, bool):
        return value
    return bool(typed.parse_yes_no(text(value)))


def parse_choice(value: Any, choices: Mapping[str, T]) -> T:
    """A drop-down cell: the label, or a short form that names one label
    (`core.typed.match_choice`). Raises ValueError (Chinese)."""
    return typed.match_choice(text(value), choices)


def write_workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]] | Iterator[Sequence[Any]]) -> bytes:
    """A plain export in write-only mode (streams, flat memory); text is
    written as text, never as a formula (`adapters.xlsx_cells`)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    append(sheet, headers)
    for row in rows:
        append(sheet, row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_table(
    sheet: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths: Sequence[int] = ()
) -> None:
    """One table on a sheet of a (normal-mode) workbook, for exports with
    several sheets: bold header row, frozen below it, then the rows; column
    widths in characters. Text is written as text, never as a formula
    (`adapters.xlsx_cells`)."""
    append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        append(sheet, row)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Table:
    """One sheet of `tables_workbook`: a title line (optional) above a table."""

    sheet: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()
    caption: str = ""
    # Lines under the caption (a deadline, where to report), one row each.
    notes: Sequence[str] = ()


def tables_workbook(tables: Sequence[Table]) -> bytes:
    """A workbook of several tables, one per sheet (statistics exports whose
    first sheet is a summary and the next the detail)."""
    book = Workbook()
    first = book.active
    assert first is not None
    for index, table in enumerate(tables):
        sheet = first if index == 0 else book.create_sheet(table.sheet)
        sheet.title = table.sheet
        write_table(sheet, table.headers, table.rows, table.widths)
        above = [table.caption] if table.caption else []
        above += list(table.notes)
        if above:
            sheet.insert_rows(1, len(above))
            for row, line in enumerate(above, start=1):
                put(sheet, row, 1, line)
    return workbook_bytes(book)
