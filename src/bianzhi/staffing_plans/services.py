"""Writes of the staffing-plans app: one keyword-only, atomic, audited
function per use case. ``actor`` None is the command line or the demo.

A recruitment plan belongs to the county: the county office edits and
issues it (a township user sees its own rows). Its entries are set all or
nothing and refused beyond a vacancy (``core.staffing_plans.WITHIN_VACANCY``).
A quota transfer moves a township's approved quota or the county's reserve
pool through ``townships.services.approved_quotas_apply`` with the
transfer's 文号, so it is recorded in the quota ledger and checked by the
rule guard (an 上收 that breaks "两个不减少", a 下沉 beyond the control
number, is refused like any other quota change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from bianzhi.accounts.models import User
from bianzhi.accounts.scope import Scope
from bianzhi.audit.services import audit_record
from bianzhi.core.staffing_plans import (
    TransferDirection,
    blocks,
    check_plan,
    quota_after_transfer,
)
from bianzhi.kernel.errors import ServiceError, require_document_number
from bianzhi.regions.models import Level, Region
from bianzhi.staffing_plans.models import (
    Direction,
    PlannedEntry,
    PlanStatus,
    QuotaTransfer,
    RecruitmentPlan,
)
from bianzhi.staffing_plans.selectors import vacancy_table
from bianzhi.townships.models import ApprovedQuota, CountyReserve, QuotaType
from bianzhi.townships.services import QuotaChange, ReserveChange, approved_quotas_apply


class StaffingPlanError(ServiceError):
    """A refused write; the message is Chinese and meant for the user."""


def _require_edit(actor: User | None, region: Region) -> None:
    if actor is not None and not Scope.for_user(actor).can_edit(region):
        raise PermissionDenied("无权修改该区划的数据")


def _user(actor: User | None) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _county(region: Region) -> None:
    if region.level != Level.COUNTY:
        raise StaffingPlanError("用编进人计划和跨层级编制调整按县（市、区）登记")


@transaction.atomic
def recruitment_plan_create(*, actor: User | None, county: Region, year: int) -> RecruitmentPlan:
    _require_edit(actor, county)
    _county(county)
    if not 1900 <= year <= 2200:
        raise StaffingPlanError("年度无效")
    if RecruitmentPlan.objects.filter(county=county, year=year).exists():
        raise StaffingPlanError(f"{county.name}已有{year}年用编进人计划")
    plan = RecruitmentPlan.objects.create(county=county, year=year)
    audit_record(actor=actor, action="create", obj=plan, region_code=county.code, after={"年度": year})
    return plan


@dataclass(frozen=True)
class EntryLine:
    township: Region
    quota_type: str
    count: int


@transaction.atomic
def planned_entries_set(*, actor: User | None, plan: RecruitmentPlan, lines: Sequence[EntryLine]) -> RecruitmentPlan:
    """Replace the plan's entries with ``lines`` (all or nothing). Refused
    when any count exceeds the township's vacancy of that quota type, with
    every such line named; a county's plan may name only its townships."""
    plan = RecruitmentPlan.objects.select_for_update().get(pk=plan.pk)
    _require_edit(actor, plan.county)
    if plan.status != PlanStatus.DRAFT:
        raise StaffingPlanError("计划已下达，不能再修改")
    planned: dict[tuple[str, str], int] = {}
    for line in lines:
        QuotaType(line.quota_type)
        if line.township.level != Level.TOWNSHIP or line.township.county_code != plan.county.code:
            raise StaffingPlanError(f"{line.township.name}不是{plan.county.name}的乡镇（街道）")
        if line.count < 0:
            raise StaffingPlanError("计划进人数不能为负数")
        key = (line.township.code, line.quota_type)
        if key in planned:
            raise StaffingPlanError(f"{line.township.name}{line.quota_type}重复")
        planned[key] = line.count
    table = vacancy_table(county=plan.county)
    problems = blocks(
        check_plan(
            planned=planned,
            vacancies={k: v.vacancy for k, v in table.items()},
            names={v.township.code: v.township.name for v in table.values()},
        )
    )
    if problems:
        raise StaffingPlanError(
            [f"{p.message}（依据：{p.rule.source}）" for p in problems]
        )
    before = {
        f"{e.township.name}{e.quota_type}": e.count for e in plan.entries.select_related("township")
    }
    plan.entries.all().delete()
    PlannedEntry.objects.bulk_create(
        PlannedEntry(plan=plan, township=line.township, quota_type=line.quota_type, count=line.count)
        for line in lines
        if line.count > 0
    )
    audit_record(
        actor=actor, action="update", obj=plan, region_code=plan.county.code, before=before,
        after={f"{line.township.name}{line.quota_type}": line.count for line in lines if line.count > 0},
    )
    return plan


