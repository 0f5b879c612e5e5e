"""Writes for institutions, nameplates and the quota ledger.

Every function is one use case: keyword-only, atomic, audited, and runs
inside the rule guard (`_guarded`): a write leaving a new block finding is
refused (`InstitutionRuleViolation`) and rolled back, any other refreshes the
county's stored findings in the same transaction, so the findings page never
shows a state that was not saved. The rules and the
roster sit above institutions: their parts come through the hooks they
register (`bianzhi.kernel.hooks.rule_guard`, `staff_counts`), never by import.
Callers (views, CLI, imports) check permissions; these functions check the
data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import transaction
from django.db.models import Sum

from bianzhi.audit.services import audit_record, field_values
from bianzhi.institutions.models import (
    UNIFIED_OFFICES,
    EventKind,
    Institution,
    InstitutionEvent,
    InstitutionLedgerEntry,
    Kind,
    LedgerItem,
    Nameplate,
)
from bianzhi.kernel.errors import ServiceError, require_document_number
from bianzhi.kernel.hooks import RuleRefusal, StaffCount, rule_guard, staff_counts
from bianzhi.regions.models import Level, Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


class InstitutionError(ServiceError):
    """A refused write; the message is Chinese and meant for the user."""


DISPATCHED_QUOTA_NEEDS_OPINION = (
    "{name}是派驻机构：派驻机构人员编制调整必须征求所在乡镇党委意见（002 §3），"
    "请在“派驻与考核”的机构页面发起编制调整，登记各乡镇的书面意见后完成"
)


def _require_township(region: Region) -> None:
    if region.level != Level.TOWNSHIP:
        raise InstitutionError(f"“{region.name}”不是乡镇（街道），机构只能设在乡镇")


class InstitutionRuleViolation(RuleRefusal, InstitutionError):
    """The write would leave a new block finding (a sixth office over
    `institution-limits`, a ledger cut under a floor…); `findings` says which.
    An InstitutionError too, so pages, API and CLI show it like any other
    refusal. RuleRefusal first: its ``__init__`` takes the findings."""


Write = TypeVar("Write", bound=Callable[..., Any])


def _guarded(region_of: Callable[[dict[str, Any]], Region]) -> Callable[[Write], Write]:
    """Run the write inside ``rule_guard().write()`` for its county: refused
    when it leaves a block finding that was not there before, the stored
    findings refreshed when it passes. ``refresh=False`` means the caller (an
    import, a handover, another write here) runs the guard around it, once
    for the whole batch."""

    def decorate(write: Write) -> Write:
        @functools.wraps(write)
        def guarded(**kwargs: Any) -> Any:
            if not kwargs.get("refresh", True):
                return write(**kwargs)
            county = region_of(kwargs).county_code
            with rule_guard().write(county_codes=[county], refusal=InstitutionRuleViolation):
                return write(**kwargs)

        return cast(Write, guarded)

    return decorate


def _township_of(kwargs: dict[str, Any]) -> Region:
    return cast(Region, kwargs["township"])


def _region_of_institution(kwargs: dict[str, Any]) -> Region:
    return cast(Region, kwargs["institution"].region)


@transaction.atomic
@_guarded(_township_of)
def institution_create(
    *,
    actor: User | None,
    township: Region,
    name: str,
    kind: str,
    established_on: date,
    document_number: str,
    reason: str = "",
    quotas: Mapping[str, int] | None = None,
    refresh: bool = True,
) -> Institution:
    """设立: a new institution with its 设立 event and, optionally, its first
    ledger entries (`quotas`: ledger item -> count, same date and 文号)."""
    _require_township(township)
    document_number = require_document_number(document_number, InstitutionError)
    name = name.strip()
    if not name:
        raise InstitutionError("机构名称不能为空")
    if kind not in Kind.values:
        raise InstitutionError(f"机构类别“{kind}”无效，应为：{'、'.join(Kind.labels)}")
    if Institution.objects.filter(region=township, name=name, abolished_on__isnull=True).exists():
        raise InstitutionError(f"{township.name}已有名为“{name}”的机构")
    institution = Institution.objects.create(
        region=township, name=name, kind=kind, established_on=established_on
    )
    InstitutionEvent.objects.create(
        institution=institution,
        kind=EventKind.ESTABLISH,
        effective_on=established_on,
        document_number=document_number,
        name=name,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=institution,
        region_code=township.code,
        after=field_values(institution),
        reason=document_number,
    )
    for item, count in (quotas or {}).items():
        if count:
            ledger_change(
                actor=actor,
                institution=institution,
                item=item,
                delta=count,
                effective_on=established_on,
                document_number=document_number,
                reason=reason or "机构设立时核定",
                refresh=False,
                consulted=True,  # setting up, not an adjustment
            )
    return institution


@transaction.atomic
@_guarded(_township_of)
def institutions_create_unified(
    *, actor: User | None, township: Region, established_on: date, document_number: str, refresh: bool = True
) -> list[Institution]:
    """Set up the eight unified offices of 001 §(二)1 that the township does
    not have yet (by name); returns the ones created."""
    existing = set(
        Institution.objects.filter(region=township, abolished_on__isnull=True).values_list(
            "name", flat=True
        )
    )
    created = [
        institution_create(
            actor=actor,
            township=township,
            name=name,
            kind=kind,
            established_on=established_on,
            document_number=document_number,
            reason="全县统一设置（001 §(二)1）",
            refresh=False,
        )
        for name, kind in UNIFIED_OFFICES
        if name not in existing
    ]
    return created


@transaction.atomic
@_guarded(_region_of_institution)
def institution_rename(
    *,
    actor: User | None,
    institution: Institution,
    new_name: str,
    effective_on: date,
    document_number: str,
    reason: str = "",
    refresh: bool = True,
) -> Institution:
    """更名 from `effective_on`; earlier dates keep showing the old name."""
    document_number = require_document_number(document_number, InstitutionError)
    new_name = new_name.strip()
    if not new_name or new_name == institution.name:
        raise InstitutionError("请填写与现名称不同的新名称")
    if institution.abolished_on is not None:
        raise InstitutionError("已撤销的机构不能更名")
    if effective_on < institution.established_on:
        raise InstitutionError("更名日期不能早于设立日期")
    if (
        Institution.objects.filter(
            region_id=institution.region_id, name=new_name, abolished_on__isnull=True
        )
        .exclude(pk=institution.pk)
        .exists()
    ):
        raise InstitutionError(f"本乡镇已有名为“{new_name}”的机构")
    before = field_values(institution)
    InstitutionEvent.objects.create(
        institution=institution,
        kind=EventKind.RENAME,
        effective_on=effective_on,
        document_number=document_number,
        name=new_name,
        reason=reason,
    )
    institution.name = new_name
    institution.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="update",
        obj=institution,
        region_code=institution.region.code,
        before=before,
        after=field_values(institution),
        reason=document_number,
    )
    return institution


@transaction.atomic
@_guarded(_region_of_institution)
def institution_abolish(
    *,
    actor: User | None,
    institution: Institution,
    effective_on: date,
    document_number: str,
    reason: str = "",
    refresh: bool = True,
) -> Institution:
    """撤销: refused while persons on the roster belong to it; its ledger
    balances are closed to zero on the same date (entries, not deletions)."""
    document_number = require_document_number(document_number, InstitutionError)
    if institution.abolished_on is not None:
        raise InstitutionError("该机构已撤销")
    if effective_on < institution.established_on:
        raise InstitutionError("撤销日期不能早于设立日期")
    staff = staff_counts(institution_ids=[institution.pk]).get(institution.pk, StaffCount()).on_roster
    if staff:
        raise InstitutionError(f"该机构还有{staff}名在册人员，请先调整其所在机构再撤销")
    before = field_values(institution)
    balances = (
        InstitutionLedgerEntry.objects.filter(institution=institution)
        .values("item")
        .annotate(total=Sum("delta"))
        .values_list("item", "total")
    )
    for item, total in balances:
        if total:
            ledger_change(
                actor=actor,
                institution=institution,
                item=item,
                delta=-int(total),
                effective_on=effective_on,
                document_number=document_number,
                reason="机构撤销，核销编制和职数",
                refresh=False,
                consulted=True,  # closing the balances of an abolished institution
            )
    InstitutionEvent.objects.create(
        institution=institution,
        kind=EventKind.ABOLISH,
        effective_on=effective_on,
        document_number=document_number,
        name=institution.name,
        reason=reason,
    )
    Nameplate.objects.filter(institution=institution, removed_on__isnull=True).update(
        removed_on=effective_on
    )
    institution.abolished_on = effective_on
    institution.save(update_fields=["abolished_on"])
    audit_record(
        actor=actor,
        action="update",
        obj=institution,
        region_code=institution.region.code,
        before=before,
        after=field_values(institution),
        reason=document_number,
    )
    return institution


@transaction.atomic
def nameplate_add(
    *, actor: User | None, institution: Institution, name: str, added_on: date, document_number: str = ""
) -> Nameplate:
    """挂牌: an extra name for an institution (not counted as an institution)."""
    name = name.strip()
    if not name:
        raise InstitutionError("挂牌名称不能为空")
    if institution.abolished_on is not None:
        raise InstitutionError("已撤销的机构不能挂牌")
    if Nameplate.objects.filter(institution=institution, name=name, removed_on__isnull=True).exists():
        raise InstitutionError(f"该机构已挂“{name}”牌子")
    plate = Nameplate.objects.create(
        institution=institution, name=name, added_on=added_on, document_number=document_number
    )
    audit_record(
        actor=actor,
        action="create",
        obj=plate,
        object_label=f"{institution.name}（挂牌：{name}）",
        region_code=institution.region.code,
        after=field_values(plate),
        reason=document_number,
    )
    return plate


@transaction.atomic
def nameplate_remove(
    *, actor: User | None, nameplate: Nameplate, removed_on: date, document_number: str = ""
) -> Nameplate:
    before = field_values(nameplate)
    nameplate.removed_on = removed_on
    nameplate.save(update_fields=["removed_on"])
    audit_record(
        actor=actor,
        action="update",
        obj=nameplate,
        region_code=nameplate.institution.region.code,
        before=before,
        after=field_values(nameplate),
        reason=document_number,
    )
    return nameplate


def _balance(institution: Institution, item: str, on: date | None = None) -> int:
    qs = InstitutionLedgerEntry.objects.filter(institution=institution, item=item)
    if on is not None:
        qs = qs.filter(effective_on__lte=on)
    return int(qs.aggregate(total=Sum("delta"))["total"] or 0)


@transaction.atomic
@_guarded(_region_of_institution)
def ledger_change(
    *,
    actor: User | None,
    institution: Institution,
    item: str,
    delta: int,
    effective_on: date,
    document_number: str,
    reason: str,
    refresh: bool = True,
    consulted: bool = False,
) -> InstitutionLedgerEntry:
    """One dated change (增减) of one ledger item, with 文号 and reason. The
    balance may never go below zero, neither on the date nor afterwards.

    A 派驻机构's 人员编制调整 needs the written opinion of every township it
    serves (002 §3), which the agencies app collects: only its completed
    change (and an institution's setting up) pass ``consulted=True``."""
    if institution.kind == Kind.DISPATCHED_AGENCY and not consulted:
        raise InstitutionError(DISPATCHED_QUOTA_NEEDS_OPINION.format(name=institution.name))
    document_number = require_document_number(document_number, InstitutionError)
    reason = (reason or "").strip()
    if not reason:
        raise InstitutionError("请填写调整原因")
    if item not in LedgerItem.values:
        raise InstitutionError(f"台账项目“{item}”无效")
    if delta == 0:
        raise InstitutionError("增减数不能为0")
    if institution.abolished_on is not None and delta > 0:
        raise InstitutionError("已撤销的机构不能增加编制或职数")
    label = LedgerItem(item).label
    for on in (effective_on, None):
        if _balance(institution, item, on) + delta < 0:
            raise InstitutionError(f"{institution.name}的{label}调整后将少于0")
    entry = InstitutionLedgerEntry.objects.create(
        institution=institution,
        region_id=institution.region_id,
        item=item,
        delta=delta,
        effective_on=effective_on,
        document_number=document_number,
        reason=reason,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=entry,
        object_label=f"{institution.name} {label}",
        region_code=institution.region.code,
        after={"机构": institution.name, "项目": label, "增减": delta, "生效日期": effective_on.isoformat()},
        reason=document_number,
    )
    return entry


@dataclass(frozen=True)
class LedgerTargetChange:
    item: str
    before: int
    after: int


@transaction.atomic
@_guarded(_region_of_institution)
def ledger_set(
    *,
    actor: User | None,
    institution: Institution,
    targets: Mapping[str, int],
    effective_on: date,
    document_number: str,
    reason: str,
    refresh: bool = True,
    consulted: bool = False,
) -> list[LedgerTargetChange]:
    """Bring the balances of `targets` (item -> count) to the given counts by
    writing one entry per item that differs; returns what changed."""
    changes: list[LedgerTargetChange] = []
    for item, target in targets.items():
        if target < 0:
            raise InstitutionError(f"{LedgerItem(item).label}不能少于0")
        current = _balance(institution, item)
        if current != target:
            ledger_change(
                actor=actor,
                institution=institution,
                item=item,
                delta=target - current,
                effective_on=effective_on,
                document_number=document_number,
                reason=reason,
                refresh=False,
                consulted=consulted,
            )
            changes.append(LedgerTargetChange(item, current, target))
    return changes
