"""Writing allocation results (测算结果): .xlsx for printing and filing,
.csv for Excel, .json for programs, and a plain-text summary for terminals.

Every writer takes an `AllocationReport` (a core `AllocationResult` plus the
title, source file and, optionally, the same plan under every method) and
returns bytes, so the web app can send them as a download; `write_report`
puts them in a file atomically: a failed run never leaves a partial or
half-written file behind.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from bianzhi import __version__
from bianzhi.adapters.textwidth import display_width, pad
from bianzhi.adapters.xlsx_cells import csv_text, put
from bianzhi.core.allocation import (
    AllocationResult,
    Bound,
    Method,
    TownshipAllocation,
)

FORMATS: tuple[str, ...] = ("xlsx", "csv", "json")

MAIN_SHEET = "测算结果"
PARAMS_SHEET = "测算参数"
EXPLAIN_SHEET = "测算说明"
COMPARE_SHEET = "方法比较"

SCORE_FORMULA = (
    "综合得分 = 类别系数 × Σ(指标权重 × 指标占比) ÷ Σ指标权重；指标占比 = 本乡镇指标值 ÷ 全县合计"
)
QUOTA_FORMULA = "理论编制数 = 基本编制 × 本乡镇综合得分 ÷ 全县综合得分合计（未取整）"


@dataclass(frozen=True)
class AllocationReport:
    """What the writers need: the result and how to present it.

    `comparison`, when given, holds the same plan under every method (as
    `compare_methods` returns it) for the comparison sheet/key/table.
    `generated_at` is shown on the parameters sheet (default: now).
    """

    result: AllocationResult
    title: str
    source: str = ""
    comparison: Mapping[Method, AllocationResult] | None = None
    generated_at: datetime | None = None


def output_format(path: str | os.PathLike[str]) -> str | None:
    """The format named by a file's extension ("xlsx", "csv", "json"), or None."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def render(report: AllocationReport, fmt: str) -> bytes:
    """The report as the bytes of a file in format `fmt` (one of FORMATS)."""
    renderers: Mapping[str, Callable[[AllocationReport], bytes]] = {
        "xlsx": xlsx_bytes,
        "csv": csv_bytes,
        "json": json_bytes,
    }
    if fmt not in renderers:
        raise ValueError(f"不支持的输出格式“{fmt}”，可用：{'、'.join(FORMATS)}")
    return renderers[fmt](report)


def write_report(
    report: AllocationReport,
    target: str | os.PathLike[str] | IO[bytes],
    fmt: str | None = None,
) -> None:
    """Write the report to a path (atomically; format from the extension
    unless `fmt` is given) or to a binary stream (`fmt` required)."""
    if isinstance(target, str | os.PathLike):
        chosen = fmt or output_format(target)
        if chosen is None:
            raise ValueError(f"无法从文件名 {target} 判断输出格式，可用：{'、'.join(FORMATS)}")
        write_atomic(target, render(report, chosen))
        return
    if fmt is None:
        raise ValueError("写入数据流时必须指定输出格式")
    target.write(render(report, fmt))


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same directory
    and a rename, so readers see the old file or the new one, never a part.
    Creates the parent directory if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------
# The result table, shared by the formats


@dataclass(frozen=True)
class _Column:
    header: str
    value: Callable[[int, TownshipAllocation], object]
    kind: str  # "text", "int", "signed", "score", "quota"
    total: Callable[[Sequence[TownshipAllocation]], object] | None = None


def _has_current(result: AllocationResult) -> bool:
    return any(t.current is not None for t in result.townships)


def constraint_text(t: TownshipAllocation) -> str:
    """Why a township got what it got, when a bound rather than the model decided."""
    parts = [] if t.bound is Bound.NONE else [t.bound.label]
    if t.tied:
        parts.append("得分并列")
    return "；".join(parts)


