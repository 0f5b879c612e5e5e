"""Writes of the duties app: catalogue and take-up, statutory items, the
territorial-matters list and duty access.

Every function is one use case: keyword-only, atomic, audited. ``actor`` is
the acting user; the function checks that user's permission itself (None is
the command line or the demo, which may do everything), so views, the API and
the CLI cannot forget it. Refusals raise ``DutyError`` (Chinese message) or
Django's ``PermissionDenied``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bianzhi.accounts.models import Department, Role
from bianzhi.accounts.scope import Scope
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many, object_type_of
from bianzhi.core.duties import (
    FORBIDDEN_DEMANDS,
    AccessRequestFacts,
    AccessStatus,
    CatalogueEntry,
    Demand,
    ListKind,
    TakeUpChoice,
    TakeUpError,
    submission_problems,
    take_up_resolve,
)
from bianzhi.duties.models import (
    CatalogueItem,
    DelegationCatalogue,
    DutyAccessRequest,
    MatterChange,
    MatterChangeKind,
    MatterChangeStatus,
    Responsibility,
    RoundStatus,
    StatutoryItem,
    TakeUp,
    TakeUpChange,
    TakeUpRound,
    TerritorialMatter,
    TownshipOpinion,
)
from bianzhi.duties.selectors import catalogue_list_model, township_class_of
from bianzhi.duties.spreadsheets import CatalogueFile, MatterRow, StatutoryRow
from bianzhi.regions.models import Level, Region
from bianzhi.tasks.models import NotificationKind
from bianzhi.tasks.services import notify_role, notify_users


class DutyError(ValueError):
    """A refused write; the message is Chinese and meant for the user."""


class DutyAccessBlocked(DutyError):
    """Submission refused: ``reasons`` lists each forbidden demand or gap."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("；".join(reasons))
        self.reasons = list(reasons)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _scope(actor: Any) -> Scope | None:
    """None for the system (command line, demo): every check passes."""
    return None if actor is None else Scope.for_user(actor)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_edit(actor: Any, region: Region) -> None:
    scope = _scope(actor)
    _require(scope is None or scope.can_edit(region), "无权修改该区划的数据")


def _require_approve(actor: Any, region: Region) -> None:
    scope = _scope(actor)
    _require(scope is None or scope.can_approve(region), "只有本县审核人可以审定")


def _require_document(document_number: str) -> str:
    text = (document_number or "").strip()
    if not text:
        raise DutyError("请填写批准文件的文号")
    return text


def _require_level(region: Region, level: str, what: str) -> None:
    if region.level != level:
        raise DutyError(f"“{region.name}”不是{what}")


def acts_for_township(scope: Scope | None, township: Region) -> bool:
    """The 乡镇用户 of ``township`` or an officer over it (recording a written
    opinion received on paper)."""
    if scope is None or scope.is_superuser:
        return True
    own = Role.TOWNSHIP in scope.roles and scope.region is not None and scope.region.pk == township.pk
    return own or scope.can_edit(township)


def acts_for_department(scope: Scope | None, department: Department) -> bool:
    """A 部门用户 of ``department`` or an officer of its county (entering on its behalf)."""
    if scope is None or scope.is_superuser:
        return True
    own = Role.DEPARTMENT in scope.roles and scope.department_id == department.pk
    return own or scope.can_edit(department.county)


# --- catalogue and take-up -------------------------------------------------------


@dataclass(frozen=True)
class CatalogueImportResult:
    created: int
    updated: int
    withdrawn: int