@transaction.atomic
def recruitment_plan_issue(*, actor: User | None, plan: RecruitmentPlan, document_number: str, issued_on: date) -> RecruitmentPlan:
    """Issue (下达) the plan with its 文号; it cannot change afterwards. The
    entries are checked against the vacancies once more (the roster may have
    changed since they were set)."""
    plan = RecruitmentPlan.objects.select_for_update().get(pk=plan.pk)
    _require_edit(actor, plan.county)
    if plan.status != PlanStatus.DRAFT:
        raise StaffingPlanError("计划已下达")
    document_number = require_document_number(document_number, StaffingPlanError)
    entries = list(plan.entries.select_related("township"))
    if not entries:
        raise StaffingPlanError("计划没有进人数，不能下达")
    table = vacancy_table(county=plan.county)
    problems = blocks(
        check_plan(
            planned={(e.township.code, e.quota_type): e.count for e in entries},
            vacancies={k: v.vacancy for k, v in table.items()},
            names={v.township.code: v.township.name for v in table.values()},
        )
    )
    if problems:
        raise StaffingPlanError([f"{p.message}（依据：{p.rule.source}）" for p in problems])
    plan.status = PlanStatus.ISSUED
    plan.document_number = document_number
    plan.issued_on = issued_on
    plan.save()
    audit_record(
        actor=actor, action="approve", obj=plan, region_code=plan.county.code,
        before={"状态": "草稿"}, after={"状态": "已下达", "下达日期": issued_on.isoformat()}, reason=document_number,
    )
    return plan


@transaction.atomic
def quota_transfer_record(
    *,
    actor: User | None,
    holder: Region,
    county_body: str,
    direction: str,
    quota_type: str,
    count: int,
    document_number: str,
    date: date,
    reason: str = "",
) -> QuotaTransfer:
    """Record a cross-level transfer between a county body and ``holder``: a
    township (its approved quota moves by ``count``) or the county itself
    (the county's reserve pool, 机动编制, moves by ``count``). Either way the
    county total of the quota type (townships + reserve) moves by the same
    count: a 下沉 brings quota in from outside the township system, an 上收
    takes it out. The change goes through ``townships.services.approved_quotas_apply``
    under the transfer's 文号: one ledger line (township or reserve) and the
    rule guard, so a 下沉 beyond the control number, or an 上收 that cuts
    the county total ("两个不减少"), is refused and nothing is saved. Moving
    reserve quota to a township is not a transfer (``reserve_assign``).
    Only the county office (edit right over the county) records one."""
    if holder.level == Level.TOWNSHIP:
        county = Region.objects.get(code=holder.county_code)
    elif holder.level == Level.COUNTY:
        county = holder
    else:
        raise StaffingPlanError("请选择乡镇（街道）或县机动编制")
    _require_edit(actor, county)
    document_number = require_document_number(document_number, StaffingPlanError)
    county_body = county_body.strip()
    if not county_body:
        raise StaffingPlanError("请填写县级机关或事业单位")
    Direction(direction)
    QuotaType(quota_type)
    to_reserve = holder.level == Level.COUNTY
    row: ApprovedQuota | CountyReserve | None = (
        CountyReserve.objects.select_for_update().filter(county=county, quota_type=quota_type).first()
        if to_reserve
        else ApprovedQuota.objects.select_for_update().filter(township=holder, quota_type=quota_type).first()
    )
    current = 0 if row is None else row.count
    held = f"{county.name}机动编制" if to_reserve else "乡镇现有核定编制"
    try:
        after = quota_after_transfer(current=current, direction=TransferDirection(direction), count=count, held=held)
    except ValueError as problem:
        raise StaffingPlanError(str(problem)) from None
    label = Direction(direction).label
    transfer = QuotaTransfer.objects.create(
        county=county, township=holder, county_body=county_body, direction=direction,
        quota_type=quota_type, count=count, document_number=document_number, date=date,
        reason=reason.strip(), created_by=_user(actor),
    )
    approved_quotas_apply(
        changes=[] if to_reserve else [QuotaChange(township=holder, quota_type=quota_type, after=after)],
        reserves=[ReserveChange(county=county, quota_type=quota_type, after=after)] if to_reserve else [],
        document_number=document_number,
        date=date,
        reason=f"{label}：{county_body}{('；' + reason.strip()) if reason.strip() else ''}"[:255],
        actor=actor,
    )
    audit_record(
        actor=actor, action="create", obj=transfer, region_code=holder.code,
        after={
            "方向": label, "县级机关或事业单位": county_body, "编制类型": quota_type, "编制数": count,
            "日期": date.isoformat(), ("机动编制" if to_reserve else "核定编制"): f"{current}→{after}",
        },
        reason=document_number,
    )
    return transfer
