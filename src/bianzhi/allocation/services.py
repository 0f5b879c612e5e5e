"""Writes for allocation plans: create, update, run, approve, delete.

Rules every function enforces (views only check permissions):

* an approved plan is immutable: update, run, approve and delete raise
  ``PlanLocked``;
* changing a computed plan's parameters sends it back to 草稿 and drops its
  result (a result always belongs to the parameters shown next to it);
* approval needs a computed plan whose current quotas are still the live
  approved quotas (otherwise the 增减 shown to the approver would be wrong).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse

from bianzhi.accounts.models import Role
from bianzhi.adapters.allocation_export import json_document
from bianzhi.adapters.allocation_report import AllocationReport
from bianzhi.allocation import engine
from bianzhi.allocation.models import AllocationPlan, PlanAllocation, PlanMode, PlanStatus
from bianzhi.audit.services import audit_record
from bianzhi.core.allocation import AllocationError, AllocationResult
from bianzhi.core.rules import Finding
from bianzhi.inbox.kinds import NotificationKind
from bianzhi.inbox.services import notify_role
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError, require_document_number
from bianzhi.regions.models import Level, Region
from bianzhi.townships.models import (
    MAIN_INDICATOR_UNITS,
    ApprovedQuota,
    IndicatorDefinition,
    IndicatorValue,
)
from bianzhi.townships.selectors import county_classes
from bianzhi.townships.services import (
    QuotaChange,
    ReserveChange,
    approved_quotas_apply,
    approved_quotas_findings,
)

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


class PlanLocked(ServiceError):
    """The plan is approved and can no longer change."""

    def __init__(self, plan: AllocationPlan) -> None:
        super().__init__(f"方案“{plan.name}”已批准（{plan.document_number}），不能再修改、测算或删除")


def _require_unlocked(plan: AllocationPlan) -> None:
    if plan.status == PlanStatus.APPROVED:
        raise PlanLocked(plan)


def _plan_snapshot(plan: AllocationPlan) -> dict[str, Any]:
    return {
        "名称": plan.name,
        "年度": plan.year,
        "测算方式": plan.get_mode_display(),
        "状态": plan.status,
        "参数": plan.params,
    }


def _check(name: str, year: int, params: Mapping[str, Any]) -> None:
    problems = []
    if not name.strip():
        problems.append("方案名称不能为空")
    if not 1900 <= year <= 2200:
        problems.append(f"年度 {year} 不正确")
    problems += engine.params_problems(params)
    if problems:
        raise ServiceError(problems)


def _check_mode(region: Region, mode: str) -> None:
    if region.level == Level.COUNTY and mode != PlanMode.COUNTY:
        raise ServiceError("县级方案只能按本县测算")
    if region.level == Level.CITY and mode not in (PlanMode.PER_COUNTY, PlanMode.POOLED):
        raise ServiceError("市级方案须选择“各县分别控制”或“全市统筹”")
    if region.level not in (Level.COUNTY, Level.CITY):
        raise ServiceError("测算方案只能建在县级或市级区划")


@transaction.atomic
def plan_create(
    *,
    region: Region,
    name: str,
    year: int,
    params: Mapping[str, Any],
    mode: str = PlanMode.COUNTY,
    actor: User | None = None,
) -> AllocationPlan:
    """A new draft plan for a county (``mode`` COUNTY) or for a city across its
    counties (``mode`` PER_COUNTY or POOLED); ``params``: see ``AllocationPlan``
    and ``allocation.engine``."""
    _check_mode(region, mode)
    _check(name, year, params)
    plan = AllocationPlan.objects.create(
        region=region,
        name=name.strip(),
        year=year,
        mode=mode,
        params=dict(params),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor, action="create", obj=plan, region_code=region.code, after=_plan_snapshot(plan)
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: AllocationPlan,
    name: str,
    year: int,
    params: Mapping[str, Any],
    actor: User | None = None,
) -> AllocationPlan:
    """Change a plan's name, year or parameters; a computed plan goes back to draft."""
    plan = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
    _require_unlocked(plan)
    _check(name, year, params)
    before = _plan_snapshot(plan)
    changed = (plan.year, dict(plan.params)) != (year, dict(params))
    plan.name = name.strip()
    plan.year = year
    plan.params = dict(params)
    if changed:
        _drop_result(plan)
    plan.save()
    audit_record(
        actor=actor,
        action="update",
        obj=plan,
        region_code=plan.region.code,
        before=before,
        after=_plan_snapshot(plan),
    )
    return plan


