"""The service-matter catalogue workbook (政务服务事项目录及办事指南) and the
grids-and-workers workbook (网格和网格员): templates with drop-downs, exports
and the all-or-nothing imports. The workbook itself is
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
from bianzhi.grids.models import Grid, GridWorker, ServiceMatter, Village
from bianzhi.grids.services import (
    GridImportRow,
    MatterData,
    WorkerData,
    grids_import_save,
    service_matters_save_all,
)
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


# --- grids and grid workers (网格和网格员) ------------------------------------------
#
# One row per grid worker; a grid with several workers takes several rows
# that repeat its village, name, households and "1+1+N" link (they must
# agree). The village column's drop-down lists the township's villages.

GRID_COLUMNS: tuple[Column, ...] = (
    Column("村（社区）", "village", True, "从下拉列表选择本乡镇已登记的村（社区）", width=16),
    Column("网格名称", "grid", True, "同一村（社区）内不重复；已有的网格按名称更新", width=16),
    Column("户数", "households", False, "0～1000000的整数，空为0", width=8),
    Column("联系执法人员", "enforcement_officer", False, "“1+1+N”中的1名执法人员", width=12),
    Column("村（社区）联系人", "village_contact", False, "“1+1+N”中的1名村（社区）联系人", width=12),
    Column("网格员姓名", "worker", True, "每个网格至少1名网格员；同一网格内按姓名更新", width=12),
    Column("岗位", "post", True, "定岗，如 专职网格员", width=12),
    Column("职责", "duties", True, "定责", width=30),
    Column("电话", "phone", False, "", width=14),
)
GRID_HEADERS = {c.key: c.header for c in GRID_COLUMNS}
GRID_MAX_TEXT = {
    "grid": 50, "enforcement_officer": 50, "village_contact": 50, "worker": 50, "post": 50, "duties": 255, "phone": 30,
}
# A township has tens of villages and at most a few thousand grid workers.
GRID_LIMITS = SheetLimits(rows=20_000, columns=40, unpacked_bytes=20 * 1024 * 1024)
MAX_HOUSEHOLDS = 1_000_000


class GridImportRefused(ServiceError):
    """The file had errors: nothing was saved. ``errors`` names each by row and column."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__([str(e) for e in errors])


@dataclass
class GridImport:
    rows: list[GridImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def grid_template(*, villages: list[Village]) -> bytes:
    example = [
        villages[0].name if villages else "某某村", "第一网格", 320, "张执法", "李主任", "王网格", "专职网格员",
        "入户走访、矛盾排查、信息采集", "13800000000",
    ]
    return template_workbook(
        GRID_COLUMNS, title="网格和网格员", lists={"village": [v.name for v in villages]}, example=example
    )


def grid_export(grids: list[tuple[Grid, list[GridWorker]]]) -> bytes:
    """One row per worker, in the template's columns (a round trip re-imports it)."""
    return write_workbook(
        "网格和网格员",
        [c.header for c in GRID_COLUMNS],
        (
            [
                grid.village.name, grid.name, grid.households, grid.enforcement_officer, grid.village_contact,
                worker.name, worker.post, worker.duties, worker.phone,
            ]
            for grid, workers in grids
            for worker in workers
        ),
    )


def grid_import_parse(*, source: IO[bytes], filename: str, villages: list[Village]) -> GridImport:
    """Every row checked against the township's ``villages``; never writes."""
    result = GridImport()
    try:
        raw = list(read_rows(source, GRID_COLUMNS, filename=filename, limits=GRID_LIMITS))
    except SheetError as error:
        result.errors.extend(error.errors)
        return result
    if not raw:
        result.errors.append(RowError(filename, 0, "", "没有数据行"))
    by_name = {v.name: v for v in villages}
    # (village name, grid name) -> first row, its grid values and its workers
    grids: dict[tuple[str, str], tuple[int, tuple[int, str, str], list[WorkerData]]] = {}
    workers_seen: dict[tuple[str, str, str], int] = {}
    for number, values in raw:
        errors: list[RowError] = []

        def report(key: str, reason: str, number: int = number, errors: list[RowError] = errors) -> None:
            errors.append(RowError(filename, number, GRID_HEADERS[key], reason))

        cells = {key: text(values.get(key)) for key in GRID_HEADERS if key != "households"}
        for spec in GRID_COLUMNS:
            if spec.required and not cells[spec.key]:
                report(spec.key, "不能为空")
        for name, limit in GRID_MAX_TEXT.items():
            if len(cells[name]) > limit:
                report(name, f"不能超过{limit}个字")
        if cells["village"] and cells["village"] not in by_name:
            report("village", f"“{cells['village']}”不是本乡镇已登记的村（社区），请先在页面上新增")
        households = 0
        raw_households = text(values.get("households"))
        if raw_households:
            try:
                number_value = float(raw_households)
                if not number_value.is_integer() or not 0 <= number_value <= MAX_HOUSEHOLDS:
                    raise ValueError
                households = int(number_value)
            except ValueError:
                report("households", f"“{raw_households}”应为0～{MAX_HOUSEHOLDS}的整数")
        grid_key = (cells["village"], cells["grid"])
        link = (households, cells["enforcement_officer"], cells["village_contact"])
        if grid_key in grids and not errors:
            first, first_link, _ = grids[grid_key]
            for index, column in enumerate(("households", "enforcement_officer", "village_contact")):
                if link[index] != first_link[index]:
                    report(column, f"同一网格与第{first}行不一致")
        worker_key = (*grid_key, cells["worker"])
        if cells["worker"] and worker_key in workers_seen:
            report("worker", f"同一网格内与第{workers_seen[worker_key]}行重复")
        workers_seen.setdefault(worker_key, number)
        if errors:
            result.errors.extend(errors)
            continue
        entry = grids.setdefault(grid_key, (number, link, []))
        entry[2].append(
            WorkerData(name=cells["worker"], post=cells["post"], duties=cells["duties"], phone=cells["phone"])
        )
    if not result.errors:
        result.rows = [
            GridImportRow(
                village=by_name[village], name=grid, households=link[0], enforcement_officer=link[1],
                village_contact=link[2], workers=tuple(workers),
            )
            for (village, grid), (_, link, workers) in grids.items()
        ]
    return result


def grids_import(*, actor: User | None, township: Region, source: IO[bytes], filename: str) -> tuple[int, int]:
    """Import one township's grids and grid workers, all or nothing; returns
    (grids added or changed, workers added or changed). Raises
    GridImportRefused (nothing saved). The caller checks the permission
    before the upload is read (``services.require_edit``)."""
    villages = list(Village.objects.filter(township=township).order_by("name"))
    parsed = grid_import_parse(source=source, filename=filename, villages=villages)
    if parsed.errors:
        raise GridImportRefused(parsed.errors)
    return grids_import_save(actor=actor, township=township, rows=parsed.rows)
