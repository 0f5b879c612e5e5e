"""Writes of the public-asset registers: assets (by hand and by import),
photos, transfers, revitalisation plans with progress and close-out, and
inventory rounds with the townships' returns.

Keyword-only, atomic, audited. ``actor`` None is the command line / demo.
Writers are the county's 编办管理员 and the township's own 乡镇用户; the
close-out is approved by a 审核人 over the township (as for work plans).
A refused write raises ``AssetError`` (Chinese).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from bianzhi.accounts.scope import scope_for
from bianzhi.assets import selectors
from bianzhi.assets.models import (
    Asset,
    AssetFile,
    AssetTransfer,
    InventoryLine,
    InventoryReturn,
    InventoryRound,
    PlanReport,
    RevitalisationPlan,
)
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many, field_values
from bianzhi.core.assets import (
    CLASSES,
    DISPOSED,
    IDLE,
    ORIGINS,
    OWNERS,
    RECEIVER_KINDS,
    REGISTRATION,
    REVITALISED,
    SOURCE,
    USE_STATUSES,
    InventoryItem,
    category_problem,
    inventory_deadline,
    inventory_statistics,
    use_status_problem,
)
from bianzhi.core.tasks import (
    CloseoutFacts,
    TaskStatus,
    closeout_approve_problems,
    closeout_request_problems,
)
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError, require_document_number
from bianzhi.regions.models import Level, Region
from bianzhi.tasks.attachments import Upload, check_uploads

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})


class AssetError(ServiceError):
    """A refused asset write."""


def _check(actor: Any, region: Region) -> None:
    if actor is not None and not selectors.may_write(scope_for(actor), region):
        raise PermissionDenied("无权修改该乡镇的资产台账")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@dataclass(frozen=True)
class AssetFields:
    name: str
    owner: str
    asset_class: str
    origin: str
    registration: str
    use_status: str
    village: str = ""
    location: str = ""
    area: Decimal | None = None
    book_value: Decimal | None = None
    title_document: str = ""
    note: str = ""


def field_problems(fields: AssetFields) -> list[tuple[str, str]]:
    """(column, reason) of every bad value; the import names them by row."""
    problems = []
    if not fields.name.strip():
        problems.append(("资产名称", "不能为空"))
    for label, value, allowed in (
        ("权属", fields.owner, OWNERS), ("资产类别", fields.asset_class, CLASSES),
        ("来源", fields.origin, ORIGINS), ("不动产登记", fields.registration, REGISTRATION),
        ("使用状态", fields.use_status, USE_STATUSES),
    ):
        if value not in allowed:
            problems.append((label, f"“{value}”应为 {'、'.join(allowed)} 之一" if value else "不能为空"))
    if fields.owner == "村集体" and not fields.village.strip():
        problems.append(("村（社区）", "村集体资产须填写所属村（社区）"))
    for label, number in (("面积（平方米）", fields.area), ("账面价值（万元）", fields.book_value)):
        if number is not None and (number < 0 or number >= Decimal("1e10")):
            problems.append((label, "应为 0 至 9999999999.99 之间的数"))
    return problems


def _new_asset(township: Region, fields: AssetFields) -> Asset:
    return Asset(
        township=township, village=fields.village.strip(), owner=fields.owner,
        asset_class=fields.asset_class, name=fields.name.strip(), origin=fields.origin,
        location=fields.location.strip(), area=fields.area, book_value=fields.book_value,
        title_document=fields.title_document.strip(), registration=fields.registration,
        use_status=fields.use_status, note=fields.note.strip(),
    )


@transaction.atomic
def asset_create(*, actor: Any, township: Region, fields: AssetFields) -> Asset:
    _check(actor, township)
    if township.level != Level.TOWNSHIP:
        raise AssetError("资产登记在乡镇（镇本级或所属村）。")
    problems = field_problems(fields)
    if problems:
        raise AssetError([f"{column}：{reason}" for column, reason in problems])
    asset = _new_asset(township, fields)
    if Asset.objects.filter(township=township, village=asset.village, name=asset.name).exists():
        raise AssetError(f"“{asset}”已登记。")
    asset.save()
    audit_record(actor=actor, action="create", obj=asset, region_code=township.code, after=field_values(asset))
    return asset


# What an edit may set (the township is the asset's, never moved by an edit).
ASSET_FIELDS = (
    "village", "owner", "asset_class", "name", "origin", "location", "area", "book_value", "title_document",
    "registration", "use_status", "note",
)


@transaction.atomic
def asset_update(*, actor: Any, asset: Asset, fields: AssetFields) -> Asset:
    """Correct an asset's register entry, checked as at creation. Its owner
    and village change only by a transfer with its 文号 (``asset_transfer``,
    "资产随职能和人员走"); its use status only as ``core.assets.use_status_problem``
    allows (已处置 final, 已盘活 by close-out only, an open plan holds it).
    Audited with the fields before and after; unchanged is a no-op."""
    asset = Asset.objects.select_for_update(of=("self",)).select_related("township").get(pk=asset.pk)
    _check(actor, asset.township)
    problems = [f"{column}：{reason}" for column, reason in field_problems(fields)]
    if asset.use_status == DISPOSED:
        raise AssetError("该资产已处置，不能再修改。")
    if fields.owner != asset.owner or fields.village.strip() != asset.village:
        problems.append("权属和所属村（社区）的变化请登记资产移交（须有文号，资产随职能和人员走）。")
    open_plan = RevitalisationPlan.objects.filter(asset=asset).exclude(status=TaskStatus.CLOSED).exists()
    status_problem = use_status_problem(current=asset.use_status, new=fields.use_status, open_plan=open_plan)
    if status_problem:
        problems.append(status_problem)
    if problems:
        raise AssetError(problems)
    new = _new_asset(asset.township, fields)
    if Asset.objects.filter(township=asset.township, village=new.village, name=new.name).exclude(pk=asset.pk).exists():
        raise AssetError(f"“{new}”已登记。")
    names = list(ASSET_FIELDS)
    before = field_values(asset, names)
    for name in names:
        setattr(asset, name, getattr(new, name))
    after = field_values(asset, names)
    if after != before:
        asset.save()
        audit_record(actor=actor, action="update", obj=asset, region_code=asset.township.code, before=before,
                     after=after, reason="修改资产登记")
    return asset


@transaction.atomic
def asset_import(*, actor: Any, township: Region, rows: Sequence[tuple[int, AssetFields]]) -> list[Asset]:
    """All rows or none; every problem named by row (and column)."""
    _check(actor, township)
    taken = set(Asset.objects.filter(township=township).values_list("village", "name"))
    problems: list[str] = []
    new: list[Asset] = []
    for row, fields in rows:
        row_problems = field_problems(fields)
        problems.extend(f"第 {row} 行 “{column}”列：{reason}" for column, reason in row_problems)
        if row_problems:
            continue
        key = (fields.village.strip(), fields.name.strip())
        if key in taken:
            problems.append(f"第 {row} 行 “资产名称”列：“{key[1]}”已登记。")
            continue
        taken.add(key)
        new.append(_new_asset(township, fields))
    if problems:
        raise AssetError(problems)
    created = Asset.objects.bulk_create(new)
    audit_record_many(
        actor=actor,
        action="import",
        entries=(
            AuditEntry(object_type="assets.asset", object_id=str(a.pk), object_label=str(a),
                       region_code=township.code, after=field_values(a))
            for a in created
        ),
        reason="导入镇村公有资产台账",
    )
    return created


def _store(*, asset: Asset, files: Sequence[Upload], evidence: bool, report: PlanReport | None = None,
           images_only: bool = False) -> int:
    try:
        checked = check_uploads(list(files))
    except ValueError as error:
        raise AssetError(str(error).splitlines()) from None
    if images_only:
        bad = [c.original_name for c in checked if c.content_type not in IMAGE_TYPES]
        if bad:
            raise AssetError(f"照片只能是 JPG 或 PNG：{'、'.join(bad)}")
    for item in checked:
        item.upload.seek(0)
        stored = AssetFile(asset=asset, report=report, is_evidence=evidence, original_name=item.original_name,
                           size=item.size, content_type=item.content_type)
        # The generated name, never the user's (upload_to: assets/<asset id>/).
        stored.file.save(item.stored_name, ContentFile(item.upload.read()), save=False)
        stored.save()
    return len(checked)


@transaction.atomic
def asset_add_photos(*, actor: Any, asset: Asset, files: Sequence[Upload]) -> int:
    _check(actor, asset.township)
    if not files:
        raise AssetError("请选择照片。")
    count = _store(asset=asset, files=files, evidence=False, images_only=True)
    audit_record(actor=actor, action="update", obj=asset, region_code=asset.township.code,
                 after={"photos": count}, reason="上传资产照片")
    return count


@transaction.atomic
def asset_transfer(
    *, actor: Any, asset: Asset, receiver_kind: str, to_party: str, document_number: str,
    on: dt.date, note: str = "",
) -> AssetTransfer:
    """"资产随职能和人员走" (004 二(二)): the asset moves to a township, a
    village or a county department; the register follows the receiver."""
    asset = Asset.objects.select_for_update(of=("self",)).select_related("township").get(pk=asset.pk)
    _check(actor, asset.township)
    number = require_document_number(document_number, AssetError)
    if receiver_kind not in RECEIVER_KINDS or not to_party.strip():
        raise AssetError(f"请选择接收方类型（{'、'.join(RECEIVER_KINDS)}）并填写接收方。")
    if asset.use_status == DISPOSED:
        raise AssetError("该资产已处置，不能再移交。")
    before = field_values(asset, ["owner", "village", "use_status"])
    transfer = AssetTransfer.objects.create(
        asset=asset, from_party=asset.village or asset.township.name, receiver_kind=receiver_kind,
        to_party=to_party.strip(), document_number=number, transferred_on=on, note=note.strip(),
    )
    if receiver_kind == "村":
        asset.owner, asset.village = "村集体", to_party.strip()
    elif receiver_kind == "镇":
        asset.owner, asset.village = "镇", ""
    else:  # leaves the town's and villages' register
        asset.use_status = DISPOSED
    asset.save()
    audit_record(actor=actor, action="update", obj=asset, region_code=asset.township.code, before=before,
                 after=field_values(asset, ["owner", "village", "use_status"]), reason=f"资产移交 {number}")
    audit_record(actor=actor, action="create", obj=transfer, region_code=asset.township.code, after=field_values(transfer))
    return transfer


# --- revitalisation (盘活一宗销号一宗) --------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: Any, asset: Asset, category: str, measures: str, responsible_unit: str, deadline: dt.date
) -> RevitalisationPlan:
    asset = Asset.objects.select_for_update(of=("self",)).select_related("township").get(pk=asset.pk)
    _check(actor, asset.township)
    if asset.use_status != IDLE:
        raise AssetError(f"只有闲置资产需要制定盘活方案（该资产{asset.use_status}）。")
    if RevitalisationPlan.objects.filter(asset=asset).exists():
        raise AssetError("该资产已有盘活方案。")
    problem = category_problem(asset.owner, category)
    if problem:
        raise AssetError(problem)
    if not measures.strip() or not responsible_unit.strip():
        raise AssetError("请填写盘活措施和责任单位。")
    plan = RevitalisationPlan.objects.create(
        asset=asset, category=category, measures=measures.strip(), responsible_unit=responsible_unit.strip(),
        deadline=deadline,
    )
    audit_record(actor=actor, action="create", obj=plan, region_code=asset.township.code, after=field_values(plan))
    return plan


def _locked(plan: RevitalisationPlan) -> RevitalisationPlan:
    return RevitalisationPlan.objects.select_for_update(of=("self",)).select_related("asset__township").get(pk=plan.pk)


def _facts(plan: RevitalisationPlan, evidence: int | None = None) -> CloseoutFacts:
    return CloseoutFacts(
        status=plan.task_status,
        progress_reports=plan.reports.filter(kind=PlanReport.Kind.PROGRESS).count(),
        evidence_files=evidence if evidence is not None else plan.asset.files.filter(is_evidence=True).count(),
        open_findings=0,
    )


def _set_status(*, actor: Any, plan: RevitalisationPlan, status: TaskStatus, reason: str) -> None:
    before = field_values(plan, ["status"])
    plan.status = status.value
    if status is TaskStatus.CLOSED:
        plan.closed_at = clock.now()
    plan.save()
    audit_record(actor=actor, action="approve" if status is TaskStatus.CLOSED else "update", obj=plan,
                 region_code=plan.asset.township.code, before=before, after=field_values(plan, ["status"]), reason=reason)


@transaction.atomic
def plan_report(*, actor: Any, plan: RevitalisationPlan, text: str) -> PlanReport:
    plan = _locked(plan)
    _check(actor, plan.asset.township)
    if plan.task_status in (TaskStatus.CLOSED, TaskStatus.CLOSE_REQUESTED):
        raise AssetError(f"盘活方案{plan.get_status_display()}，不能再报送进展。")
    if not text.strip():
        raise AssetError("进展内容不能为空。")
    report = PlanReport.objects.create(plan=plan, kind=PlanReport.Kind.PROGRESS, text=text.strip(), author=_user(actor))
    audit_record(actor=actor, action="create", obj=report, region_code=plan.asset.township.code, after={"text": report.text})
    if plan.task_status is TaskStatus.NOT_STARTED:
        _set_status(actor=actor, plan=plan, status=TaskStatus.IN_PROGRESS, reason="报送进展")
    return report


@transaction.atomic
def plan_request_closeout(*, actor: Any, plan: RevitalisationPlan, text: str, files: Sequence[Upload]) -> PlanReport:
    """Ask for close-out with evidence: the rules of a work-plan task (核心：
    ``core.tasks.closeout_request_problems``)."""
    plan = _locked(plan)
    _check(actor, plan.asset.township)
    problems = closeout_request_problems(_facts(plan, evidence=len(files)))
    if problems:
        raise AssetError(problems)
    report = PlanReport.objects.create(plan=plan, kind=PlanReport.Kind.CLOSEOUT_REQUEST,
                                       text=text.strip() or "已盘活，申请销号。", author=_user(actor))
    _store(asset=plan.asset, files=files, evidence=True, report=report)
    _set_status(actor=actor, plan=plan, status=TaskStatus.CLOSE_REQUESTED, reason="申请销号")
    return report


@transaction.atomic
def plan_approve_closeout(*, actor: Any, plan: RevitalisationPlan, text: str = "") -> RevitalisationPlan:
    """盘活一宗销号一宗: the asset becomes 已盘活."""
    plan = _locked(plan)
    if actor is not None and not scope_for(actor).can_approve(plan.asset.township):
        raise PermissionDenied("无权审核销号")
    problems = closeout_approve_problems(_facts(plan))
    if problems:
        raise AssetError(problems)
    PlanReport.objects.create(plan=plan, kind=PlanReport.Kind.CLOSEOUT_APPROVED,
                              text=text.strip() or "经核实，准予销号。", author=_user(actor))
    _set_status(actor=actor, plan=plan, status=TaskStatus.CLOSED, reason=f"准予销号（依据：{SOURCE}）")
    asset = plan.asset
    before = field_values(asset, ["use_status"])
    asset.use_status = REVITALISED
    asset.save()
    audit_record(actor=actor, action="update", obj=asset, region_code=asset.township.code, before=before,
                 after=field_values(asset, ["use_status"]), reason="盘活销号")
    return plan


@transaction.atomic
def plan_reject_closeout(*, actor: Any, plan: RevitalisationPlan, reason: str) -> RevitalisationPlan:
    plan = _locked(plan)
    if actor is not None and not scope_for(actor).can_approve(plan.asset.township):
        raise PermissionDenied("无权审核销号")
    if plan.task_status is not TaskStatus.CLOSE_REQUESTED:
        raise AssetError("只有待销号的方案可以退回。")
    if not reason.strip():
        raise AssetError("请填写退回理由。")
    PlanReport.objects.create(plan=plan, kind=PlanReport.Kind.CLOSEOUT_REJECTED, text=reason.strip(), author=_user(actor))
    _set_status(actor=actor, plan=plan, status=TaskStatus.IN_PROGRESS, reason=f"销号退回：{reason.strip()}")
    return plan


# --- inventory rounds (清查) ------------------------------------------------------------


@transaction.atomic
def round_create(*, actor: Any, county: Region, year: int, title: str = "",
                 deadline: dt.date | None = None) -> InventoryRound:
    if actor is not None and not scope_for(actor).can_edit(county):
        raise PermissionDenied("无权发起资产清查")
    if county.level != Level.COUNTY:
        raise AssetError("资产清查由县发起。")
    if InventoryRound.objects.filter(county=county, year=year).exists():
        raise AssetError(f"{county.name}{year}年的资产清查已发起。")
    item = InventoryRound.objects.create(
        county=county, year=year, title=title.strip() or f"{year}年镇村公有资产清查",
        deadline=deadline or inventory_deadline(year),
    )
    audit_record(actor=actor, action="create", obj=item, region_code=county.code, after=field_values(item))
    return item


@transaction.atomic
def round_submit(*, actor: Any, round: InventoryRound, township: Region) -> InventoryReturn:
    """The township reports its 清理统计表: the register as it stands, counted
    per owner, region and class (``core.assets.inventory_statistics``) and
    stored with the return."""
    _check(actor, township)
    if township.county_code != round.county.code:
        raise AssetError("该乡镇不属于本次清查的县。")
    if InventoryReturn.objects.filter(round=round, township=township).exists():
        raise AssetError(f"{township.name}已报送。")
    stats = inventory_statistics(
        InventoryItem(a.owner, a.village, a.asset_class, a.area, a.book_value, a.use_status, a.registration)
        for a in Asset.objects.filter(township=township)
    )
    item = InventoryReturn.objects.create(
        round=round, township=township, submitted_at=clock.now(),
        assets=sum(s.count for s in stats), submitted_by=_user(actor),
    )
    # The figures as reported: the round's table stays what was submitted.
    InventoryLine.objects.bulk_create(
        InventoryLine(
            ret=item, owner=s.owner, region=s.region, asset_class=s.asset_class, count=s.count, area=s.area,
            book_value=s.book_value, in_use=s.in_use, idle=s.idle, revitalised=s.revitalised,
            disposed=s.disposed, registered=s.registered,
        )
        for s in stats
    )
    audit_record(actor=actor, action="create", obj=item, region_code=township.code,
                 after={"round": round.title, "assets": item.assets, "lines": len(stats)})
    return item