@transaction.atomic
def catalogue_import(
    *,
    actor: Any,
    county: Region,
    data: CatalogueFile,
    title: str = "",
    document_number: str = "",
) -> CatalogueImportResult:
    """Replace the county's catalogue with the rows of ``data`` (all or nothing).

    Items are matched by code: new codes are added, known codes updated, codes
    missing from the file withdrawn (``active=False``; take-up history stays).
    A 特色清单 sheet replaces the featured-list classes; classes must be the
    county's own.
    """
    _require_edit(actor, county)
    _require_level(county, Level.COUNTY, "县级区划")
    classes = _county_classes(county)
    if data.featured_classes is not None:
        unknown = sorted(
            {c for cs in data.featured_classes.values() for c in cs if c not in classes}
        )
        if unknown:
            raise DutyError(
                f"特色清单的适用乡镇类别“{'、'.join(unknown)}”不是本县的乡镇类别（{'、'.join(classes)}）"
            )
    catalogue, created_catalogue = DelegationCatalogue.objects.get_or_create(
        county=county,
        defaults={
            "title": title or f"{county.name}下放乡镇行政权力事项“1+4”清单",
            "featured_classes": _default_featured(classes),
        },
    )
    if title:
        catalogue.title = title
    if document_number:
        catalogue.document_number = document_number.strip()
    if data.featured_classes is not None:
        catalogue.featured_classes = {**catalogue.featured_classes, **data.featured_classes}
    catalogue.save()
    sync = _sync_by_code(
        county=county,
        existing={item.code: item for item in catalogue.items.all()},
        rows=[
            (
                row.code,
                {
                    "name": row.name,
                    "power_type": row.power_type,
                    "legal_basis": row.legal_basis,
                    "delegating_department": row.delegating_department,
                    "list_kind": row.list_kind.value,
                },
            )
            for row in data.rows
        ],
        create=lambda code, values: CatalogueItem.objects.create(
            catalogue=catalogue, code=code, **values
        ),
    )
    audit_record_many(actor=actor, action="import", entries=sync.entries, reason=catalogue.document_number)
    audit_record(
        actor=actor,
        action="create" if created_catalogue else "import",
        obj=catalogue,
        region_code=county.code,
        after={"新增": sync.created, "修改": sync.updated, "撤销": sync.retired},
        reason=catalogue.document_number,
    )
    return CatalogueImportResult(created=sync.created, updated=sync.updated, withdrawn=sync.retired)


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


def _county_classes(county: Region) -> tuple[str, ...]:
    from bianzhi.townships.selectors import county_classes

    return tuple(county_classes(county=county))


def _default_featured(classes: Sequence[str]) -> dict[str, list[str]]:
    from bianzhi.core.duties import DEFAULT_FEATURED_CLASSES_001, DEFAULT_FEATURED_CLASSES_002

    defaults = (
        DEFAULT_FEATURED_CLASSES_002 if "一类" in classes else DEFAULT_FEATURED_CLASSES_001
    )
    return {k.value: list(v) for k, v in defaults.items()}


def _catalogue_of(township: Region) -> DelegationCatalogue:
    catalogue = DelegationCatalogue.objects.filter(county__code=township.county_code).first()
    if catalogue is None:
        raise DutyError("本县尚未导入赋权指导目录")
    return catalogue


@transaction.atomic
def takeup_propose(
    *,
    actor: Any,
    township: Region,
    choices: Mapping[str, TakeUpChoice],
    note: str = "",
) -> TakeUpRound:
    """A township's proposal: 承接 or 暂不承接 for every featured item of its class.

    Checked against the "1+4" rules at once (``bianzhi.core.duties``); one
    pending proposal per township at a time.
    """
    _require_level(township, Level.TOWNSHIP, "乡镇（街道）")
    _require(acts_for_township(_scope(actor), township), "只能为本乡镇申报承接事项")
    catalogue = _catalogue_of(township)
    if TakeUpRound.objects.filter(township=township, status=RoundStatus.PENDING).exists():
        raise DutyError(f"{township.name}已有待县审定的承接申报，请等待审定后再调整")
    items = _entries(catalogue)
    try:
        resolved = take_up_resolve(
            items=items,
            model=catalogue_list_model(catalogue),
            township_class=township_class_of(township),
            choices=choices,
        )
    except TakeUpError as exc:
        raise DutyError("；".join(exc.problems)) from exc
    featured = {
        code: choice.value
        for code, choice in resolved.items()
        if code in {i.code for i in items if i.list_kind is not ListKind.BASE}
    }
    round_ = TakeUpRound.objects.create(
        township=township, choices=featured, note=note.strip(), proposed_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action="create",
        obj=round_,
        region_code=township.code,
        after={"承接选择": featured, "说明": round_.note},
    )
    # The county decides (the decision form is on the township's duties page).
    notify_role(
        region=Region.objects.get(code=township.county_code),
        role=Role.APPROVER,
        kind=NotificationKind.APPROVAL,
        title=f"待审定承接申报：{township.name}",
        body=round_.note,
        url=reverse("duties:township", args=[township.code]),
        key=f"takeup-round:{round_.pk}",
    )
    return round_


