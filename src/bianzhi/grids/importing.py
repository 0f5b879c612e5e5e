"""The service-matter catalogue workbook (政务服务事项目录及办事指南): template
with drop-downs, export and the all-or-nothing import. The workbook itself is
read and written by ``adapters.xlsx_columns``; this module holds the column
list and turns rows into ``MatterData`` or Chinese row/column errors.

One file is one township's catalogue: a row whose 事项名称 exists updates
that matter, a new name adds one. Every row is checked before anything is
written; a file with any bad cell saves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from bianzhi.accounts.models import User
from bianzhi.adapters.xlsx_columns import (
    Column,
    RowError,
    SheetError,
    parse_yes_no,
    read_rows,
    template_workbook,
    text,
    write_workbook,
)
from bianzhi.adapters.xlsx_limits import SheetLimits
from bianzhi.grids.models import ServiceMatter
from bianzhi.grids.services import MatterData, service_matters_save_all
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Region

YES_NO = ("是", "否")
COLUMNS: tuple[Column, ...] = (
    Column("事项名称", "name", True, "同一乡镇内不重复；已有的事项按名称更新", width=30),
    Column("事项类别", "category", False, "如 社会保障、户籍管理、不动产登记", width=14),
    Column("主管部门", "department", False, "", width=16),
    Column("办理条件", "conditions", False, "办事指南", width=30),
    Column("申请材料", "materials", False, "办事指南；多项用“、”分隔", width=30),
    Column("承诺时限（工作日）", "time_limit_days", False, "0～365的整数，空为未定", width=12),
    Column("办理地点", "location", True, "如 镇便民服务中心1号窗口", width=24),
    Column("进驻便民服务大厅", "in_hall", True, "是/否（002 §2：100%进驻）", YES_NO, width=10),
    Column("下沉村（社区）办理", "at_village", True, "是/否（003：33项高频事项下沉村（社区））", YES_NO, width=10),
)
HEADERS = {c.key: c.header for c in COLUMNS}
# A township's catalogue has tens to a few hundred matters.
LIMITS = SheetLimits(rows=5_000, columns=40, unpacked_bytes=20 * 1024 * 1024)
MAX_TEXT = {"name": 200, "category": 50, "department": 100, "location": 200}


class MatterImportRefused(ServiceError):
    """The file had errors: nothing was saved. ``errors`` names each by row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__([str(e) for e in errors])


@dataclass
class MatterImport:
    rows: list[MatterData] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def matter_template() -> bytes:
    example = ["城乡居民养老保险参保登记", "社会保障", "县人社局", "本镇户籍居民", "身份证、户口簿", 1, "镇便民服务中心1号窗口", "是", "是"]
    return template_workbook(COLUMNS, title="政务服务事项", example=example)


def matter_export(matters: list[ServiceMatter]) -> bytes:
    return write_workbook(
        "政务服务事项",
        [c.header for c in COLUMNS],
        (
            [
                m.name, m.category, m.department, m.conditions, m.materials,
                "" if m.time_limit_days is None else m.time_limit_days, m.location,
                "是" if m.in_hall else "否", "是" if m.at_village else "否",
            ]
            for m in matters
        ),
    )


def matter_import_parse(*, source: IO[bytes], filename: str) -> MatterImport:
    """Every row checked; never writes."""
    result = MatterImport()
    try:
        raw = list(read_rows(source, COLUMNS, filename=filename, limits=LIMITS))
    except SheetError as error:
        result.errors.extend(error.errors)
        return result
    if not raw:
        result.errors.append(RowError(filename, 0, "", "没有数据行"))
    seen: dict[str, int] = {}
    for number, values in raw:
        errors: list[RowError] = []

        def report(key: str, reason: str, number: int = number, errors: list[RowError] = errors) -> None:
            errors.append(RowError(filename, number, HEADERS[key], reason))

        cells = {key: text(values.get(key)) for key in ("name", "category", "department", "conditions", "materials", "location")}
        for key in ("name", "location"):
            if not cells[key]:
                report(key, "不能为空")
        for key, limit in MAX_TEXT.items():
            if len(cells[key]) > limit:
                report(key, f"不能超过{limit}个字")
        if cells["name"]:
            if cells["name"] in seen:
                report("name", f"与第{seen[cells['name']]}行重复")
            seen.setdefault(cells["name"], number)
        days: int | None = None
        raw_days = text(values.get("time_limit_days"))
        if raw_days:
            try:
                number_value = float(raw_days)
                if not number_value.is_integer() or not 0 <= number_value <= 365:
                    raise ValueError
                days = int(number_value)
            except ValueError:
                report("time_limit_days", f"“{raw_days}”应为0～365的整数")
        flags: dict[str, bool] = {}
        for key in ("in_hall", "at_village"):
            if not text(values.get(key)):
                report(key, "不能为空，请填“是”或“否”")
                continue
            try:
                flags[key] = parse_yes_no(values.get(key))
            except ValueError as problem:
                report(key, str(problem))
        if errors:
            result.errors.extend(errors)
            continue
        result.rows.append(
            MatterData(
                name=cells["name"], location=cells["location"], category=cells["category"],
                department=cells["department"], conditions=cells["conditions"], materials=cells["materials"],
                time_limit_days=days, in_hall=flags["in_hall"], at_village=flags["at_village"],
            )
        )
    return result


def matters_import(*, actor: User | None, township: Region, source: IO[bytes], filename: str) -> int:
    """Import one township's catalogue, all or nothing; returns how many
    matters were added or changed. Raises MatterImportRefused (nothing saved)."""
    parsed = matter_import_parse(source=source, filename=filename)
    if parsed.errors:
        raise MatterImportRefused(parsed.errors)
    return service_matters_save_all(actor=actor, township=township, rows=parsed.rows)