def _drop_result(plan: AllocationPlan) -> None:
    plan.status = PlanStatus.DRAFT
    plan.inputs = None
    plan.results = None
    plan.problems = []
    plan.computed_at = None
    plan.allocations.all().delete()


def plan_counties(*, region: Region) -> list[Region]:
    """The counties a plan of ``region`` covers: the county itself, or the
    city's counties that have townships (in code order)."""
    if region.level == Level.COUNTY:
        return [region]
    with_townships = Region.objects.filter(level=Level.TOWNSHIP, city_code=region.code).values(
        "county_code"
    )
    return list(
        Region.objects.filter(
            level=Level.COUNTY, city_code=region.code, code__in=with_townships
        ).order_by("code")
    )


def plan_inputs(*, region: Region, year: int) -> dict[str, Any]:
    """The engine's view of the county or city now: townships with class,
    ``year``'s indicator values and current approved quotas (see
    ``allocation.engine``). A city offers the indicators every one of its
    counties has (the main three and the X indicators they share by name);
    each township takes its own county's class scheme."""
    from bianzhi.townships.models import Township

    counties = plan_counties(region=region)
    classes_of = {c.code: county_classes(county=c) for c in counties}
    townships = list(
        Region.objects.filter(
            level=Level.TOWNSHIP, county_code__in=[c.code for c in counties]
        ).order_by("code")
    )
    assigned = dict(
        Township.objects.filter(region__in=townships).values_list("region_id", "township_class")
    )
    values: dict[int, dict[str, float]] = {t.pk: {} for t in townships}
    for township_id, indicator, value in IndicatorValue.objects.filter(
        township__in=townships, year=year
    ).values_list("township_id", "indicator", "value"):
        values[township_id][indicator] = float(value)
    current: dict[int, dict[str, int]] = {t.pk: {} for t in townships}
    for township_id, quota_type, count in ApprovedQuota.objects.filter(
        township__in=townships
    ).values_list("township_id", "quota_type", "count"):
        current[township_id][quota_type] = count
    extra: dict[str, dict[str, str]] = {c.code: {} for c in counties}
    for county_id, name, unit in (
        IndicatorDefinition.objects.filter(county__in=counties)
        .order_by("id")
        .values_list("county__code", "name", "unit")
    ):
        extra[county_id][name] = unit
    first = extra[counties[0].code] if counties else {}
    shared = [n for n in first if all(n in extra[c.code] for c in counties)]
    indicators = [{"name": n, "unit": u} for n, u in MAIN_INDICATOR_UNITS.items()] + [
        {"name": n, "unit": first[n]} for n in shared
    ]
    classes: list[str] = []
    for county in counties:
        classes += [c for c in classes_of[county.code] if c not in classes]
    return {
        "year": year,
        "classes": classes,
        "indicators": indicators,
        "counties": [{"code": c.code, "name": c.name} for c in counties],
        "townships": [
            {
                "code": t.code,
                "name": t.name,
                "county": t.county_code,
                "class": assigned.get(t.pk, classes_of[t.county_code][-1]),
                "indicators": values[t.pk],
                "current": current[t.pk],
            }
            for t in townships
        ],
    }


def result_document(plan: AllocationPlan, result: AllocationResult) -> dict[str, Any]:
    """The stored JSON of one quota type's result (the export adapter's document)."""
    return json_document(AllocationReport(result=result, title=plan.name))


