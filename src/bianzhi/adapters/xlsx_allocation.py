"""The allocation report as a workbook formatted for printing on A4
landscape (测算结果, 测算参数, 测算说明 and, with a comparison, 方法比较);
``allocation_export`` offers it beside csv and json.

openpyxl is imported inside the functions, so that importing this module
(``allocation_export`` does, for every ``bianzhi allocate`` run and plan page)
loads it only when a workbook is written.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from bianzhi import __version__
from bianzhi.adapters.allocation_report import (
    QUOTA_FORMULA,
    SCORE_FORMULA,
    AllocationReport,
    number_text,
    reserve_text,
    result_columns,
    short_label,
)
from bianzhi.adapters.textwidth import display_width
from bianzhi.adapters.xlsx_cells import put
from bianzhi.core.allocation import AllocationResult

MAIN_SHEET = "测算结果"
PARAMS_SHEET = "测算参数"
EXPLAIN_SHEET = "测算说明"
COMPARE_SHEET = "方法比较"

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
            shown = number_text(value, kind) if not isinstance(value, str) else value
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
        f"基本编制：{result.distributable}　机动编制：{reserve_text(result)}　"
        f"分配方法：{result.method.label}"
    )


def _result_sheet(ws: Any, report: AllocationReport) -> None:
    result = report.result
    sheet = _Sheet(ws)
    columns = result_columns(result)
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
    generated = report.generated_at
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
    pair("机动编制", reserve_text(result))
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
    if generated is not None:
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
