"""Reading and writing task tables (任务清单) as Excel.

The columns are those of the task tables in 004 (蓬莱镇 28 个工作方案):
序号, 工作任务, 牵头单位, 责任单位, 完成时限. Title rows above the header
and blank rows are skipped; the header may use common longer names
(任务内容, 完成时间 …). Reading never stops at the first problem: every
problem is reported with its row and column (``InputError``), and nothing is
imported unless the whole table is right.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bianzhi.adapters.problems import InputError, InputProblem
from bianzhi.adapters.xlsx_cells import put
from bianzhi.adapters.xlsx_limits import LIST_LIMITS, SheetRefused, check_xlsx
from bianzhi.core.tasks import parse_deadline, split_units

SEQ, CONTENT, LEAD, RESPONSIBLE, DEADLINE = "序号", "工作任务", "牵头单位", "责任单位", "完成时限"
COLUMNS: tuple[str, ...] = (SEQ, CONTENT, LEAD, RESPONSIBLE, DEADLINE)
REQUIRED: tuple[str, ...] = (CONTENT, LEAD, DEADLINE)
ALIASES: dict[str, tuple[str, ...]] = {
    CONTENT: ("任务", "任务内容", "工作内容", "重点任务", "主要任务"),
    LEAD: ("牵头部门", "牵头科室"),
    RESPONSIBLE: ("责任部门", "配合单位", "责任科室"),
    DEADLINE: ("完成时间", "时限", "时间要求", "完成期限"),
}
_NAME_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
MAX_ROWS = 5000
# The sheet itself: every row is read into memory before MAX_ROWS applies.
SHEET_LIMITS = LIST_LIMITS


@dataclass(frozen=True)
class TaskRow:
    row: int  # spreadsheet row, for messages
    seq: int
    content: str
    lead_units: tuple[str, ...]
    responsible_units: tuple[str, ...]
    deadline: dt.date
    deadline_text: str


def _clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _header_name(cell: str) -> str:
    compact = "".join(cell.split())
    return compact if compact in COLUMNS else _NAME_OF.get(compact, compact)


def read_task_table(content: bytes, *, filename: str = "任务清单.xlsx") -> list[TaskRow]:
    """The task rows of the first worksheet of an .xlsx file, or ``InputError``."""
    try:
        check_xlsx(content, SHEET_LIMITS)
    except SheetRefused as refused:
        raise InputError([InputProblem(filename, None, None, str(refused))]) from None
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise InputError(
            [InputProblem(filename, None, None, f"无法读取 Excel 文件（仅支持 .xlsx）：{exc}")]
        ) from exc
    rows = [[_clean(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    header_index = next(
        (i for i, row in enumerate(rows) if sum(_header_name(c) in COLUMNS for c in row) >= 2),
        None,
    )
    if header_index is None:
        raise InputError(
            [InputProblem(filename, None, None, f"找不到表头：需要列 {'、'.join(COLUMNS)}。")]
        )
    header = [_header_name(c) for c in rows[header_index]]
    position = {name: header.index(name) for name in COLUMNS if name in header}
    problems = [
        InputProblem(filename, header_index + 1, name, "缺少这一列。")
        for name in REQUIRED
        if name not in position
    ]
    if problems:
        raise InputError(problems)

    def cell(row: list[str], name: str) -> str:
        index = position.get(name)
        return row[index] if index is not None and index < len(row) else ""

    def problem(row_number: int, name: str, message: str) -> InputProblem:
        letter = get_column_letter(position[name] + 1) if name in position else None
        return InputProblem(filename, row_number, name, message, letter)

    result: list[TaskRow] = []
    seen_seq: dict[int, int] = {}
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(row):
            continue
        if len(result) >= MAX_ROWS:
            problems.append(
                InputProblem(filename, offset, None, f"任务超过 {MAX_ROWS} 条，请分表导入。")
            )
            break
        row_problems: list[InputProblem] = []
        seq_text = cell(row, SEQ)
        seq = len(result) + 1
        if seq_text:
            try:
                seq = int(seq_text.strip("．.、"))
            except ValueError:
                row_problems.append(problem(offset, SEQ, f"“{seq_text}”不是整数。"))
        if seq in seen_seq:
            row_problems.append(problem(offset, SEQ, f"序号 {seq} 与第 {seen_seq[seq]} 行重复。"))
        content_text = cell(row, CONTENT)
        if not content_text:
            row_problems.append(problem(offset, CONTENT, "不能为空。"))
        lead = split_units(cell(row, LEAD))
        if not lead:
            row_problems.append(problem(offset, LEAD, "不能为空。"))
        deadline_text = cell(row, DEADLINE)
        deadline = parse_deadline(deadline_text) if deadline_text else None
        if deadline is None:
            row_problems.append(
                problem(
                    offset,
                    DEADLINE,
                    f"无法识别日期“{deadline_text}”（例：2021年3月31日前、2021年12月底前）。"
                    if deadline_text
                    else "不能为空。",
                )
            )
        if row_problems or deadline is None:
            problems.extend(row_problems)
            continue
        seen_seq[seq] = offset
        result.append(
            TaskRow(
                row=offset,
                seq=seq,
                content=content_text,
                lead_units=tuple(lead),
                responsible_units=tuple(split_units(cell(row, RESPONSIBLE))),
                deadline=deadline,
                deadline_text=deadline_text,
            )
        )
    if problems:
        raise InputError(problems)
    if not result:
        raise InputError([InputProblem(filename, None, None, "表中没有任务。")])
    return result


def task_table_xlsx(rows: Sequence[Sequence[str]] = (), *, title: str = "") -> bytes:
    """An .xlsx task table: the import template (no rows) or an export of ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "任务清单"
    start = 1
    if title:
        put(sheet, 1, 1, title).font = Font(bold=True, size=14)
        start = 2
    for column, (name, width) in enumerate(zip(COLUMNS, (6, 60, 24, 40, 18), strict=True), start=1):
        header = put(sheet, start, column, name)
        header.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    if not rows:
        example = (
            "1",
            "组织开展资产清查（示例，导入前请删除本行）",
            "财政办、农业综合服务中心",
            "各村(社区)，各总支，社事办、卫健办",
            "2021年3月31日前",
        )
        rows = [example]
    for r, values in enumerate(rows, start=start + 1):
        for column, value in enumerate(values, start=1):
            put(sheet, r, column, value).alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
