"""What the duties use cases share: the refusal type (a ServiceError), who may act for a
township or a department, permission checks, and the sync of a coded list
(used by the catalogue and the statutory-items imports)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

from bianzhi.accounts.models import Department, Role
from bianzhi.accounts.scope import Scope
from bianzhi.audit.services import AuditEntry, object_type_of
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


class DutyError(ServiceError):
    """A refused write; the message is Chinese and meant for the user."""


def _today(today: date | None) -> date:
    return today or clock.today()


def _scope(actor: User | None) -> Scope | None:
    """None for the system (command line, demo): every check passes."""
    return None if actor is None else Scope.for_user(actor)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_edit(actor: User | None, region: Region) -> None:
    scope = _scope(actor)
    _require(scope is None or scope.can_edit(region), "无权修改该区划的数据")


def _require_approve(actor: User | None, region: Region) -> None:
    scope = _scope(actor)
    _require(scope is None or scope.can_approve(region), "只有本县审核人可以审定")


def _require_level(region: Region, level: str, what: str) -> None:
    if region.level != level:
        raise DutyError(f"“{region.name}”不是{what}")


def acts_for_department(scope: Scope | None, department: Department) -> bool:
    """A 部门用户 of ``department`` or an officer of its county (entering on its behalf)."""
    if scope is None or scope.is_superuser:
        return True
    own = Role.DEPARTMENT in scope.roles and scope.department_id == department.pk
    return own or scope.can_edit(department.county)


def _user(actor: User | None) -> Any:
    """The user to record as proposer, decider etc.: None for the system."""
    return actor if getattr(actor, "is_authenticated", False) else None


@dataclass(frozen=True)
class _Sync:
    entries: list[AuditEntry]
    created: int
    updated: int
    retired: int


def _sync_by_code(
    *,
    county: Region,
    existing: Mapping[str, Any],
    rows: Sequence[tuple[str, dict[str, Any]]],
    create: Callable[[str, dict[str, Any]], Any],
) -> _Sync:
    """Make a county's coded items match a file that is the whole list: new
    codes are created, changed items updated (a retired one restored), active
    items whose code the file leaves out retired. Returns one audit entry per
    item changed; unchanged items give none."""
    entries: list[AuditEntry] = []
    created = updated = 0
    seen: set[str] = set()
    for code, values in rows:
        seen.add(code)
        item = existing.get(code)
        if item is None:
            item = create(code, values)
            created += 1
            entries.append(_entry(item, county, None, {"code": code, **values}))
            continue
        before = {f: getattr(item, f) for f in values} | {"active": item.active}
        after = values | {"active": True}
        if before != after:
            for key, value in after.items():
                setattr(item, key, value)
            item.save()
            updated += 1
            entries.append(_entry(item, county, before, after))
    retired = [item for code, item in existing.items() if code not in seen and item.active]
    for item in retired:
        item.active = False
        item.save(update_fields=["active"])
        entries.append(_entry(item, county, {"active": True}, {"active": False}))
    return _Sync(entries, created, updated, len(retired))


def _entry(
    obj: Any, county: Region, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> AuditEntry:
    return AuditEntry(
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_label=str(obj),
        region_code=county.code,
        before=before,
        after=after,
    )