def _entries(catalogue: DelegationCatalogue) -> list[CatalogueEntry]:
    return [
        CatalogueEntry(code, name, ListKind(kind))
        for code, name, kind in catalogue.items.filter(active=True).values_list(
            "code", "name", "list_kind"
        )
    ]


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def takeup_decide(
    *,
    actor: Any,
    round: TakeUpRound,
    approve: bool,
    document_number: str = "",
    note: str = "",
    today: date | None = None,
) -> TakeUpRound:
    """The county's decision on a proposal. Approval needs a 文号 and applies
    the whole take-up (base list plus the choices), recording one
    ``TakeUpChange`` per item that changes; a refusal needs a reason."""
    township = round.township
    _require_approve(actor, township)
    round = TakeUpRound.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.PENDING:
        raise DutyError("该申报已审定")
    on = _today(today)
    if approve:
        document_number = _require_document(document_number)
        catalogue = _catalogue_of(township)
        try:
            resolved = take_up_resolve(
                items=_entries(catalogue),
                model=catalogue_list_model(catalogue),
                township_class=township_class_of(township),
                choices={k: TakeUpChoice(v) for k, v in round.choices.items()},
            )
        except TakeUpError as exc:  # the catalogue changed since the proposal
            raise DutyError("目录已调整，请乡镇重新申报：" + "；".join(exc.problems)) from exc
        items = {i.code: i for i in catalogue.items.filter(active=True)}
        current = {t.item_id: t for t in TakeUp.objects.filter(township=township)}
        for code, choice in resolved.items():
            item = items[code]
            existing = current.get(item.pk)
            if existing is not None and existing.choice == choice.value:
                continue
            TakeUpChange.objects.create(
                round=round,
                township=township,
                item=item,
                before=existing.choice if existing else "",
                after=choice.value,
                document_number=document_number,
                changed_on=on,
            )
            TakeUp.objects.update_or_create(
                township=township,
                item=item,
                defaults={"choice": choice.value, "document_number": document_number, "approved_on": on},
            )
        round.status = RoundStatus.APPROVED
        round.document_number = document_number
    else:
        if not note.strip():
            raise DutyError("退回申报请写明理由")
        round.status = RoundStatus.REJECTED
    round.note = (round.note + ("\n审定意见：" + note.strip() if note.strip() else "")).strip()
    round.decided_by = _user(actor)
    round.decided_at = timezone.now()
    round.save()
    audit_record(
        actor=actor,
        action="approve",
        obj=round,
        region_code=township.code,
        after={"状态": round.get_status_display(), "意见": note.strip()},
        reason=round.document_number,
    )
    return round


# --- statutory items ---------------------------------------------------------------

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
    actor: Any,
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
def statutory_item_retire(*, actor: Any, item: StatutoryItem, reason: str) -> StatutoryItem:
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
    *, actor: Any, county: Region, rows: Sequence[StatutoryRow], document_number: str = ""
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


# --- territorial matters -----------------------------------------------------------

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
    *, actor: Any, county: Region, rows: Sequence[MatterRow], document_number: str
) -> MattersImportResult:
    """Load an approved edition of the county's territorial-matters list.

    The import *is* an approval (001 §(一)4: the list is set by the county
    with a document), so it needs a 审核人 and the 文号 of that edition. Items
    are matched by 序号; items missing from the edition are withdrawn.
    Individual changes afterwards go through ``matter_change_request``.
    """
    _require_approve(actor, county)
    _require_level(county, Level.COUNTY, "县级区划")
    document_number = _require_document(document_number)
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
    actor: Any,
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


def _requester_name(actor: Any) -> str:
    if actor is None:
        return "系统"
    if getattr(actor, "department", None) is not None:
        return str(actor.department.name)
    if getattr(actor, "region", None) is not None:
        return str(actor.region.name)
    return str(actor.get_username())


