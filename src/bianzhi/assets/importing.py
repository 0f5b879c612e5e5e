"""The asset register as Excel: import template (drop-downs for every
choice), reading with every bad cell named by row and column, the register
export and the 镇村公有资产清理统计表 (004 二(一): 分区域、分类别, 权属、
分布和使用状况)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from bianzhi.adapters.xlsx_columns import (
    Column,
    RowError,
    SheetError,
    Table,
    read_rows,
    tables_workbook,
    template_workbook,
    text,
    write_workbook,
)
from bianzhi.assets.models import Asset
from bianzhi.assets.selectors import ReturnRows
from bianzhi.assets.services import AssetFields, field_problems
from bianzhi.core.assets import (
    CLASSES,
    ORIGINS,
    OWNERS,
    REGISTRATION,
    USE_STATUSES,
)

COLUMNS: tuple[Column, ...] = (
    Column("村（社区）", "village", False, "村集体资产填所属村（社区），镇本级资产空着", width=14),
    Column("权属", "owner", True, "", OWNERS),
    Column("资产类别", "asset_class", True, "", CLASSES),
    Column("资产名称", "name", True, "同一村（或镇本级）内不重复", width=28),
    Column("来源", "origin", True, "撤并乡镇、村、学校、办事处的资产选对应来源", ORIGINS),
    Column("坐落位置", "location", False, "", width=24),
    Column("面积（平方米）", "area", False, "数字"),
    Column("账面价值（万元）", "book_value", False, "数字"),
    Column("权属证明", "title_document", False, "不动产权证号或其他权属证明", width=22),
    Column("不动产登记", "registration", True, "", REGISTRATION),
    Column("使用状态", "use_status", True, "", USE_STATUSES),
    Column("备注", "note", False, "", width=24),
)
MAX_ROWS = 5000


def asset_template() -> bytes:
    return template_workbook(COLUMNS, title="镇村公有资产台账")


def _decimal(value: Any) -> Decimal | None:
    raw = text(value).replace(",", "")
    if not raw:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{raw}”不是数字") from None
    if not number.is_finite():
        raise ValueError(f"“{raw}”不是数字")
    return number.quantize(Decimal("0.01"))


def parse_assets(source: bytes, *, filename: str) -> list[tuple[int, AssetFields]]:
    headers = {c.key: c.header for c in COLUMNS}
    errors: list[RowError] = []
    result: list[tuple[int, AssetFields]] = []
    for number, raw in read_rows(io.BytesIO(source), COLUMNS, filename=filename):
        if len(result) + len(errors) >= MAX_ROWS:
            errors.append(RowError(filename, number, "", f"超过 {MAX_ROWS} 行，请分表导入"))
            break
        values = {k: text(raw.get(k)) for k in headers if k not in ("area", "book_value")}
        numbers: dict[str, Decimal | None] = {}
        bad = False
        for key in ("area", "book_value"):
            try:
                numbers[key] = _decimal(raw.get(key))
            except ValueError as error:
                errors.append(RowError(filename, number, headers[key], str(error)))
                bad = True
        fields = AssetFields(**values, area=numbers.get("area"), book_value=numbers.get("book_value"))
        problems = field_problems(fields)
        errors.extend(RowError(filename, number, column, reason) for column, reason in problems)
        if not problems and not bad:
            result.append((number, fields))
    if errors:
        raise SheetError(errors)
    if not result:
        raise SheetError([RowError(filename, 0, "", "表中没有资产")])
    return result


EXPORT_HEADERS = [c.header for c in COLUMNS]


def _row(a: Asset) -> list[Any]:
    return [a.village, a.owner, a.asset_class, a.name, a.origin, a.location, a.area, a.book_value,
            a.title_document, a.registration, a.use_status, a.note]


def assets_xlsx(assets: Sequence[Asset]) -> bytes:
    """The register in the template's columns (it re-imports), 乡镇 first."""
    return write_workbook("镇村公有资产台账", ["乡镇", *EXPORT_HEADERS], ([a.township.name, *_row(a)] for a in assets))


STATISTICS_HEADERS = [
    "乡镇", "权属", "区域", "资产类别", "数量（宗）", "面积（平方米）", "账面价值（万元）", "在用", "闲置", "已盘活",
    "已处置", "已办理不动产登记",
]


def statistics_xlsx(
    *, title: str, deadline: dt.date, returns: Sequence[ReturnRows], assets: Sequence[Asset]
) -> bytes:
    """镇村公有资产清理统计表 of a round (004 二(一)): the deadline (3月20日前)
    and where each part is reported under the title; then, per township, one
    line per owner (镇国有资产, 村集体资产), region (镇本级 / each village) and
    class with count, area, book value, use status and 不动产登记, as reported,
    a subtotal per township, "未报送" for a township that has not reported,
    and the total. The second sheet is the register's detail as it stands."""
    rows: list[list[Any]] = []
    fields = ("count", "area", "book_value", "in_use", "idle", "revitalised", "disposed", "registered")
    grand: dict[str, Any] = {f: 0 for f in fields}
    for item in returns:
        if item.lines is None:
            rows.append([item.township, "未报送", "", "", *([""] * len(fields))])
            continue
        subtotal: dict[str, Any] = {f: 0 for f in fields}
        for line in item.lines:
            owner = "镇国有资产" if line.owner == "镇" else "村集体资产"
            rows.append([item.township, owner, line.region, line.asset_class, *(getattr(line, f) for f in fields)])
            for f in fields:
                subtotal[f] += getattr(line, f)
        when = item.submitted_on.isoformat() if item.submitted_on else ""
        late = "（逾期）" if item.submitted_on and item.submitted_on > deadline else ""
        rows.append([f"{item.township}小计", f"{when}报送{late}", "", "", *(subtotal[f] for f in fields)])
        for f in fields:
            grand[f] += subtotal[f]
    rows.append(["合计", "", "", "", *(grand[f] for f in fields)])
    return tables_workbook([
        Table(
            "清理统计表",
            STATISTICS_HEADERS,
            rows,
            (14, 12, 14, 12, 10, 14, 16, 8, 8, 8, 8, 16),
            caption=title,
            notes=(
                f"报送时限：{deadline.month}月{deadline.day}日前（{deadline.year}年）。"
                "镇国有资产报镇财政办汇总后报县财政局；村集体资产报镇农业综合服务中心汇总后报县农业农村局"
                "（依据：004《盘活用好镇村公有资产工作方案》二(一)）。",
            ),
        ),
        Table("资产明细（当前台账）", ["乡镇", *EXPORT_HEADERS], [[a.township.name, *_row(a)] for a in assets]),
    ])
