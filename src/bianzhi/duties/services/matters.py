"""Writes of the territorial-matters list (属地事项): the county's approved
edition, and change requests through review and approval."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bianzhi.accounts.models import Role
from bianzhi.adapters.xlsx_duties import MatterRow
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many
from bianzhi.duties.models import (
    MatterChange,
    MatterChangeKind,
    MatterChangeStatus,
    Responsibility,
    TerritorialMatter,
)
from bianzhi.duties.services.common import (
    DutyError,
    _entry,
    _require,
    _require_approve,
    _require_edit,
    _require_level,
    _scope,
    _user,
)
from bianzhi.kernel import clock
from bianzhi.kernel.errors import require_document_number
from bianzhi.regions.models import Level, Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

_MATTER_FIELDS = ("domain", "name", "township_role", "department", "department_role", "basis")


def _matter_values(row: MatterRow | Mapping[str, Any]) -> dict[str, str]:
    get = row.get if isinstance(row, Mapping) else lambda k, d="": getattr(row, k, d)
    return {f: str(get(f, "") or "").strip() for f in _MATTER_FIELDS}


def _check_matter(values: Mapping[str, str]) -> None:
    missing = [label for f, label in (("domain", "领域"), ("name", "事项名称"), ("department", "县级部门")) if not values.get(f)]
    if missing:
        raise DutyError(f"请填写{'、'.join(missing)}")
    for f in ("township_role", "department_role"):
        if values.get(f) not in Responsibility.values:
            raise DutyError("乡镇责任和县级部门责任应为“主体责任”或“配合责任”")
    if values["township_role"] == values["department_role"] == Responsibility.SUPPORTING:
        raise DutyError("乡镇和县级部门不能都只承担配合责任，须明确主体责任")


@dataclass(frozen=True)
class MattersImportResult:
    created: int
    updated: int
    withdrawn: int


@transaction.atomic
def matters_import(
    *, actor: User | None, county: Region, rows: Sequence[MatterRow], document_number: str
) -> MattersImportResult:
    """Load an approved edition of the county's territorial-matters list.

    The import *is* an approval (001 §(一)4: the list is set by the county
    with a document), so it needs a 审核人 and the 文号 of that edition. Items
    are matched by 序号; items missing from the edition are withdrawn.
    Individual changes afterwards go through ``matter_change_request``.
    """
    _require_approve(actor, county)
    _require_level(county, Level.COUNTY, "县级区划")
    document_number = require_document_number(document_number, DutyError)
    existing = {m.code: m for m in TerritorialMatter.objects.filter(county=county)}
    entries: list[AuditEntry] = []
    created = updated = 0
    seen = set()
    for row in rows:
        values = _matter_values(row)
        _check_matter(values)
        seen.add(row.code)
        matter = existing.get(row.code)
        if matter is None:
            matter = TerritorialMatter.objects.create(
                county=county, code=row.code, document_number=document_number, **values
            )
            created += 1
            entries.append(_entry(matter, county, None, values))
            continue
        before = {f: getattr(matter, f) for f in _MATTER_FIELDS} | {"active": matter.active}
        if before != values | {"active": True}:
            for key, value in values.items():
                setattr(matter, key, value)
            matter.active = True
            matter.document_number = document_number
            matter.save()
            updated += 1
            entries.append(_entry(matter, county, before, values))
    withdrawn = [m for code, m in existing.items() if code not in seen and m.active]
    for matter in withdrawn:
        matter.active = False
        matter.document_number = document_number
        matter.save(update_fields=["active", "document_number"])
        entries.append(_entry(matter, county, {"active": True}, {"active": False}))
    audit_record_many(actor=actor, action="import", entries=entries, reason=document_number)
    return MattersImportResult(created=created, updated=updated, withdrawn=len(withdrawn))


@transaction.atomic
def matter_change_request(
    *,
    actor: User | None,
    county: Region,
    kind: str,
    reason: str,
    matter: TerritorialMatter | None = None,
    proposed: Mapping[str, Any] | None = None,
) -> MatterChange:
    """A written request by a county department, a township or the office to
    add, modify or remove a territorial matter (001 §(一)4)."""
    scope = _scope(actor)
    if scope is not None:
        may = scope.is_superuser or (
            scope.can_view(county)
            and bool(scope.roles & {Role.OFFICER, Role.DEPARTMENT})
        ) or (Role.TOWNSHIP in scope.roles and scope.region is not None and scope.region.county_code == county.code)
        _require(may, "只有本县部门、乡镇和编办可以申请调整属地事项")
    kind = MatterChangeKind(kind).value
    if not reason.strip():
        raise DutyError("请填写申请理由")
    if kind != MatterChangeKind.ADD and (matter is None or matter.county_id != county.pk or not matter.active):
        raise DutyError("请选择要调整的现有事项")
    values: dict[str, Any] = {}
    if kind != MatterChangeKind.REMOVE:
        values = _matter_values(proposed or {})
        _check_matter(values)
    if MatterChange.objects.filter(
        matter=matter, status__in=[MatterChangeStatus.SUBMITTED, MatterChangeStatus.REVIEWED]
    ).exclude(matter=None).exists():
        raise DutyError("该事项已有未办结的调整申请")
    change = MatterChange.objects.create(
        county=county,
        kind=kind,
        matter=matter if kind != MatterChangeKind.ADD else None,
        proposed=values,
        reason=reason.strip(),
        requested_by=_user(actor),
        requested_by_name=_requester_name(actor),
    )
    audit_record(
        actor=actor,
        action="create",
        obj=change,
        region_code=county.code,
        after={"调整类型": change.get_kind_display(), **values, "理由": change.reason},
    )
    return change


def _requester_name(actor: User | None) -> str:
    if actor is None:
        return "系统"
    if actor.department is not None:
        return str(actor.department.name)
    if actor.region is not None:
        return str(actor.region.name)
    return str(actor.get_username())


@transaction.atomic
def matter_change_review(*, actor: User | None, change: MatterChange, passes: bool, note: str) -> MatterChange:
    """The office's review (审核把关): passes on to approval or ends the request."""
    _require_edit(actor, change.county)
    change = MatterChange.objects.select_for_update().get(pk=change.pk)
    if change.status != MatterChangeStatus.SUBMITTED:
        raise DutyError("该申请不在待审核状态")
    if not passes and not note.strip():
        raise DutyError("审核不通过请写明理由")
    change.status = MatterChangeStatus.REVIEWED if passes else MatterChangeStatus.REJECTED
    change.review_note = note.strip()
    change.reviewed_by = _user(actor)
    change.reviewed_at = clock.now()
    change.save()
    audit_record(
        actor=actor,
        action="update",
        obj=change,
        region_code=change.county.code,
        after={"状态": change.get_status_display(), "审核意见": change.review_note},
    )
    return change


