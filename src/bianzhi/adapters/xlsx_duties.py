"""The duties workbooks: the delegation catalogue, the statutory items and
the territorial-matters list (templates, reading, export) and the export of a
township's powers-and-duties list. No database here: readers turn a workbook
into rows or an ``InputError`` listing *every* problem with its row and
column; the duties services decide what to write, and ``duties.exports``
gathers the rows of an export.

Catalogue workbook, sheet 赋权指导目录::

    事项编码 | 事项名称 | 权力类型 | 设定依据 | 下放部门 | 所属清单

and an optional sheet 特色清单 (清单 | 适用乡镇类别, classes separated by
、 or ,) that ties each featured list to township classes.

Territorial-matters workbook, sheet 属地事项责任清单::

    序号 | 领域 | 事项名称 | 乡镇责任 | 县级部门 | 县级部门责任 | 依据

Statutory-items workbook, sheet 法定事项 (template = export = import)::

    事项编码 | 事项名称 | 权力类型 | 设定依据
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from bianzhi.adapters.problems import InputError, InputProblem
from bianzhi.adapters.xlsx_cells import append
from bianzhi.adapters.xlsx_columns import workbook_bytes, write_table
from bianzhi.adapters.xlsx_limits import LIST_LIMITS, SheetRefused, check_xlsx
from bianzhi.core import typed
from bianzhi.core.duties import FEATURED_LISTS, POWER_TYPES, ListKind, list_kind_parse

CATALOGUE_SHEET = "赋权指导目录"
FEATURED_SHEET = "特色清单"
MATTERS_SHEET = "属地事项责任清单"
STATUTORY_SHEET = "法定事项"
_MAX_ROWS = 20000
# The sheets themselves (catalogue, featured lists, statutory items, matters),
# checked before openpyxl pads rows to the declared width.
SHEET_LIMITS = LIST_LIMITS
_SPLIT = re.compile(r"[、,，;；\s]+")

CATALOGUE_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    # (field, header, required)
    ("code", "事项编码", True),
    ("name", "事项名称", True),
    ("power_type", "权力类型", True),
    ("legal_basis", "设定依据", False),
    ("delegating_department", "下放部门", True),
    ("list_kind", "所属清单", True),
)
MATTER_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("code", "序号", True),
    ("domain", "领域", True),
    ("name", "事项名称", True),
    ("township_role", "乡镇责任", True),
    ("department", "县级部门", True),
    ("department_role", "县级部门责任", True),
    ("basis", "依据", False),
)
STATUTORY_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("code", "事项编码", True),
    ("name", "事项名称", True),
    ("power_type", "权力类型", True),
    ("legal_basis", "设定依据", False),
)
# Read with core.typed.match_choice, which also takes the short forms 主体/配合.
ROLES = {"主体责任": "lead", "配合责任": "supporting"}


@dataclass(frozen=True)
class CatalogueRow:
    row: int
    code: str
    name: str
    power_type: str
    legal_basis: str
    delegating_department: str
    list_kind: ListKind


@dataclass
class CatalogueFile:
    rows: list[CatalogueRow]
    # None when the workbook has no 特色清单 sheet (keep the current mapping).
    featured_classes: dict[str, list[str]] | None = None


@dataclass(frozen=True)
class MatterRow:
    row: int
    code: str
    domain: str
    name: str
    township_role: str
    department: str
    department_role: str
    basis: str


@dataclass(frozen=True)
class StatutoryRow:
    row: int
    code: str
    name: str
    power_type: str
    legal_basis: str


@dataclass
class _Table:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_table(
    sheet: Any, columns: Sequence[tuple[str, str, bool]], file_name: str
) -> _Table:
    """Header row 1, data from row 2; blank rows are skipped."""
    table = _Table()
    header_row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    positions: dict[str, int] = {}
    for index, value in enumerate(header_row):
        header = _text(value)
        if header:
            positions.setdefault(header, index)
    for _, header, _required in columns:
        if header not in positions:
            table.problems.append(
                InputProblem(file_name, 1, header, f"缺少“{header}”列（表头须在第1行）")
            )
        else:
            table.letters[header] = get_column_letter(positions[header] + 1)
    if table.problems:
        return table
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if number > _MAX_ROWS + 1:
            table.problems.append(InputProblem(file_name, number, None, f"行数超过{_MAX_ROWS}行"))
            break
        cells = {
            field_name: _text(values[positions[header]] if positions[header] < len(values) else None)
            for field_name, header, _ in columns
        }
        if not any(cells.values()):
            continue
        for field_name, header, required in columns:
            if required and not cells[field_name]:
                table.problems.append(
                    InputProblem(file_name, number, header, "不能为空", table.letters[header])
                )
        table.rows.append((number, cells))
    return table


def _open(data: bytes, file_name: str) -> Any:
    try:
        check_xlsx(data, SHEET_LIMITS)
    except SheetRefused as refused:
        raise InputError([InputProblem(file_name, None, None, str(refused))]) from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-workbook
        raise InputError(
            [InputProblem(file_name, None, None, f"无法读取 Excel 文件（.xlsx）：{exc}")]
        ) from exc


def _sheet(book: Any, title: str, file_name: str) -> Any:
    if title in book.sheetnames:
        return book[title]
    if len(book.sheetnames) == 1:
        return book[book.sheetnames[0]]
    raise InputError([InputProblem(file_name, None, None, f"找不到工作表“{title}”")])


def _duplicates(
    rows: Iterable[tuple[int, str]], file_name: str, header: str, letter: str
) -> list[InputProblem]:
    first: dict[str, int] = {}
    problems = []
    for number, code in rows:
        if code in first:
            problems.append(
                InputProblem(file_name, number, header, f"“{code}”与第{first[code]}行重复", letter)
            )
        else:
            first[code] = number
    return problems


def catalogue_read(data: bytes, *, file_name: str = "赋权指导目录.xlsx") -> CatalogueFile:
    """Rows of a catalogue workbook, or ``InputError`` with every problem."""
    book = _open(data, file_name)
    table = _read_table(_sheet(book, CATALOGUE_SHEET, file_name), CATALOGUE_COLUMNS, file_name)
    problems = list(table.problems)
    rows: list[CatalogueRow] = []
    for number, cells in table.rows:
        kind = list_kind_parse(cells["list_kind"]) if cells["list_kind"] else None
        if cells["list_kind"] and kind is None:
            problems.append(
                InputProblem(
                    file_name,
                    number,
                    "所属清单",
                    f"“{cells['list_kind']}”无效，应为：{'、'.join(k.label for k in ListKind)}",
                    table.letters["所属清单"],
                )
            )
        if cells["power_type"] and cells["power_type"] not in POWER_TYPES:
            problems.append(
                InputProblem(
                    file_name,
                    number,
                    "权力类型",
                    f"“{cells['power_type']}”无效，应为：{'、'.join(POWER_TYPES)}",
                    table.letters["权力类型"],
                )
            )
        if len(cells["name"]) > 200:
            problems.append(
                InputProblem(file_name, number, "事项名称", "超过200字", table.letters["事项名称"])
            )
        if kind is not None:
            rows.append(
                CatalogueRow(
                    row=number,
                    code=cells["code"],
                    name=cells["name"],
                    power_type=cells["power_type"],
                    legal_basis=cells["legal_basis"],
                    delegating_department=cells["delegating_department"],
                    list_kind=kind,
                )
            )
    if "事项编码" in table.letters:
        problems += _duplicates(
            ((n, c["code"]) for n, c in table.rows if c["code"]),
            file_name,
            "事项编码",
            table.letters["事项编码"],
        )
    featured: dict[str, list[str]] | None = None
    if FEATURED_SHEET in book.sheetnames:
        featured = {}
        # A blank class cell is allowed: that featured list serves no class yet.
        columns = (("list", "清单", True), ("classes", "适用乡镇类别", False))
        sub = _read_table(book[FEATURED_SHEET], columns, f"{file_name}（{FEATURED_SHEET}）")
        problems += sub.problems
        for number, cells in sub.rows:
            kind = list_kind_parse(cells["list"])
            if kind is None or not kind.is_featured:
                problems.append(
                    InputProblem(
                        f"{file_name}（{FEATURED_SHEET}）",
                        number,
                        "清单",
                        f"“{cells['list']}”不是特色清单，应为："
                        f"{'、'.join(k.label for k in FEATURED_LISTS)}",
                        sub.letters.get("清单"),
                    )
                )
                continue
            featured[kind.value] = [c for c in _SPLIT.split(cells["classes"]) if c]
    if not rows and not problems:
        problems.append(InputProblem(file_name, None, None, "没有任何事项"))
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file, p.row or 0)))
    return CatalogueFile(rows=rows, featured_classes=featured)


def matters_read(data: bytes, *, file_name: str = "属地事项责任清单.xlsx") -> list[MatterRow]:
    """Rows of a territorial-matters workbook, or ``InputError`` with every problem."""
    book = _open(data, file_name)
    table = _read_table(_sheet(book, MATTERS_SHEET, file_name), MATTER_COLUMNS, file_name)
    problems = list(table.problems)
    rows: list[MatterRow] = []
    for number, cells in table.rows:
        roles: dict[str, str] = {}
        for field_name, header in (("township_role", "乡镇责任"), ("department_role", "县级部门责任")):
            role: str | None = None
            if cells[field_name]:
                try:
                    role = typed.match_choice(cells[field_name], ROLES)
                except ValueError as reason:
                    problems.append(InputProblem(file_name, number, header, str(reason), table.letters[header]))
            roles[field_name] = role or ""
        if roles["township_role"] and roles["township_role"] == roles["department_role"] == "supporting":
            problems.append(
                InputProblem(
                    file_name, number, "乡镇责任", "乡镇和县级部门不能都只承担配合责任，须明确主体责任", table.letters["乡镇责任"]
                )
            )
        rows.append(MatterRow(row=number, **{**cells, **roles}))
    if "序号" in table.letters:
        problems += _duplicates(
            ((n, c["code"]) for n, c in table.rows if c["code"]), file_name, "序号", table.letters["序号"]
        )
    if not table.rows and not problems:
        problems.append(InputProblem(file_name, None, None, "没有任何事项"))
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file, p.row or 0)))
    return rows


def statutory_read(data: bytes, *, file_name: str = "法定事项.xlsx") -> list[StatutoryRow]:
    """Rows of a statutory-items workbook, or ``InputError`` with every problem."""
    book = _open(data, file_name)
    table = _read_table(_sheet(book, STATUTORY_SHEET, file_name), STATUTORY_COLUMNS, file_name)
    problems = list(table.problems)
    rows: list[StatutoryRow] = []
    for number, cells in table.rows:
        if cells["power_type"] and cells["power_type"] not in POWER_TYPES:
            problems.append(
                InputProblem(
                    file_name,
                    number,
                    "权力类型",
                    f"“{cells['power_type']}”无效，应为：{'、'.join(POWER_TYPES)}",
                    table.letters["权力类型"],
                )
            )
        for header, field_name, limit in (("事项编码", "code", 50), ("事项名称", "name", 200)):
            if len(cells[field_name]) > limit:
                problems.append(
                    InputProblem(file_name, number, header, f"超过{limit}字", table.letters[header])
                )
        rows.append(StatutoryRow(row=number, **cells))
    if "事项编码" in table.letters:
        problems += _duplicates(
            ((n, c["code"]) for n, c in table.rows if c["code"]),
            file_name,
            "事项编码",
            table.letters["事项编码"],
        )
    if not table.rows and not problems:
        problems.append(InputProblem(file_name, None, None, "没有任何事项"))
    if problems:
        raise InputError(sorted(problems, key=lambda p: (p.file, p.row or 0)))
    return rows


# --- writing -------------------------------------------------------------------


def catalogue_workbook(
    rows: Iterable[Sequence[Any]], featured_classes: Mapping[str, Sequence[str]]
) -> bytes:
    """The catalogue workbook: the template when ``rows`` is empty, else an export."""
    book = Workbook()
    sheet = book.active
    sheet.title = CATALOGUE_SHEET
    write_table(sheet, [h for _, h, _ in CATALOGUE_COLUMNS], rows, (16, 36, 12, 40, 18, 12))
    featured = book.create_sheet(FEATURED_SHEET)
    write_table(
        featured,
        ["清单", "适用乡镇类别"],
        ([k.label, "、".join(featured_classes.get(k.value, ()))] for k in FEATURED_LISTS),
        (14, 40),
    )
    notes = book.create_sheet("填写说明")
    for line in (
        "“权力类型”填写：" + "、".join(POWER_TYPES),
        "“所属清单”填写：" + "、".join(k.label for k in ListKind),
        "基础清单由全部乡镇承接；特色清单按“特色清单”工作表中的乡镇类别由乡镇选择承接（001 §(一)2）。",
        "导入时全部校验通过才写入；任何一行有错误则整份文件不导入。",
    ):
        append(notes, [line])
    notes.column_dimensions["A"].width = 100
    return workbook_bytes(book)


def matters_workbook(rows: Iterable[Sequence[Any]]) -> bytes:
    """The territorial-matters workbook: template when ``rows`` is empty, else an export."""
    book = Workbook()
    sheet = book.active
    sheet.title = MATTERS_SHEET
    write_table(sheet, [h for _, h, _ in MATTER_COLUMNS], rows, (8, 14, 48, 10, 24, 12, 40))
    return workbook_bytes(book)


def statutory_workbook(rows: Iterable[Sequence[Any]]) -> bytes:
    """The statutory-items workbook: the template when ``rows`` is empty, else an export."""
    book = Workbook()
    sheet = book.active
    sheet.title = STATUTORY_SHEET
    write_table(sheet, [h for _, h, _ in STATUTORY_COLUMNS], rows, (16, 40, 12, 48))
    notes = book.create_sheet("填写说明")
    for line in (
        "“权力类型”填写：" + "、".join(POWER_TYPES),
        "法定事项列入本县每个乡镇的权责清单；按事项编码匹配：新编码新增，已有编码修改，文件中没有的现有事项取消（保留历史记录）。",
        "导入时全部校验通过才写入；任何一行有错误则整份文件不导入。",
    ):
        append(notes, [line])
    notes.column_dimensions["A"].width = 100
    return workbook_bytes(book)


DUTY_LIST_SHEET = "权责清单"
DUTY_HEADERS = ("序号", "类别", "事项编码", "事项名称", "权力类型", "设定依据", "实施部门或下放部门", "依据文号", "备注")


def duty_list_workbook(rows: Iterable[Sequence[Any]]) -> bytes:
    """A township's powers-and-duties list (权责清单), rows in DUTY_HEADERS order."""
    book = Workbook()
    sheet = book.active
    sheet.title = DUTY_LIST_SHEET
    write_table(sheet, DUTY_HEADERS, rows, (6, 10, 14, 40, 12, 40, 20, 24, 24))
    return workbook_bytes(book)
