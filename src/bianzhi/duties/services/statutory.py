"""Writes of the statutory items (法定事项) of a county's townships: add or
update one, retire one, import the whole list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bianzhi.adapters.xlsx_duties import StatutoryRow
from bianzhi.audit.services import audit_record, audit_record_many
from bianzhi.duties.models import StatutoryItem
from bianzhi.duties.services.common import DutyError, _require_edit, _require_level, _sync_by_code
from bianzhi.regions.models import Level, Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

_STATUTORY_FIELDS = ("name", "power_type", "legal_basis")


def _statutory_values(*, name: str, power_type: str, legal_basis: str) -> dict[str, Any]:
    from bianzhi.core.duties import POWER_TYPES

    if power_type not in POWER_TYPES:
        raise DutyError(f"权力类型“{power_type}”无效，应为：{'、'.join(POWER_TYPES)}")
    if not name.strip():
        raise DutyError("请填写事项名称")
    return {"name": name.strip(), "power_type": power_type, "legal_basis": legal_basis.strip()}


def _statutory_state(item: StatutoryItem) -> dict[str, Any]:
    return {f: getattr(item, f) for f in _STATUTORY_FIELDS} | {"active": item.active}


@transaction.atomic
def statutory_item_set(
    *,
    actor: User | None,
    county: Region,
    code: str,
    name: str,
    power_type: str,
    legal_basis: str = "",
    reason: str = "",
    create_only: bool = False,
) -> StatutoryItem:
    """Add or update one statutory power of the county's townships (by code).

    Setting the code of a retired item restores it (``active=True``). No-op,
    and no audit record, when nothing changes. ``reason`` (a reason or 文号)
    goes to the audit record. ``create_only`` (the add form) refuses a code
    already in use rather than overwrite that item.
    """
    _require_edit(actor, county)
    _require_level(county, Level.COUNTY, "县级区划")
    code = code.strip()
    if not code:
        raise DutyError("请填写事项编码")
    values = _statutory_values(name=name, power_type=power_type, legal_basis=legal_basis)
    item = StatutoryItem.objects.select_for_update().filter(county=county, code=code).first()
    if item is not None and create_only:
        state = "" if item.active else "（已取消，可在该事项页面恢复）"
        raise DutyError(f"事项编码“{code}”已被“{item.name}”使用{state}")
    after = values | {"active": True}
    if item is None:
        item = StatutoryItem.objects.create(county=county, code=code, **values)
        before = None
    else:
        before = _statutory_state(item)
        if before == after:
            return item
        for key, value in after.items():
            setattr(item, key, value)
        item.save()
    audit_record(
        actor=actor,
        action="create" if before is None else "update",
        obj=item,
        region_code=county.code,
        before=before,
        after=after,
        reason=reason.strip(),
    )
    return item


@transaction.atomic
def statutory_item_retire(*, actor: User | None, item: StatutoryItem, reason: str) -> StatutoryItem:
    """Retire (取消) a statutory item: it leaves every township's list but is
    kept, with its history; ``reason`` (a reason or 文号) is required."""
    _require_edit(actor, item.county)
    if not reason.strip():
        raise DutyError("取消法定事项请写明理由或文号")
    item = StatutoryItem.objects.select_for_update().get(pk=item.pk)
    if not item.active:
        raise DutyError("该法定事项已取消")
    item.active = False
    item.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="update",
        obj=item,
        region_code=item.county.code,
        before={"active": True},
        after={"active": False},
        reason=reason.strip(),
    )
    return item


@dataclass(frozen=True)
class StatutoryImportResult:
    created: int
    updated: int
    retired: int


@transaction.atomic
def statutory_import(
    *, actor: User | None, county: Region, rows: Sequence[StatutoryRow], document_number: str = ""
) -> StatutoryImportResult:
    """Replace the county's statutory items with ``rows`` (all or nothing), as
    ``catalogue_import`` does: matched by code, new codes added, known codes
    updated (a retired one restored), active codes missing from the file
    retired. One audit record per changed item, reason = the 文号 (or
    “Excel 导入” without one)."""
    _require_edit(actor, county)
    _require_level(county, Level.COUNTY, "县级区划")
    sync = _sync_by_code(
        county=county,
        existing={
            item.code: item
            for item in StatutoryItem.objects.select_for_update().filter(county=county)
        },
        rows=[
            (
                row.code,
                _statutory_values(
                    name=row.name, power_type=row.power_type, legal_basis=row.legal_basis
                ),
            )
            for row in rows
        ],
        create=lambda code, values: StatutoryItem.objects.create(county=county, code=code, **values),
    )
    audit_record_many(
        actor=actor, action="import", entries=sync.entries, reason=document_number.strip() or "Excel 导入"
    )
    return StatutoryImportResult(created=sync.created, updated=sync.updated, retired=sync.retired)