def _sum_known(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _result_columns(result: AllocationResult) -> list[_Column]:
    columns = [
        _Column("序号", lambda i, t: i + 1, "int"),
        _Column("乡镇代码", lambda i, t: t.code, "text"),
        _Column("乡镇名称", lambda i, t: t.name, "text"),
        _Column("乡镇类别", lambda i, t: t.township_class, "text"),
        _Column("综合得分", lambda i, t: t.score, "score"),
        _Column("理论编制数", lambda i, t: t.quota, "quota", lambda ts: sum(t.quota for t in ts)),
        _Column("下限", lambda i, t: t.lower, "int", lambda ts: sum(t.lower for t in ts)),
        _Column(
            "上限",
            lambda i, t: "不限" if t.upper is None else t.upper,
            "int",
            lambda ts: None if any(t.upper is None for t in ts) else sum(t.upper or 0 for t in ts),
        ),
        _Column(
            "测算编制", lambda i, t: t.allocation, "int", lambda ts: sum(t.allocation for t in ts)
        ),
    ]
    if _has_current(result):
        columns += [
            _Column(
                "现有编制",
                lambda i, t: t.current,
                "int",
                lambda ts: _sum_known([t.current for t in ts]),
            ),
            _Column(
                "增减",
                lambda i, t: t.change,
                "signed",
                lambda ts: _sum_known([t.change for t in ts]),
            ),
        ]
    columns.append(_Column("约束说明", lambda i, t: constraint_text(t), "text"))
    return columns


def short_label(method: Method) -> str:
    """ "韦伯斯特法" for "韦伯斯特法（圣拉古法，四舍五入）"."""
    return method.label.split("（")[0]


def _reserve_text(result: AllocationResult) -> str:
    reserve = result.params.reserve
    if reserve.percent is not None:
        return f"{result.reserve}（编制总量的 {reserve.describe()}，四舍五入）"
    return str(result.reserve)


def _number_text(value: object, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        digits = 6 if kind == "score" else 2
        return f"{value:.{digits}f}"
    if kind == "signed" and isinstance(value, int):
        return f"{value:+d}" if value else "0"
    return str(value)


# ---------------------------------------------------------------------------
# CSV


def csv_bytes(report: AllocationReport) -> bytes:
    """The result table with a 合计 row, UTF-8 with BOM so that Excel shows
    the Chinese correctly. With a comparison, one extra column per method.

    Text fields (codes, names, classes from the input file) that a
    spreadsheet would take for a formula (= + - @ first) get a leading
    apostrophe (`xlsx_cells.csv_text`); numbers, such as -3 in 增减, do not."""
    result = report.result
    columns = _result_columns(result)
    comparison = report.comparison or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [c.header for c in columns] + [f"测算编制（{short_label(m)}）" for m in comparison]
    )
    for i, t in enumerate(result.townships):
        row = [_csv_field(c.value(i, t), c.kind) for c in columns]
        row += [str(other.townships[i].allocation) for other in comparison.values()]
        writer.writerow(row)
    totals = [
        "合计"
        if c.header == "序号"
        else _number_text(c.total(result.townships), c.kind)
        if c.total
        else ""
        for c in columns
    ]
    totals += [str(other.distributable) for other in comparison.values()]
    writer.writerow(totals)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_field(value: object, kind: str) -> str:
    shown = _number_text(value, kind)
    return csv_text(shown) if kind == "text" else shown


# ---------------------------------------------------------------------------
# JSON


def _finite(value: float | None) -> float | None:
    """JSON has no infinity: an open divisor interval end is null."""
    return value if value is not None and math.isfinite(value) else None


def _township_document(t: TownshipAllocation) -> dict[str, Any]:
    return {
        "code": t.code,
        "name": t.name,
        "class": t.township_class,
        "score": t.score,
        "quota": t.quota,
        "allocation": t.allocation,
        "bound": t.bound.value,
        "bound_label": t.bound.label if t.bound is not Bound.NONE else None,
        "current": t.current,
        "change": t.change,
        "lower": t.lower,
        "lower_source": t.lower_source.value,
        "upper": t.upper,
        "upper_source": t.upper_source.value,
        "coefficient": t.coefficient,
        "tied": t.tied,
        "indicators": {
            c.indicator: {
                "value": c.value,
                "share": c.share,
                "weight": c.weight,
                "contribution": c.contribution,
            }
            for c in t.contributions
        },
    }


def _summary_document(result: AllocationResult) -> dict[str, Any]:
    interval = result.divisor_interval
    return {
        "total": result.total,
        "reserve": result.reserve,
        "distributable": result.distributable,
        "divisor": result.divisor,
        "divisor_interval": None if interval is None else [_finite(v) for v in interval],
        "ties": list(result.ties),
        "max_deviation": result.max_deviation,
        "disproportionality": result.disproportionality,
    }


def json_document(report: AllocationReport) -> dict[str, Any]:
    """The report as JSON-ready data.

    Shape: {"plan": {all parameters}, "total", "reserve" (the count), "distributable",
    "divisor" (null for hamilton), "divisor_interval" ([low, high), high may be
    null), "ties", "max_deviation", "disproportionality" (Gallagher index,
    percentage points), "townships": [...], and with a comparison "compare":
    {method: {the same plan-level figures, "allocations": {code: n}}}}.
    """
    result = report.result
    params = result.params
    document: dict[str, Any] = {
        "plan": {
            "title": report.title,
            "source": report.source,
            "quota_type": params.quota_type,
            "total": params.total,
            "reserve": params.reserve.describe(),
            "method": params.method.value,
            "method_label": params.method.label,
            "weights": dict(params.weights),
            "floors": dict(params.floors),
            "caps": dict(params.caps),
            "coefficients": dict(params.coefficients),
            "no_decrease": params.no_decrease,
            "max_step": params.max_step,
            "township_min": dict(params.township_min),
            "township_max": dict(params.township_max),
        },
        **_summary_document(result),
        "townships": [_township_document(t) for t in result.townships],
        "generator": f"bianzhi {__version__}",
    }
    if report.comparison is not None:
        document["compare"] = {
            method.value: {
                "label": method.label,
                **_summary_document(other),
                "allocations": {t.code: t.allocation for t in other.townships},
            }
            for method, other in report.comparison.items()
        }
    return document


def json_bytes(report: AllocationReport) -> bytes:
    text = json.dumps(json_document(report), ensure_ascii=False, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# Terminal summary


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    footer: int = 1,
) -> str:
    """A plain-text table aligned by display width: numbers right, text left;
    the last `footer` rows (totals) are set off by a rule."""
    widths = [
        max(display_width(str(cell)) for cell in [header, *(row[i] for row in rows)])
        for i, header in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            pad(cell, widths[i], "right" if numeric[i] else "left") for i, cell in enumerate(cells)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    body, foot = rows[: len(rows) - footer], rows[len(rows) - footer :]
    return "\n".join([line(headers), rule, *map(line, body), rule, *map(line, foot)])


def summary_text(report: AllocationReport) -> str:
    """The plan in a few lines and the result table, for the terminal."""
    result = report.result
    params = result.params
    lines = [
        report.title
        if params.quota_type in report.title
        else f"{report.title}（{params.quota_type}）",
        f"编制总量 {result.total} = 基本编制 {result.distributable} + 机动编制 {_reserve_text(result)}",
        f"分配方法：{params.method.label}"
        + ("" if result.divisor is None else f"；除数 {result.divisor:.6g}"),
        f"指标权重：{'，'.join(f'{k} {_weight_text(w)}' for k, w in params.weights.items())}",
        "",
    ]
    wanted = [
        "乡镇代码",
        "乡镇名称",
        "乡镇类别",
        "理论编制数",
        "测算编制",
        "现有编制",
        "增减",
        "约束说明",
    ]
    columns = [c for c in _result_columns(result) if c.header in wanted]
    rows = [
        [_number_text(c.value(i, t), c.kind) for c in columns]
        for i, t in enumerate(result.townships)
    ]
    totals = [
        "合计"
        if c.header == "乡镇代码"
        else _number_text(c.total(result.townships), c.kind)
        if c.total
        else ""
        for c in columns
    ]
    lines.append(
        text_table(
            [c.header for c in columns], [*rows, totals], [c.kind != "text" for c in columns]
        )
    )
    if result.ties:
        names = "、".join(t.name for t in result.townships if t.tied)
        lines.append(
            f"注意：{names} 在分配边际处得分完全相同（并列），已按得分高者、代码小者优先。"
        )
    if report.comparison is not None:
        lines += ["", "方法比较（测算编制）", _comparison_text(report)]
    return "\n".join(lines)


def _weight_text(weight: float) -> str:
    return f"{weight:g}"


def _comparison_text(report: AllocationReport) -> str:
    assert report.comparison is not None
    result = report.result
    methods = list(report.comparison)
    headers = ["乡镇名称", "理论编制数"] + [
        short_label(m) + ("*" if m is result.method else "") for m in methods
    ]
    rows = [
        [t.name, f"{t.quota:.2f}"]
        + [str(report.comparison[m].townships[i].allocation) for m in methods]
        for i, t in enumerate(result.townships)
    ]
    rows.append(["最大偏差", ""] + [f"{report.comparison[m].max_deviation:.2f}" for m in methods])
    rows.append(
        ["失衡指数", ""] + [f"{report.comparison[m].disproportionality:.2f}" for m in methods]
    )
    table = text_table(headers, rows, [False] + [True] * (len(headers) - 1), footer=2)
    return (
        table
        + "\n* 本方案所用方法。失衡指数为 Gallagher 最小二乘指数（百分点），越小越接近按得分比例分配。"
    )


# ---------------------------------------------------------------------------
# XLSX

_BODY_FONT = "宋体"
_TITLE_FONT = "黑体"
_NUMBER_FORMATS = {
    "int": "0",
    "signed": "+0;-0;0",
    "score": "0.000000",
    "quota": "0.00",
    "share": "0.00%",
    "contribution": "0.000000",
    "value": "#,##0.##########",
}


def xlsx_bytes(report: AllocationReport) -> bytes:
    """A workbook formatted for printing on A4 landscape: 测算结果 (title,
    frozen header, totals), 测算参数, 测算说明, and 方法比较 with a comparison."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.title = report.title
    workbook.properties.creator = f"bianzhi {__version__}"
    main = workbook.active
    assert main is not None
    main.title = MAIN_SHEET
    _result_sheet(main, report)
    _params_sheet(workbook.create_sheet(PARAMS_SHEET), report)
    _explain_sheet(workbook.create_sheet(EXPLAIN_SHEET), report)
    if report.comparison is not None:
        _compare_sheet(workbook.create_sheet(COMPARE_SHEET), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Sheet:
    """Small helpers over an openpyxl worksheet: styled cells, widths, print setup."""

    def __init__(self, ws: Any) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = ws
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.Font = Font
        self.Alignment = Alignment
        self.header_fill = PatternFill("solid", fgColor="D9E1F2")
        self.total_fill = PatternFill("solid", fgColor="F2F2F2")
        self.mark_fill = PatternFill("solid", fgColor="FFF2CC")
        self.widths: dict[int, int] = {}

    def cell(
        self,
        row: int,
        column: int,
        value: object,
        kind: str = "text",
        *,
        bold: bool = False,
        header: bool = False,
        total: bool = False,
        boxed: bool = True,
        measure: bool = True,
    ) -> Any:
        cell = put(self.ws, row, column, value)
        cell.font = self.Font(name=_BODY_FONT, size=11, bold=bold or header or total)
        if header:
            cell.alignment = self.Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.fill = self.header_fill
        elif kind == "text" or isinstance(value, str):
            cell.alignment = self.Alignment(horizontal="left", vertical="center")
        else:
            cell.alignment = self.Alignment(horizontal="right", vertical="center")
            cell.number_format = _NUMBER_FORMATS.get(kind, "General")
        if total:
            cell.fill = self.total_fill
        if boxed:
            cell.border = self.border
        if measure and value is not None:
            shown = _number_text(value, kind) if not isinstance(value, str) else value
            width = display_width(shown) + (2 if not header else 1)
            self.widths[column] = max(self.widths.get(column, 0), width)
        return cell

    def title(self, row: int, text: str, last_column: int, size: int = 16) -> None:
        cell = put(self.ws, row, 1, text)
        cell.font = self.Font(name=_TITLE_FONT, size=size, bold=True)
        cell.alignment = self.Alignment(horizontal="center", vertical="center")
        if last_column > 1:
            self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
        self.ws.row_dimensions[row].height = 30 if size >= 14 else 20

    def note(self, row: int, text: str, last_column: int) -> None:
        """A wrapped paragraph across the table's width."""
        cell = put(self.ws, row, 1, text)
        cell.font = self.Font(name=_BODY_FONT, size=10)
        cell.alignment = self.Alignment(horizontal="left", vertical="top", wrap_text=True)
        if last_column > 1:
            self.ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
        # Excel does not grow merged rows for wrapped text: estimate the lines.
        available = sum(self.widths.get(c, 10) for c in range(1, last_column + 1)) or 40
        lines = sum(max(1, math.ceil(display_width(p) / available)) for p in text.split("\n"))
        self.ws.row_dimensions[row].height = 15 * lines + 3

    def finish(
        self,
        *,
        freeze: str | None,
        repeat_rows: str | None,
        minimum: int = 6,
        maximum: int = 40,
    ) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.page import PageMargins
        from openpyxl.worksheet.properties import PageSetupProperties

        for column, width in self.widths.items():
            letter = get_column_letter(column)
            self.ws.column_dimensions[letter].width = min(maximum, max(minimum, width))
        if freeze:
            self.ws.freeze_panes = freeze
        setup = self.ws.page_setup
        setup.orientation = "landscape"
        setup.paperSize = self.ws.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0  # as many pages tall as needed
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        self.ws.print_options.horizontalCentered = True
        if repeat_rows:
            self.ws.print_title_rows = repeat_rows
        self.ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        self.ws.oddFooter.center.font = _BODY_FONT


def _subtitle(result: AllocationResult) -> str:
    return (
        f"编制类型：{result.quota_type}　编制总量：{result.total}　"
        f"基本编制：{result.distributable}　机动编制：{_reserve_text(result)}　"
        f"分配方法：{result.method.label}"
    )


def _result_sheet(ws: Any, report: AllocationReport) -> None:
    result = report.result
    sheet = _Sheet(ws)
    columns = _result_columns(result)
    last = len(columns)
    header_row = 3
    for j, column in enumerate(columns, 1):
        sheet.cell(header_row, j, column.header, header=True)
    for i, t in enumerate(result.townships):
        for j, column in enumerate(columns, 1):
            sheet.cell(header_row + 1 + i, j, column.value(i, t), column.kind)
    total_row = header_row + 1 + len(result.townships)
    for j, column in enumerate(columns, 1):
        value = (
            "合计（基本编制）"
            if j == 2
            else column.total(result.townships)
            if column.total
            else None
        )
        sheet.cell(total_row, j, value, column.kind, total=True, measure=j != 2)
    allocation_column = next(j for j, c in enumerate(columns, 1) if c.header == "测算编制")
    for offset, (label, value) in enumerate(
        (("机动编制（县级统筹）", result.reserve), ("编制总量", result.total)), start=1
    ):
        row = total_row + offset
        for j in range(1, last + 1):
            shown = label if j == 2 else value if j == allocation_column else None
            sheet.cell(row, j, shown, "int", total=True, measure=False)

    notes = [
        "说明：1. " + SCORE_FORMULA + "。",
        "2. " + QUOTA_FORMULA + "。",
        f"3. 测算编制按{result.method.label}取整，合计等于基本编制，并满足各乡镇的下限和上限；"
        "“约束说明”列出起决定作用的限制（类别下限即保底编制）。",
        "4. 各指标数值、占比和加权贡献见“测算说明”工作表，测算参数见“测算参数”工作表。",
    ]
    if result.ties:
        names = "、".join(t.name for t in result.townships if t.tied)
        notes.append(
            f"5. {names} 在分配边际处得分完全相同（并列），已按得分高者、代码小者优先分配。"
        )
    sheet.title(1, report.title, last)
    sheet.note(2, _subtitle(result), last)
    sheet.note(total_row + 3, "\n".join(notes), last)
    sheet.finish(freeze=f"D{header_row + 1}", repeat_rows=f"{header_row}:{header_row}")


def _params_sheet(ws: Any, report: AllocationReport) -> None:
    result = report.result
    params = result.params
    sheet = _Sheet(ws)
    last = 5
    sheet.title(1, f"{report.title} · 测算参数", last, size=14)
    row = 2

    def pair(label: str, value: object, kind: str = "text") -> None:
        nonlocal row
        sheet.cell(row, 1, label, bold=True)
        sheet.cell(row, 2, value, kind, measure=False)
        for j in range(3, last + 1):
            sheet.cell(row, j, None)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
        row += 1

    def table(
        headers: Sequence[str], rows: Sequence[Sequence[object]], kinds: Sequence[str]
    ) -> None:
        nonlocal row
        for j, header in enumerate(headers, 1):
            sheet.cell(row, j, header, header=True)
        row += 1
        for values in rows:
            for j, value in enumerate(values, 1):
                sheet.cell(row, j, value, kinds[j - 1])
            row += 1
        row += 1

    interval = result.divisor_interval
    generated = report.generated_at or datetime.now()
    sheet.cell(row, 1, "项目", header=True)
    sheet.cell(row, 2, "内容", header=True)
    for j in range(3, last + 1):
        sheet.cell(row, j, None, header=True)
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
    row += 1
    pair("测算方案", report.title)
    pair("数据来源", report.source or "（未注明）")
    pair("编制类型", params.quota_type)
    pair("编制总量", result.total, "int")
    pair("机动编制", _reserve_text(result))
    pair("基本编制（参与分配）", result.distributable, "int")
    pair("分配方法", params.method.label)
    pair("除数", "（最大余数法不用除数）" if result.divisor is None else f"{result.divisor:.6g}")
    if interval is not None:
        high = "∞" if not math.isfinite(interval[1]) else f"{interval[1]:.6g}"
        pair("可用除数区间", f"[{interval[0]:.6g}, {high})")
    pair("不减少现有编制", "是" if params.no_decrease else "否")
    pair("最大调整幅度", "不限" if params.max_step is None else f"±{params.max_step}")
    pair("最大偏差", f"{result.max_deviation:.2f}（测算编制与理论编制数之差的最大绝对值）")
    pair("比例失衡指数", f"{result.disproportionality:.2f}（Gallagher 指数，百分点）")
    tied = "、".join(t.name for t in result.townships if t.tied) or "无"
    pair("得分并列的乡镇", tied)
    pair("生成时间", generated.strftime("%Y-%m-%d %H:%M"))
    pair("生成工具", f"bianzhi {__version__}")
    row += 1

    weight_sum = sum(params.weights.values()) or 1.0
    table(
        ["指标", "权重", "权重占比"],
        [[k, w, w / weight_sum] for k, w in params.weights.items()],
        ["text", "value", "share"],
    )

    classes = list(dict.fromkeys(t.township_class for t in result.townships))
    counts = {c: sum(t.township_class == c for t in result.townships) for c in classes}
    table(
        ["乡镇类别", "乡镇数", "类别下限", "类别上限", "类别系数"],
        [
            [
                c,
                counts[c],
                params.floors.get(c, "—"),
                params.caps.get(c, "—"),
                params.coefficients.get(c, 1),
            ]
            for c in classes
        ],
        ["text", "int", "int", "int", "value"],
    )
    if params.township_min or params.township_max:
        table(
            ["乡镇代码", "乡镇名称", "乡镇下限", "乡镇上限"],
            [
                [
                    t.code,
                    t.name,
                    params.township_min.get(t.code, "—"),
                    params.township_max.get(t.code, "—"),
                ]
                for t in result.townships
                if t.code in params.township_min or t.code in params.township_max
            ],
            ["text", "text", "int", "int"],
        )
    sheet.widths[2] = max(sheet.widths.get(2, 0), 14)
    sheet.finish(freeze=None, repeat_rows=None)


def _explain_sheet(ws: Any, report: AllocationReport) -> None:
    result = report.result
    params = result.params
    sheet = _Sheet(ws)
    indicators = list(params.weights)
    weight_sum = sum(params.weights.values()) or 1.0
    first_indicator = 4
    after = first_indicator + 3 * len(indicators)
    tail = ["类别系数", "综合得分", "理论编制数", "测算编制"]
    last = after + len(tail) - 1

    top, sub = 3, 4
    for j, header in enumerate(["乡镇代码", "乡镇名称", "乡镇类别"], 1):
        sheet.cell(top, j, header, header=True)
        sheet.cell(sub, j, None, header=True)
        ws.merge_cells(start_row=top, start_column=j, end_row=sub, end_column=j)
    for k, name in enumerate(indicators):
        j = first_indicator + 3 * k
        share = params.weights[name] / weight_sum
        sheet.cell(top, j, f"{name}（权重占比 {share:.0%}）", header=True, measure=False)
        for offset in (1, 2):
            sheet.cell(top, j + offset, None, header=True)
        ws.merge_cells(start_row=top, start_column=j, end_row=top, end_column=j + 2)
        for offset, header in enumerate(["数值", "占比", "加权贡献"]):
            sheet.cell(sub, j + offset, header, header=True)
    for offset, header in enumerate(tail):
        sheet.cell(top, after + offset, header, header=True)
        sheet.cell(sub, after + offset, None, header=True)
        ws.merge_cells(
            start_row=top, start_column=after + offset, end_row=sub, end_column=after + offset
        )

    row = sub + 1
    for t in result.townships:
        sheet.cell(row, 1, t.code)
        sheet.cell(row, 2, t.name)
        sheet.cell(row, 3, t.township_class)
        for k, c in enumerate(t.contributions):
            j = first_indicator + 3 * k
            sheet.cell(row, j, c.value, "value")
            sheet.cell(row, j + 1, c.share, "share")
            sheet.cell(row, j + 2, c.contribution, "contribution")
        sheet.cell(row, after, t.coefficient, "value")
        sheet.cell(row, after + 1, t.score, "score")
        sheet.cell(row, after + 2, t.quota, "quota")
        sheet.cell(row, after + 3, t.allocation, "int")
        row += 1
    sheet.cell(row, 1, None, total=True)
    sheet.cell(row, 2, "合计", total=True)
    sheet.cell(row, 3, None, total=True)
    for k in range(len(indicators)):
        j = first_indicator + 3 * k
        sheet.cell(
            row, j, sum(t.contributions[k].value for t in result.townships), "value", total=True
        )
        sheet.cell(
            row, j + 1, sum(t.contributions[k].share for t in result.townships), "share", total=True
        )
        sheet.cell(
            row,
            j + 2,
            sum(t.contributions[k].contribution for t in result.townships),
            "contribution",
            total=True,
        )
    sheet.cell(row, after, None, total=True)
    sheet.cell(row, after + 1, sum(t.score for t in result.townships), "score", total=True)
    sheet.cell(row, after + 2, sum(t.quota for t in result.townships), "quota", total=True)
    sheet.cell(row, after + 3, sum(t.allocation for t in result.townships), "int", total=True)

    sheet.title(1, f"{report.title} · 测算说明", last, size=14)
    sheet.note(
        2,
        f"{SCORE_FORMULA}。{QUOTA_FORMULA}。加权贡献 = 指标权重 × 指标占比 ÷ Σ指标权重（乘类别系数前）。",
        last,
    )
    sheet.finish(freeze=f"D{sub + 1}", repeat_rows=f"{top}:{sub}", minimum=8)


def _compare_sheet(ws: Any, report: AllocationReport) -> None:
    assert report.comparison is not None
    result = report.result
    comparison = report.comparison
    methods = list(comparison)
    sheet = _Sheet(ws)
    fixed = ["序号", "乡镇代码", "乡镇名称", "乡镇类别", "理论编制数"]
    last = len(fixed) + len(methods)
    header_row = 3
    for j, header in enumerate(fixed, 1):
        sheet.cell(header_row, j, header, header=True)
    for k, method in enumerate(methods):
        label = short_label(method) + ("（本方案）" if method is result.method else "")
        sheet.cell(header_row, len(fixed) + 1 + k, label, header=True)
    row = header_row + 1
    for i, t in enumerate(result.townships):
        for j, value in enumerate([i + 1, t.code, t.name, t.township_class], 1):
            sheet.cell(row, j, value, "int" if j == 1 else "text")
        sheet.cell(row, 5, t.quota, "quota")
        for k, method in enumerate(methods):
            allocation = comparison[method].townships[i].allocation
            cell = sheet.cell(row, len(fixed) + 1 + k, allocation, "int")
            if allocation != t.allocation:
                cell.fill = sheet.mark_fill
        row += 1
    for j in range(1, 5):
        sheet.cell(row, j, "合计" if j == 3 else None, total=True)
    sheet.cell(row, 5, sum(t.quota for t in result.townships), "quota", total=True)
    for k, method in enumerate(methods):
        sheet.cell(row, len(fixed) + 1 + k, comparison[method].distributable, "int", total=True)
    row += 1
    for label, value, kind in (
        ("除数", lambda r: r.divisor, "score"),
        ("最大偏差", lambda r: r.max_deviation, "quota"),
        ("比例失衡指数", lambda r: r.disproportionality, "quota"),
    ):
        for j in range(1, 6):
            sheet.cell(row, j, label if j == 3 else None, total=True, measure=False)
        for k, method in enumerate(methods):
            shown = value(comparison[method])
            sheet.cell(row, len(fixed) + 1 + k, "—" if shown is None else shown, kind, total=True)
        row += 1
    sheet.title(1, f"{report.title} · 分配方法比较", last, size=14)
    sheet.note(
        2,
        f"同一组得分、上下限和基本编制 {result.distributable} 在各方法下的测算编制；"
        "与本方案不同的格子以黄色标出。最大偏差为测算编制与理论编制数之差的最大绝对值，"
        "比例失衡指数为 Gallagher 指数（百分点），均越小越接近按得分比例分配。",
        last,
    )
    sheet.finish(freeze=f"D{header_row + 1}", repeat_rows=f"{header_row}:{header_row}")