@transaction.atomic
def matter_change_review(*, actor: Any, change: MatterChange, passes: bool, note: str) -> MatterChange:
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
    change.reviewed_at = timezone.now()
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
    *, actor: Any, change: MatterChange, approve: bool, document_number: str = "", note: str = ""
) -> MatterChange:
    """The county's approval (with 文号) applies the change to the list."""
    _require_approve(actor, change.county)
    change = MatterChange.objects.select_for_update().get(pk=change.pk)
    if change.status != MatterChangeStatus.REVIEWED:
        raise DutyError("该申请尚未通过审核，不能批准")
    if approve:
        change.document_number = _require_document(document_number)
        _apply_matter_change(actor, change)
        change.status = MatterChangeStatus.APPROVED
    else:
        if not note.strip():
            raise DutyError("不予批准请写明理由")
        change.status = MatterChangeStatus.REJECTED
    if note.strip():
        change.review_note = (change.review_note + "\n批准意见：" + note.strip()).strip()
    change.decided_by = _user(actor)
    change.decided_at = timezone.now()
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


def _apply_matter_change(actor: Any, change: MatterChange) -> None:
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


# --- duty access -------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFields:
    """What a department fills in (the form, the API and the demo build one)."""

    matter: str
    reason: str
    legal_basis: str = ""
    is_temporary: bool = False
    end_date: date | None = None
    funding_amount: Decimal | None = None
    funding_note: str = ""
    demands: frozenset[Demand] = frozenset()
    township_codes: tuple[str, ...] = ()


def _facts(request: DutyAccessRequest, township_count: int) -> AccessRequestFacts:
    return AccessRequestFacts(
        matter=request.matter,
        reason=request.reason,
        demands=frozenset(Demand(d) for d in request.demands),
        is_temporary=request.is_temporary,
        end_date=request.end_date,
        funding_amount=request.funding_amount,
        funding_note=request.funding_note,
        township_count=township_count,
    )


def _snapshot(request: DutyAccessRequest) -> dict[str, Any]:
    return {
        "事项": request.matter,
        "理由": request.reason,
        "依据": request.legal_basis,
        "临时性": request.is_temporary,
        "截止日期": request.end_date.isoformat() if request.end_date else "",
        "经费（万元）": str(request.funding_amount) if request.funding_amount is not None else "",
        "经费说明": request.funding_note,
        "对乡镇的要求": [FORBIDDEN_DEMANDS[Demand(d)].label for d in request.demands],
        "乡镇": sorted(request.townships.values_list("name", flat=True)),
        "状态": AccessStatus(request.status).label,
    }


def _townships(county: Region, codes: Iterable[str]) -> list[Region]:
    codes = list(dict.fromkeys(codes))
    found = list(Region.objects.filter(code__in=codes, level=Level.TOWNSHIP, county_code=county.code))
    missing = sorted(set(codes) - {r.code for r in found})
    if missing:
        raise DutyError(f"乡镇代码 {'、'.join(missing)} 不是本县的乡镇")
    return found


def _apply_fields(request: DutyAccessRequest, fields: RequestFields) -> None:
    request.matter = fields.matter.strip()
    request.reason = fields.reason.strip()
    request.legal_basis = fields.legal_basis.strip()
    request.is_temporary = fields.is_temporary
    request.end_date = fields.end_date
    request.funding_amount = fields.funding_amount
    request.funding_note = fields.funding_note.strip()
    request.demands = [d.value for d in FORBIDDEN_DEMANDS if d in fields.demands]


@transaction.atomic
def duty_request_create(
    *, actor: Any, department: Department, fields: RequestFields
) -> DutyAccessRequest:
    """A draft request of a county department (saved even if it would be blocked:
    the gate is at submission)."""
    _require(acts_for_department(_scope(actor), department), "只能以本部门名义填报职责准入申请")
    county = department.county
    townships = _townships(county, fields.township_codes)
    if not fields.matter.strip():
        raise DutyError("请填写拟交由乡镇承担的事项")
    request = DutyAccessRequest(county=county, department=department, created_by=_user(actor))
    _apply_fields(request, fields)
    request.save()
    request.townships.set(townships)
    audit_record(actor=actor, action="create", obj=request, region_code=county.code, after=_snapshot(request))
    return request


