"""The asset register as Excel: import template (drop-downs for every
choice), reading with every bad cell named by row and column, the register
export and the 镇村公有资产清理统计表 (004 二(一): 分区域、分类别, 权属、
分布和使用状况)."""

from __future__ import annotations

import io
from collections import defaultdict
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
from bianzhi.assets.services import AssetFields, field_problems
from bianzhi.core.assets import (
    CLASSES,
    IDLE,
    ORIGINS,
    OWNERS,
    REGISTRATION,
    REVITALISED,
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


def statistics_xlsx(assets: Sequence[Asset], *, title: str) -> bytes:
    """镇村公有资产清理统计表: one line per region (镇本级 / each village)
    and class with counts, area and book value by use status; then the
    detail."""
    groups: dict[tuple[str, str, str], list[Asset]] = defaultdict(list)
    for a in assets:
        groups[(a.township.name, a.village or "镇本级", a.asset_class)].append(a)

    def total(items: list[Asset], field: str) -> Decimal:
        return sum((getattr(a, field) or Decimal(0) for a in items), Decimal(0))

    rows = []
    for (township, region, cls), items in sorted(groups.items()):
        rows.append([
            township, region, cls, len(items), total(items, "area"), total(items, "book_value"),
            sum(a.use_status == "在用" for a in items), sum(a.use_status == IDLE for a in items),
            sum(a.use_status == REVITALISED for a in items), sum(a.use_status == "已处置" for a in items),
            sum(a.registration == "已登记" for a in items),
        ])
    return tables_workbook([
        Table(
            "清理统计表",
            ["乡镇", "区域", "资产类别", "数量（宗）", "面积（平方米）", "账面价值（万元）", "在用", "闲置", "已盘活",
             "已处置", "已办理不动产登记"],
            rows,
            (12, 14, 12, 10, 14, 16, 8, 8, 8, 8, 16),
            caption=title,
        ),
        Table("资产明细", ["乡镇", *EXPORT_HEADERS], [[a.township.name, *_row(a)] for a in assets]),
    ])
