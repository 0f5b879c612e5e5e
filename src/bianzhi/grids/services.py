"""Writes of the grids app: one keyword-only, atomic, audited function per
use case. ``actor`` None is the command line or the demo (no scope check);
a user may write only inside their edit scope (a township user: its own
township), else ``PermissionDenied``.

The rule "every grid has at least one grid worker" (002 §6、§7) is enforced
here: a grid is created with its first worker, and a grid's last worker
cannot be removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from bianzhi.accounts.models import User
from bianzhi.accounts.scope import Scope, acts_for_township
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many, object_type_of
from bianzhi.core.grids import GRID_WORKER
from bianzhi.grids.models import (
    Grid,
    GridTask,
    GridTaskKind,
    GridWorker,
    ServiceMatter,
    ServicePoint,
    Village,
    VillageKind,
)
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Level, Region


class GridError(ServiceError):
    """A refused write; the message is Chinese and meant for the user."""


def may_edit(scope: Scope, region: Region) -> bool:
    """The 乡镇用户 of a township keeps its own registers; an 编办管理员 over
    the region may edit them too (and the county's grid-task list)."""
    return acts_for_township(scope, region)


def require_edit(actor: User | None, region: Region) -> None:
    """PermissionDenied (403) unless ``actor`` (None: system) may edit ``region``'s registers."""
    if actor is not None and not may_edit(Scope.for_user(actor), region):
        raise PermissionDenied("无权修改该区划的数据")


_require_edit = require_edit


def _township(region: Region) -> None:
    if region.level != Level.TOWNSHIP:
        raise GridError("请选择乡镇（街道）")


def _required(value: str, label: str) -> str:
    value = value.strip()
    if not value:
        raise GridError(f"请填写{label}")
    return value


# --- villages and service points ---------------------------------------------


@transaction.atomic
def village_create(*, actor: User | None, township: Region, name: str, kind: str = VillageKind.VILLAGE) -> Village:
    _require_edit(actor, township)
    _township(township)
    name = _required(name, "村（社区）名称")
    VillageKind(kind)
    if Village.objects.filter(township=township, name=name).exists():
        raise GridError(f"{township.name}已有“{name}”")
    village = Village.objects.create(township=township, name=name, kind=kind)
    audit_record(
        actor=actor, action="create", obj=village, region_code=township.code,
        after={"名称": name, "类别": village.get_kind_display()},
    )
    return village


@transaction.atomic
def service_point_set(
    *, actor: User | None, village: Village, name: str, address: str = "", phone: str = "", online: bool = False
) -> ServicePoint:
    """Create or update the village's service point (村级便民服务点)."""
    _require_edit(actor, village.township)
    values = {"name": _required(name, "服务点名称"), "address": address.strip(), "phone": phone.strip(), "online": online}
    point = ServicePoint.objects.select_for_update().filter(village=village).first()
    before = None if point is None else _point_dict(point)
    if point is None:
        point = ServicePoint.objects.create(village=village, **values)
    else:
        for field, value in values.items():
            setattr(point, field, value)
        point.save()
    audit_record(
        actor=actor, action="create" if before is None else "update", obj=point,
        object_label=f"{village.name} {point.name}", region_code=village.township.code,
        before=before, after=_point_dict(point),
    )
    return point


def _point_dict(point: ServicePoint) -> dict[str, Any]:
    return {"名称": point.name, "地址": point.address, "电话": point.phone, "网上服务站点": point.online}


# --- grids and workers -------------------------------------------------------


@dataclass(frozen=True)
class WorkerData:
    name: str
    post: str
    duties: str
    phone: str = ""


def _worker_values(worker: WorkerData) -> dict[str, str]:
    return {
        "name": _required(worker.name, "网格员姓名"),
        "post": _required(worker.post, "网格员岗位（定岗）"),
        "duties": _required(worker.duties, "网格员职责（定责）"),
        "phone": worker.phone.strip(),
    }


@transaction.atomic
def grid_create(
    *,
    actor: User | None,
    village: Village,
    name: str,
    worker: WorkerData,
    households: int = 0,
    enforcement_officer: str = "",
    village_contact: str = "",
) -> Grid:
    """A grid of a village with its first grid worker: a grid is never
    without one (002 §6、§7)."""
    _require_edit(actor, village.township)
    name = _required(name, "网格名称")
    if households < 0:
        raise GridError("户数不能为负数")
    if Grid.objects.filter(village=village, name=name).exists():
        raise GridError(f"{village.name}已有“{name}”")
    values = _worker_values(worker)
    grid = Grid.objects.create(
        village=village, name=name, households=households,
        enforcement_officer=enforcement_officer.strip(), village_contact=village_contact.strip(),
    )
    first = GridWorker.objects.create(grid=grid, **values)
    audit_record(
        actor=actor, action="create", obj=grid, object_label=f"{village.name} {name}",
        region_code=village.township.code,
        after={"户数": households, "联系执法人员": grid.enforcement_officer, "村（社区）联系人": grid.village_contact},
    )
    _audit_worker(actor, first, "create")
    return grid


@transaction.atomic
def grid_link_set(*, actor: User | None, grid: Grid, enforcement_officer: str, village_contact: str, households: int) -> Grid:
    """The grid's "1+1+N" link (004 §二(五)) and its households."""
    township = grid.village.township
    _require_edit(actor, township)
    if households < 0:
        raise GridError("户数不能为负数")
    before = {"户数": grid.households, "联系执法人员": grid.enforcement_officer, "村（社区）联系人": grid.village_contact}
    grid.enforcement_officer = enforcement_officer.strip()
    grid.village_contact = village_contact.strip()
    grid.households = households
    grid.save()
    audit_record(
        actor=actor, action="update", obj=grid, object_label=f"{grid.village.name} {grid.name}",
        region_code=township.code, before=before,
        after={"户数": grid.households, "联系执法人员": grid.enforcement_officer, "村（社区）联系人": grid.village_contact},
    )
    return grid


def _audit_worker(actor: User | None, worker: GridWorker, action: str) -> None:
    data = {"姓名": worker.name, "岗位": worker.post, "职责": worker.duties, "电话": worker.phone}
    audit_record(
        actor=actor, action=action, obj=worker, object_label=f"{worker.grid.name} {worker.name}",
        region_code=worker.grid.village.township.code,
        before=data if action == "delete" else None, after=None if action == "delete" else data,
    )


@transaction.atomic
def grid_worker_add(*, actor: User | None, grid: Grid, worker: WorkerData) -> GridWorker:
    _require_edit(actor, grid.village.township)
    added = GridWorker.objects.create(grid=grid, **_worker_values(worker))
    _audit_worker(actor, added, "create")
    return added


@transaction.atomic
def grid_worker_remove(*, actor: User | None, worker: GridWorker) -> None:
    """Remove a grid worker; refused for the grid's last one (the grid would
    have nobody: 002 §6、§7)."""
    grid = Grid.objects.select_for_update().get(pk=worker.grid_id)
    _require_edit(actor, grid.village.township)
    if GridWorker.objects.filter(grid=grid).count() <= 1:
        raise GridError(
            f"不能移除{grid.name}的最后一名网格员：每个网格至少有1名网格员（依据：{GRID_WORKER.source}）"
        )
    _audit_worker(actor, worker, "delete")
    worker.delete()


@dataclass(frozen=True)
class GridImportRow:
    """One grid of an import with its workers (rows of the file grouped by
    village and grid name; the caller has validated every cell)."""

    village: Village
    name: str
    households: int
    enforcement_officer: str
    village_contact: str
    workers: tuple[WorkerData, ...]


def _grid_dict(grid: Grid) -> dict[str, Any]:
    return {"户数": grid.households, "联系执法人员": grid.enforcement_officer, "村（社区）联系人": grid.village_contact}


def _worker_dict(worker: GridWorker) -> dict[str, Any]:
    return {"姓名": worker.name, "岗位": worker.post, "职责": worker.duties, "电话": worker.phone}


@transaction.atomic
def grids_import_save(*, actor: User | None, township: Region, rows: Sequence[GridImportRow]) -> tuple[int, int]:
    """An import's grids, all or nothing: a new grid is created with its
    workers (never without one, 002 §6、§7), a known one (same village and
    name) takes the file's households and "1+1+N" link; a worker is matched
    by name within its grid (updated) or added. Nobody is removed by an
    import. Returns (grids added or changed, workers added or changed)."""
    _require_edit(actor, township)
    _township(township)
    grid_entries: list[AuditEntry] = []
    worker_entries: list[AuditEntry] = []
    for row in rows:
        if row.village.township_id != township.pk:
            raise GridError(f"“{row.village.name}”不是{township.name}的村（社区）")
        if not row.workers:
            raise GridError(f"{row.village.name}{row.name}没有网格员（依据：{GRID_WORKER.source}）")
        values = {
            "households": row.households,
            "enforcement_officer": row.enforcement_officer.strip(),
            "village_contact": row.village_contact.strip(),
        }
        grid = Grid.objects.select_for_update().filter(village=row.village, name=row.name).first()
        before = None if grid is None else _grid_dict(grid)
        if grid is None:
            grid = Grid.objects.create(village=row.village, name=_required(row.name, "网格名称"), **values)
        else:
            for field, value in values.items():
                setattr(grid, field, value)
            grid.save()
        if before != _grid_dict(grid):
            grid_entries.append(
                AuditEntry(
                    object_type=object_type_of(Grid), object_id=str(grid.pk),
                    object_label=f"{row.village.name} {grid.name}", region_code=township.code,
                    before=before, after=_grid_dict(grid),
                )
            )
        known = {w.name: w for w in GridWorker.objects.filter(grid=grid)}
        for data in row.workers:
            worker_values = _worker_values(data)
            worker = known.get(worker_values["name"])
            worker_before = None if worker is None else _worker_dict(worker)
            if worker is None:
                worker = GridWorker.objects.create(grid=grid, **worker_values)
            else:
                for field, value in worker_values.items():
                    setattr(worker, field, value)
                worker.save()
            if worker_before != _worker_dict(worker):
                worker_entries.append(
                    AuditEntry(
                        object_type=object_type_of(GridWorker), object_id=str(worker.pk),
                        object_label=f"{grid.name} {worker.name}", region_code=township.code,
                        before=worker_before, after=_worker_dict(worker),
                    )
                )
    audit_record_many(actor=actor, action="import", entries=grid_entries + worker_entries)
    return len(grid_entries), len(worker_entries)


# --- the departments' grid tasks and matters list ----------------------------


@transaction.atomic
def grid_task_create(
    *, actor: User | None, county: Region, department: str, kind: str, name: str, description: str = ""
) -> GridTask:
    """One line of a county department's 网格监管任务和事项清单 (002 §7)."""
    _require_edit(actor, county)
    if county.level != Level.COUNTY:
        raise GridError("网格监管任务和事项清单由县级部门制定")
    GridTaskKind(kind)
    department, name = _required(department, "责任部门"), _required(name, "任务或事项")
    if GridTask.objects.filter(county=county, department=department, name=name).exists():
        raise GridError(f"{department}已有“{name}”")
    task = GridTask.objects.create(
        county=county, department=department, kind=kind, name=name, description=description.strip()
    )
    audit_record(
        actor=actor, action="create", obj=task, region_code=county.code,
        after={"责任部门": department, "类别": task.get_kind_display(), "任务或事项": name, "要求": task.description},
    )
    return task


# --- service matters ---------------------------------------------------------

MATTER_FIELDS: dict[str, str] = {
    "category": "事项类别",
    "department": "主管部门",
    "conditions": "办理条件",
    "materials": "申请材料",
    "time_limit_days": "承诺时限（工作日）",
    "location": "办理地点",
    "in_hall": "进驻便民服务大厅",
    "at_village": "下沉村（社区）办理",
}


@dataclass(frozen=True)
class MatterData:
    """One service matter with its 办事指南 (002 §2)."""

    name: str
    location: str
    category: str = ""
    department: str = ""
    conditions: str = ""
    materials: str = ""
    time_limit_days: int | None = None
    in_hall: bool = True
    at_village: bool = False

    def values(self) -> dict[str, Any]:
        if self.time_limit_days is not None and not 0 <= self.time_limit_days <= 365:
            raise GridError("承诺时限应为0～365个工作日")
        return {
            "category": self.category.strip(),
            "department": self.department.strip(),
            "conditions": self.conditions.strip(),
            "materials": self.materials.strip(),
            "time_limit_days": self.time_limit_days,
            "location": _required(self.location, "办理地点"),
            "in_hall": self.in_hall,
            "at_village": self.at_village,
        }


def _matter_dict(matter: ServiceMatter) -> dict[str, Any]:
    return {label: getattr(matter, field) for field, label in MATTER_FIELDS.items()}


def _matter_write(township: Region, data: MatterData) -> tuple[ServiceMatter, AuditEntry | None]:
    name = _required(data.name, "事项名称")
    values = data.values()
    matter = ServiceMatter.objects.select_for_update().filter(township=township, name=name).first()
    before = None if matter is None else _matter_dict(matter)
    if matter is None:
        matter = ServiceMatter.objects.create(township=township, name=name, **values)
    else:
        for field, value in values.items():
            setattr(matter, field, value)
        if _matter_dict(matter) == before:
            return matter, None
        matter.save()
    return matter, AuditEntry(
        object_type=object_type_of(ServiceMatter),
        object_id=str(matter.pk),
        object_label=f"{township.name} {name}",
        region_code=township.code,
        before=before,
        after=_matter_dict(matter),
    )


@transaction.atomic
def service_matter_save(*, actor: User | None, township: Region, data: MatterData) -> ServiceMatter:
    """Add a matter to the township's catalogue, or update the one of that name."""
    _require_edit(actor, township)
    _township(township)
    matter, entry = _matter_write(township, data)
    if entry is not None:
        audit_record_many(actor=actor, action="create" if entry.before is None else "update", entries=[entry])
    return matter


@transaction.atomic
def service_matters_save_all(*, actor: User | None, township: Region, rows: Sequence[MatterData]) -> int:
    """An import's rows, all or nothing (the caller has validated them):
    new names are added, known ones updated. Returns how many changed."""
    _require_edit(actor, township)
    _township(township)
    entries = [entry for _, entry in (_matter_write(township, row) for row in rows) if entry is not None]
    audit_record_many(actor=actor, action="import", entries=entries)
    return len(entries)


@transaction.atomic
def service_matter_delete(*, actor: User | None, matter: ServiceMatter) -> None:
    _require_edit(actor, matter.township)
    audit_record(
        actor=actor, action="delete", obj=matter, object_label=f"{matter.township.name} {matter.name}",
        region_code=matter.township.code, before=_matter_dict(matter),
    )
    matter.delete()