@transaction.atomic
def duty_request_update(
    *, actor: Any, request: DutyAccessRequest, fields: RequestFields
) -> DutyAccessRequest:
    """Edit a draft (a blocked request stays a draft and is fixed here)."""
    _require(acts_for_department(_scope(actor), request.department), "只能修改本部门的申请")
    request = DutyAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessStatus.DRAFT:
        raise DutyError("已提交的申请不能修改")
    townships = _townships(request.county, fields.township_codes)
    before = _snapshot(request)
    _apply_fields(request, fields)
    request.save()
    request.townships.set(townships)
    audit_record(
        actor=actor,
        action="update",
        obj=request,
        region_code=request.county.code,
        before=before,
        after=_snapshot(request),
    )
    return request


def duty_request_submit(
    *, actor: Any, request: DutyAccessRequest, today: date | None = None
) -> DutyAccessRequest:
    """Submit a draft for the townships' opinions.

    Refused with ``DutyAccessBlocked`` (every reason, each citing its policy)
    when the request makes a forbidden demand or misses a required field.
    The refused attempt itself is committed (reasons on the request and in
    the audit trail) so the office sees blocked attempts, not only successes.
    """
    _require(acts_for_department(_scope(actor), request.department), "只能提交本部门的申请")
    on = _today(today)
    reasons = _submit_or_reasons(actor, request, on)
    if reasons:
        _record_block(actor, request, reasons)
        raise DutyAccessBlocked(reasons)
    request.refresh_from_db()
    return request


@transaction.atomic
def _submit_or_reasons(actor: Any, request: DutyAccessRequest, on: date) -> list[str]:
    request = DutyAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessStatus.DRAFT:
        raise DutyError("该申请已提交")
    reasons = submission_problems(_facts(request, request.townships.count()), today=on)
    if reasons:
        return reasons
    request.status = AccessStatus.CONSULTING.value
    request.submitted_on = on
    request.blocked_reasons = []
    request.save()
    audit_record(
        actor=actor,
        action="update",
        obj=request,
        region_code=request.county.code,
        before={"状态": AccessStatus.DRAFT.label},
        after={"状态": AccessStatus.CONSULTING.label, "提交日期": on.isoformat()},
    )
    # Each affected township must give its written opinion.
    for township in request.townships.all():
        notify_role(
            region=township,
            role=Role.TOWNSHIP,
            kind=NotificationKind.APPROVAL,
            title=f"待反馈意见：{request.department.name}拟交由乡镇承担“{request.matter}”",
            body=request.reason,
            url=reverse("duties:request-detail", args=[request.pk]),
            key=f"duty-request:{request.pk}:opinion",
        )
    return []


@transaction.atomic
def _record_block(actor: Any, request: DutyAccessRequest, reasons: list[str]) -> None:
    DutyAccessRequest.objects.filter(pk=request.pk).update(
        blocked_reasons=reasons, blocked_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="update",
        obj=request,
        region_code=request.county.code,
        after={"提交被阻止": reasons},
        reason="提交被阻止",
    )


@transaction.atomic
def duty_opinion_give(
    *,
    actor: Any,
    request: DutyAccessRequest,
    township: Region,
    agrees: bool,
    text: str,
    today: date | None = None,
) -> TownshipOpinion:
    """An affected township's written opinion; the last one moves the request
    on to the county's decision."""
    _require(acts_for_township(_scope(actor), township), "只能以本乡镇名义反馈意见")
    request = DutyAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessStatus.CONSULTING:
        raise DutyError("该申请不在征求意见阶段")
    if not request.townships.filter(pk=township.pk).exists():
        raise DutyError(f"{township.name}不是该事项的承接乡镇")
    if not text.strip():
        raise DutyError("请填写书面意见")
    if request.opinions.filter(township=township).exists():
        raise DutyError(f"{township.name}已反馈意见")
    opinion = TownshipOpinion.objects.create(
        request=request, township=township, agrees=agrees, text=text.strip(), given_by=_user(actor)
    )
    audit_record(
        actor=actor,
        action="create",
        obj=opinion,
        object_label=f"{township.name}对“{request.matter}”的意见",
        region_code=township.code,
        after={"是否同意": "同意" if agrees else "不同意", "意见": opinion.text},
    )
    if request.opinions.count() >= request.townships.count():
        request.status = AccessStatus.DECIDING.value
        request.opinions_complete_on = _today(today)
        request.save(update_fields=["status", "opinions_complete_on"])
        audit_record(
            actor=actor,
            action="update",
            obj=request,
            region_code=request.county.code,
            before={"状态": AccessStatus.CONSULTING.label},
            after={"状态": AccessStatus.DECIDING.label},
        )
        # Every opinion is in: the county's 审核人 decides now.
        notify_role(
            region=request.county,
            role=Role.APPROVER,
            kind=NotificationKind.APPROVAL,
            title=f"待审定职责准入申请：{request.department.name}“{request.matter}”",
            body="受影响乡镇的书面意见已全部反馈。",
            url=reverse("duties:request-detail", args=[request.pk]),
            key=f"duty-request:{request.pk}:decide",
        )
    return opinion


