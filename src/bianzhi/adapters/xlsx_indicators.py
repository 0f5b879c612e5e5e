"""The indicator workbook (乡镇指标表): template, export and reading.

One sheet, a header row, one row per township::

    代码 | 名称 | 类别 | 人口（人） | 面积（平方公里） | 经济（万元） | <X 指标>（单位） ...

The same layout is the downloadable template (filled with the county's
townships, blank values), the export (filled with one year's values) and the
import. It is also a valid input of ``bianzhi allocate`` (whose reader strips
the units from the headers). This module touches no database: it turns
workbooks into rows and problems; ``townships.services.indicators_import``
decides what to write.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from bianzhi.adapters.problems import InputProblem
from bianzhi.adapters.xlsx_cells import append
from bianzhi.adapters.xlsx_limits import LIST_LIMITS, SheetRefused, check_xlsx
from bianzhi.core import typed

CODE, NAME, CLASS = "代码", "名称", "类别"
SHEET_TITLE = "乡镇指标"
_UNIT = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")
_MAX_ROWS = 5000  # a county has at most a few dozen townships; refuse junk early
# The sheet itself, checked before openpyxl pads rows to the declared width.
SHEET_LIMITS = LIST_LIMITS


@dataclass(frozen=True)
class Column:
    name: str
    unit: str = ""

    @property
    def header(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


@dataclass(frozen=True)
class SheetRow:
    code: str
    name: str
    township_class: str
    values: dict[str, Decimal | None]


@dataclass
class ParsedSheet:
    """What a workbook says, row by row; ``row_numbers`` maps code → sheet row."""

    rows: list[SheetRow] = field(default_factory=list)
    row_numbers: dict[str, int] = field(default_factory=dict)
    indicators: list[str] = field(default_factory=list)
    has_class: bool = False
    problems: list[InputProblem] = field(default_factory=list)


def header_name(text: str) -> str:
    """The column's name without its unit and spaces: "人口（人）" → "人口"."""
    return _UNIT.sub("", re.sub(r"\s+", "", text or ""))


def workbook_bytes(
    *,
    indicators: Sequence[Column],
    classes: Sequence[str],
    rows: Sequence[SheetRow],
    title: str,
) -> bytes:
    """The workbook: header, rows, class drop-down and non-negative number
    validation on the value columns, frozen header, readable widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    wb.properties.title = title
    headers = [CODE, NAME, CLASS] + [c.header for c in indicators]
    append(ws, headers)  # X indicator names are the county's own text
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        append(
            ws,
            [row.code, row.name, row.township_class]
            + [_cell_number(row.values.get(c.name)) for c in indicators],
        )
    last = max(len(rows) + 1, 200)
    # The class drop-down: Excel's list validation takes a quoted, comma-separated list.
    class_validation = DataValidation(
        type="list",
        formula1='"' + ",".join(classes) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="乡镇类别",
        error="请从下拉列表中选择乡镇类别：" + "、".join(classes),
    )
    class_validation.add(f"C2:C{last}")
    ws.add_data_validation(class_validation)
    if indicators:
        number_validation = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="指标数值",
            error="指标数值应为不小于 0 的数字",
        )
        number_validation.add(f"D2:{get_column_letter(len(headers))}{last}")
        ws.add_data_validation(number_validation)
    widths = [12, 14, 14] + [max(12, len(c.header) * 2 + 2) for c in indicators]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row_cells in ws.iter_rows(min_row=2, max_col=1):
        for cell in row_cells:
            cell.number_format = "@"  # codes are text: keep the leading digits intact
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _decimal(value: Any) -> Decimal | None:
    """The cell as a Decimal; None if blank; raises ValueError if not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return Decimal(str(value))
    # Full-width digits and stray spaces are what people type (core.typed).
    text = typed.compact(str(value)).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def read_workbook(
    data: bytes, *, file_name: str, indicators: Sequence[str], classes: Sequence[str]
) -> ParsedSheet:
    """Read the workbook; every problem is collected (file, row, column, reason).

    Checks here are those the sheet alone can decide: header, numbers,
    negatives, class names, duplicate codes. Whether a code is a township of
    the county is for the caller.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    parsed = ParsedSheet()

    def problem(row: int | None, column: str | None, message: str, col: int | None = None) -> None:
        letter = get_column_letter(col) if col else None
        parsed.problems.append(InputProblem(file_name, row, column, message, letter))

    try:
        check_xlsx(data, SHEET_LIMITS)
    except SheetRefused as refused:
        problem(None, None, str(refused))
        return parsed
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a non-xlsx file
        problem(None, None, "无法读取，请上传用“下载模板”得到的 .xlsx 文件")
        return parsed
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        problem(1, None, "第一行应为表头（代码、名称、类别、各项指标）")
        return parsed

    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = header_name(_text(raw))
        if not name:
            continue
        if name in positions:
            problem(1, name, "表头重复", index + 1)
        elif name in (CODE, NAME, CLASS) or name in indicators:
            positions[name] = index
        else:
            known = "、".join(indicators)
            problem(1, name, f"不是本县的指标（现有指标：{known}）", index + 1)
    if CODE not in positions:
        problem(1, CODE, "缺少“代码”列")
    parsed.indicators = [name for name in indicators if name in positions]
    parsed.has_class = CLASS in positions
    if parsed.problems:
        return parsed

    def cell(values: tuple[Any, ...], name: str) -> Any:
        index = positions.get(name)
        return values[index] if index is not None and index < len(values) else None

    for number, values in enumerate(rows, start=2):
        if number > _MAX_ROWS:
            problem(number, None, f"行数超过 {_MAX_ROWS}，请检查文件")
            break
        if not any(_text(v) for v in values):
            continue  # blank rows are common at the end of a sheet
        code = _text(cell(values, CODE))
        if not code:
            problem(number, CODE, "代码为空", positions[CODE] + 1)
            continue
        if code in parsed.row_numbers:
            problem(number, CODE, f"代码 {code} 与第 {parsed.row_numbers[code]} 行重复", positions[CODE] + 1)
            continue
        parsed.row_numbers[code] = number
        township_class = _text(cell(values, CLASS))
        if township_class and township_class not in classes:
            problem(
                number,
                CLASS,
                f"乡镇类别“{township_class}”不在本县类别方案中（{'、'.join(classes)}）",
                positions[CLASS] + 1,
            )
        row_values: dict[str, Decimal | None] = {}
        for name in parsed.indicators:
            raw = cell(values, name)
            try:
                value = _decimal(raw)
            except ValueError:
                problem(number, name, f"“{_text(raw)}”不是数字", positions[name] + 1)
                continue
            if value is not None and value < 0:
                problem(number, name, f"{value} 不能为负数", positions[name] + 1)
                continue
            row_values[name] = value
        parsed.rows.append(
            SheetRow(
                code=code,
                name=_text(cell(values, NAME)),
                township_class=township_class,
                values=row_values,
            )
        )
    wb.close()
    return parsed