@transaction.atomic
def matter_change_decide(
    *, actor: User | None, change: MatterChange, approve: bool, document_number: str = "", note: str = ""
) -> MatterChange:
    """The county's approval (with 文号) applies the change to the list."""
    _require_approve(actor, change.county)
    change = MatterChange.objects.select_for_update().get(pk=change.pk)
    if change.status != MatterChangeStatus.REVIEWED:
        raise DutyError("该申请尚未通过审核，不能批准")
    if approve:
        change.document_number = require_document_number(document_number, DutyError)
        _apply_matter_change(actor, change)
        change.status = MatterChangeStatus.APPROVED
    else:
        if not note.strip():
            raise DutyError("不予批准请写明理由")
        change.status = MatterChangeStatus.REJECTED
    if note.strip():
        change.review_note = (change.review_note + "\n批准意见：" + note.strip()).strip()
    change.decided_by = _user(actor)
    change.decided_at = clock.now()
    change.save()
    audit_record(
        actor=actor,
        action="approve",
        obj=change,
        region_code=change.county.code,
        after={"状态": change.get_status_display()},
        reason=change.document_number,
    )
    return change


def _apply_matter_change(actor: User | None, change: MatterChange) -> None:
    county = change.county
    if change.kind == MatterChangeKind.ADD:
        taken = set(TerritorialMatter.objects.filter(county=county).values_list("code", flat=True))
        number = len(taken) + 1
        while str(number) in taken:
            number += 1
        matter = TerritorialMatter.objects.create(
            county=county, code=str(number), document_number=change.document_number, **change.proposed
        )
        change.matter = matter
        audit_record(actor=actor, action="create", obj=matter, region_code=county.code, after=change.proposed, reason=change.document_number)
        return
    assert change.matter is not None
    matter = TerritorialMatter.objects.select_for_update().get(pk=change.matter.pk)
    before = {f: getattr(matter, f) for f in _MATTER_FIELDS} | {"active": matter.active}
    if change.kind == MatterChangeKind.REMOVE:
        matter.active = False
    else:
        for key, value in change.proposed.items():
            setattr(matter, key, value)
    matter.document_number = change.document_number
    matter.save()
    audit_record(
        actor=actor,
        action="update",
        obj=matter,
        region_code=county.code,
        before=before,
        after={f: getattr(matter, f) for f in _MATTER_FIELDS} | {"active": matter.active},
        reason=change.document_number,
    )