@transaction.atomic
def duty_request_decide(
    *,
    actor: Any,
    request: DutyAccessRequest,
    approve: bool,
    document_number: str = "",
    note: str = "",
    today: date | None = None,
) -> DutyAccessRequest:
    """The county's decision after every affected township has given its opinion.

    Approval needs a 文号 and puts the duty on the townships' lists; a
    refusal needs a reason. A temporary duty whose end date has already
    passed cannot be approved.
    """
    _require_approve(actor, request.county)
    request = DutyAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AccessStatus.DECIDING:
        raise DutyError("乡镇意见尚未全部反馈，或该申请已审定")
    on = _today(today)
    if approve:
        request.document_number = _require_document(document_number)
        if request.is_temporary and request.end_date is not None and request.end_date < on:
            raise DutyError("该临时性事项的截止日期已过，不能准入")
        request.status = AccessStatus.APPROVED.value
    else:
        if not note.strip():
            raise DutyError("不予准入请写明理由")
        request.status = AccessStatus.REJECTED.value
    request.decision_note = note.strip()
    request.decided_by = _user(actor)
    request.decided_on = on
    request.save()
    audit_record(
        actor=actor,
        action="approve",
        obj=request,
        region_code=request.county.code,
        before={"状态": AccessStatus.DECIDING.label},
        after={"状态": AccessStatus(request.status).label, "审定意见": request.decision_note},
        reason=request.document_number,
    )
    # The department that submitted learns the outcome (None: entered by the system).
    if request.created_by is not None:
        notify_users(
            users=[request.created_by],
            kind=NotificationKind.RESULT,
            title=f"职责准入申请{AccessStatus(request.status).label}：“{request.matter}”",
            body=request.decision_note or request.document_number,
            url=reverse("duties:request-detail", args=[request.pk]),
            key=f"duty-request:{request.pk}:decided",
        )
    return request


@transaction.atomic
def duty_requests_expire(*, today: date | None = None, actor: Any = None) -> list[DutyAccessRequest]:
    """Record the expiry of approved temporary duties past their end date.

    Lists already drop them by date (``DutyAccessRequest.status_on``); this
    writes the status and an audit record so the ledger shows when they
    ended. Safe to run repeatedly and concurrently: the status update is a
    compare-and-set on APPROVED.
    """
    on = _today(today)
    due = list(
        DutyAccessRequest.objects.filter(
            status=AccessStatus.APPROVED, is_temporary=True, end_date__lt=on
        ).select_related("county")
    )
    expired = []
    for request in due:
        won = DutyAccessRequest.objects.filter(pk=request.pk, status=AccessStatus.APPROVED).update(
            status=AccessStatus.EXPIRED.value
        )
        if not won:
            continue
        request.status = AccessStatus.EXPIRED.value
        audit_record(
            actor=actor,
            action="update",
            obj=request,
            region_code=request.county.code,
            before={"状态": AccessStatus.APPROVED.label},
            after={"状态": AccessStatus.EXPIRED.label, "截止日期": request.end_date.isoformat() if request.end_date else ""},
            reason="临时性事项到期",
        )
        expired.append(request)
    return expired
