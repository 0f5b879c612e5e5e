"""Writes of the delegation catalogue ("1+4") and take-up: the county's
catalogue import, a township's take-up proposal and the county's decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import acts_for_township
from bianzhi.adapters.xlsx_duties import CatalogueFile
from bianzhi.audit.services import audit_record, audit_record_many
from bianzhi.core.duties import (
    CatalogueEntry,
    ListKind,
    TakeUpChoice,
    TakeUpError,
    take_up_resolve,
)
from bianzhi.duties.models import (
    CatalogueItem,
    DelegationCatalogue,
    RoundStatus,
    TakeUp,
    TakeUpChange,
    TakeUpRound,
)
from bianzhi.duties.selectors.catalogue import catalogue_list_model, township_class_of
from bianzhi.duties.services.common import (
    DutyError,
    _require,
    _require_approve,
    _require_edit,
    _require_level,
    _scope,
    _sync_by_code,
    _today,
    _user,
)
from bianzhi.inbox.kinds import NotificationKind
from bianzhi.inbox.services import notify_role
from bianzhi.kernel import clock
from bianzhi.kernel.errors import require_document_number
from bianzhi.regions.models import Level, Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


@dataclass(frozen=True)
class CatalogueImportResult:
    created: int
    updated: int
    withdrawn: int


@transaction.atomic
def catalogue_import(
    *,
    actor: User | None,
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
def take_up_propose(
    *,
    actor: User | None,
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


@transaction.atomic
def take_up_decide(
    *,
    actor: User | None,
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
        document_number = require_document_number(document_number, DutyError)
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
    round.decided_at = clock.now()
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
