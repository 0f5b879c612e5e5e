"""Demo step: one approved allocation plan per demo county.

Each plan is created, run and approved through the services, so its
approval leaves ledger entries and audit records like a real one. A county
that already has the demo plan is left alone (idempotent).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bianzhi.allocation import selectors, services
from bianzhi.allocation.models import AllocationPlan, PlanStatus
from bianzhi.kernel.demo import DAYING, TONGWEI, DemoContext, demo_step
from bianzhi.regions.models import Region
from bianzhi.townships.demo import DEMO_YEAR
from bianzhi.townships.models import QuotaType

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

# county: (文号, 日期, 行政编制 total, floors of 行政编制)
DEMO_PLANS: dict[str, tuple[str, date, int, dict[str, int]]] = {
    DAYING: ("大委编发〔2026〕3号", date(2026, 3, 16), 160, {"一般乡镇": 15}),
    TONGWEI: ("通委编发〔2026〕5号", date(2026, 4, 8), 270, {"三类": 13}),
}


def demo_plan_name(county: Region) -> str:
    return f"{county.name}{DEMO_YEAR}年乡镇编制测算方案（示例）"


def demo_plan(county: Region, *, approve: bool = True, actor: User | None = None) -> AllocationPlan:
    """The county's demo plan: created, run and (optionally) approved once."""
    plan = AllocationPlan.objects.filter(region=county, name=demo_plan_name(county)).first()
    if plan is None:
        params = selectors.plan_default_params(region=county)
        document, _, admin_total, floors = DEMO_PLANS[county.code]
        params[QuotaType.ADMIN].update(total=admin_total, floors=floors)
        # 事业编制 keeps the default reserve (5%): approval puts it in the
        # county's reserve pool (机动编制, 001 §(三)2), still part of the
        # county total that "两个不减少" compares.
        params[QuotaType.INSTITUTION].update(max_step=3)
        plan = services.plan_create(
            region=county, name=demo_plan_name(county), year=DEMO_YEAR, params=params, actor=actor
        )
    if plan.status == PlanStatus.DRAFT:
        plan = services.plan_run(plan=plan, actor=actor)
        if plan.problems:
            raise RuntimeError("示例方案测算未通过：" + "；".join(plan.problems))
    if approve and plan.status == PlanStatus.COMPUTED:
        document, when, _, _ = DEMO_PLANS[county.code]
        plan = services.plan_approve(plan=plan, document_number=document, date=when, actor=actor)
    return plan


@demo_step("测算方案（已批准示例）", order=40)
def demo_plans(ctx: DemoContext) -> None:
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None or code not in DEMO_PLANS:
            continue
        plan = demo_plan(county)
        ctx.echo(f"  {county.name}：{plan.name}（{plan.get_status_display()}，{plan.document_number}）")