def results_document(plan: AllocationPlan, groups: Sequence[engine.Group]) -> dict[str, Any]:
    """The stored JSON of one quota type: the export adapter's document of the
    one group, or, for a 各县分别控制 plan, the groups merged so that every
    reader of ``townships`` (table, chart, warnings, comparison) works
    unchanged: plan-level figures are sums, each township carries its
    ``county``, and ``groups`` holds each county's own document (without
    its townships) for subtotals, explanations and its xlsx."""
    if len(groups) == 1 and not groups[0].code:
        document = result_document(plan, groups[0].result)
        if plan.mode == PlanMode.POOLED:
            # 全市统筹: say which county each township lies in (the page and
            # readers of the JSON see where quotas moved across counties).
            county_of = {t["code"]: t.get("county") for t in (plan.inputs or {}).get("townships", [])}
            for t in document["townships"]:
                t["county"] = county_of.get(t["code"])
        return document
    documents = [
        json_document(AllocationReport(result=g.result, title=f"{plan.name}（{g.name}）"))
        for g in groups
    ]
    merged_plan = {
        **documents[0]["plan"],
        "title": plan.name,
        "total": sum(d["plan"]["total"] for d in documents),
        "floors": {},
        "caps": {},
    }
    return {
        "plan": merged_plan,
        "total": sum(d["total"] for d in documents),
        "reserve": sum(d["reserve"] for d in documents),
        "distributable": sum(d["distributable"] for d in documents),
        # One divisor per county: the per-group documents carry them.
        "divisor": None,
        "divisor_interval": None,
        "ties": [code for d in documents for code in d["ties"]],
        "max_deviation": max(d["max_deviation"] for d in documents),
        "disproportionality": None,
        "townships": [
            {**t, "county": g.code} for g, d in zip(groups, documents, strict=True) for t in d["townships"]
        ],
        "groups": [
            {"code": g.code, "name": g.name, **{k: v for k, v in d.items() if k != "townships"}}
            for g, d in zip(groups, documents, strict=True)
        ],
        "generator": documents[0]["generator"],
    }


@transaction.atomic
def plan_run(*, plan: AllocationPlan, actor: User | None = None) -> AllocationPlan:
    """Run the engine on the county's or city's data now and store the result.

    On success the plan is 已测算 with ``inputs``, ``results`` and one
    ``PlanAllocation`` per township and quota type. If the engine refuses
    (``AllocationError``), the plan stays 草稿 with the Chinese ``problems``
    stored for the page; nothing else is kept.
    """
    plan = AllocationPlan.objects.select_for_update(of=("self",)).select_related("region").get(pk=plan.pk)
    _require_unlocked(plan)
    inputs = plan_inputs(region=plan.region, year=plan.year)
    _drop_result(plan)
    try:
        result = engine.run(plan.params, inputs, plan.mode)
    except AllocationError as exc:
        plan.problems = list(exc.problems)
        plan.save()
        audit_record(
            actor=actor,
            action="update",
            obj=plan,
            region_code=plan.region.code,
            after={"测算": "未通过", "问题": plan.problems[:20]},
        )
        return plan
    plan.inputs = inputs
    plan.results = {qt: results_document(plan, groups) for qt, groups in result.items()}
    allocated = [(qt, t) for qt, groups in result.items() for g in groups for t in g.result.townships]
    plan.status = PlanStatus.COMPUTED
    plan.computed_at = clock.now()
    plan.save()
    regions = {
        r.code: r
        for r in Region.objects.filter(code__in=[t["code"] for t in inputs["townships"]])
    }
    PlanAllocation.objects.bulk_create(
        PlanAllocation(
            plan=plan,
            township=regions[t.code],
            quota_type=quota_type,
            township_class=t.township_class,
            score=t.score,
            quota=t.quota,
            allocation=t.allocation,
            current=t.current,
            change=t.change,
            bound=t.bound.value,
        )
        for quota_type, t in allocated
    )
    audit_record(
        actor=actor,
        action="update",
        obj=plan,
        region_code=plan.region.code,
        after={
            "测算": "完成",
            **{
                qt: {t.code: t.allocation for g in groups for t in g.result.townships}
                for qt, groups in result.items()
            },
        },
    )
    # Approval is the next step: the region's 审核人 must act (keyed per run).
    notify_role(
        region=plan.region, role=Role.APPROVER, kind=NotificationKind.APPROVAL,
        title=f"待审核测算方案：{plan.name}", url=reverse("allocation:detail", args=[plan.pk]),
        key=f"plan-computed:{plan.pk}:{plan.computed_at.isoformat()}",
    )
    return plan


def _plan_changes(plan: AllocationPlan) -> list[QuotaChange]:
    allocations = plan.allocations.select_related("township").order_by("township__code")
    return [QuotaChange(township=a.township, quota_type=a.quota_type, after=a.allocation) for a in allocations]


def _plan_reserves(plan: AllocationPlan) -> list[ReserveChange]:
    """The counties' reserve pools (机动编制) after approval: a county plan's
    reserve, each county's own in a 各县分别控制 plan. The plan's total is
    the county's whole quota, so the pool becomes the plan's reserve (it
    replaces the one before). A 全市统筹 plan has one reserve for the whole
    city, which belongs to no county's pool: approving one with a reserve is
    refused (ServiceError)."""
    reserves: list[ReserveChange] = []
    counties = {c.code: c for c in plan_counties(region=plan.region)}
    for quota_type, document in (plan.results or {}).items():
        if plan.mode == PlanMode.COUNTY:
            reserves.append(ReserveChange(plan.region, quota_type, int(document["reserve"])))
        elif plan.mode == PlanMode.PER_COUNTY:
            for group in document.get("groups", []):
                reserves.append(ReserveChange(counties[group["code"]], quota_type, int(group["reserve"])))
        elif int(document["reserve"]):
            raise ServiceError(
                f"全市统筹方案的机动编制（{quota_type}{document['reserve']}名）不属于任何一个县的机动编制，"
                "批准后各县编制总量会减少：请把机动编制设为0，或改用“各县分别控制”"
            )
    return reserves


def plan_approval_findings(*, plan: AllocationPlan) -> list[Finding]:
    """The rule findings (block and warning) approving the computed `plan`
    would newly create, evaluated on the counties as they would be after
    approval in a rolled-back savepoint: shown on the plan page before
    anyone approves. Approval is refused while any of them is a block."""
    if plan.status != PlanStatus.COMPUTED:
        return []
    try:
        reserves = _plan_reserves(plan)
    except ServiceError:
        reserves = []  # the page shows the refusal when approving
    return approved_quotas_findings(changes=_plan_changes(plan), reserves=reserves, date=clock.today())


@transaction.atomic
def plan_approve(
    *, plan: AllocationPlan, document_number: str, date: date, actor: User | None = None
) -> AllocationPlan:
    """Approve a computed plan with a 文号: the townships' approved quotas become
    the plan's allocations (a ledger entry and an audit record for each change)
    and the plan becomes immutable."""
    plan = AllocationPlan.objects.select_for_update(of=("self",)).select_related("region").get(pk=plan.pk)
    _require_unlocked(plan)
    document_number = require_document_number(document_number)
    if plan.status != PlanStatus.COMPUTED or not plan.inputs:
        raise ServiceError("方案尚未测算，不能批准")
    live = plan_inputs(region=plan.region, year=plan.year)
    stale = [
        t["name"]
        for t, now in zip(plan.inputs["townships"], live["townships"], strict=False)
        if t["code"] != now["code"] or t["current"] != now["current"]
    ]
    if stale or len(plan.inputs["townships"]) != len(live["townships"]):
        raise ServiceError(
            "测算后核定编制已有变化（" + "、".join(stale[:10]) + "），请重新测算后再批准"
        )
    # Through the rule guard: refused (QuotaRuleViolation, a ServiceError)
    # with every new block finding, e.g. the county's 事业编制 total cut.
    approved_quotas_apply(
        changes=_plan_changes(plan),
        reserves=_plan_reserves(plan),
        document_number=document_number,
        date=date,
        reason=f"测算方案“{plan.name}”",
        plan=plan,
        actor=actor,
    )
    plan.status = PlanStatus.APPROVED
    plan.document_number = document_number
    plan.approval_date = date
    plan.approved_at = clock.now()
    plan.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    plan.save()
    audit_record(
        actor=actor,
        action="approve",
        obj=plan,
        region_code=plan.region.code,
        after={"状态": PlanStatus.APPROVED.label, "文号": document_number, "日期": date.isoformat()},
        reason=document_number,
    )
    # The office applies the new quotas; each township sees its own on its page.
    title = f"测算方案已批准：{plan.name}（{document_number}）"
    notify_role(
        region=plan.region, role=Role.OFFICER, kind=NotificationKind.RESULT, title=title,
        url=reverse("allocation:detail", args=[plan.pk]), key=f"plan-approved:{plan.pk}",
    )
    notify_role(
        region=plan.region, role=Role.TOWNSHIP, below=True, kind=NotificationKind.RESULT, title=title,
        url=lambda township: reverse("townships:detail", args=[township.code]),
        key=f"plan-approved:{plan.pk}",
    )
    return plan


@transaction.atomic
def plan_delete(*, plan: AllocationPlan, actor: User | None = None) -> None:
    plan = AllocationPlan.objects.select_for_update(of=("self",)).select_related("region").get(pk=plan.pk)
    _require_unlocked(plan)
    audit_record(
        actor=actor,
        action="delete",
        obj=plan,
        region_code=plan.region.code,
        before=_plan_snapshot(plan),
    )
    plan.delete()
