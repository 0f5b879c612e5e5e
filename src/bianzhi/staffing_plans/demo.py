"""Demo step: a recruitment plan for last year and this year and one quota
transfer down (下沉) per demo county (示例数据: plausible, not official).
Planned counts stay within each township's vacancy; the transfer (one 编制, so
that 蓬莱镇 stays above the 95% usage rate below which its secondee would be
refused by secondment-understaffed) goes to the
first township (蓬莱镇 in 大英县) through the approved-quota ledger.
Idempotent: a county that already has plans is skipped."""

from __future__ import annotations

from datetime import date

from bianzhi.kernel.clock import today
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.models import Level, Region
from bianzhi.staffing_plans import services
from bianzhi.staffing_plans.models import RecruitmentPlan
from bianzhi.staffing_plans.selectors import vacancy_table

SHORT = {"510923": "大委编发", "621121": "通编发"}


@demo_step("用编进人计划与下沉编制（示例数据）", order=76)
def staffing_plans(ctx: DemoContext) -> None:
    year = today().year
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code, level=Level.COUNTY).first()
        if county is None or RecruitmentPlan.objects.filter(county=county).exists():
            continue
        first = Region.objects.filter(level=Level.TOWNSHIP, county_code=code).order_by("code").first()
        if first is None:
            continue
        prefix = SHORT.get(code, "编发")
        services.quota_transfer_record(
            actor=None, holder=first, county_body="县农业农村局所属事业单位", direction="down",
            quota_type="事业编制", count=1, document_number=f"{prefix}〔{year - 1}〕8号", date=date(year - 1, 6, 1),
            reason="撤并生产经营类事业单位，空余编制下沉乡镇",
        )
        for plan_year in (year - 1, year):
            plan = services.recruitment_plan_create(actor=None, county=county, year=plan_year)
            lines = [
                services.EntryLine(row.township, row.quota_type, min(row.vacancy, 2 if plan_year == year else 1))
                for row in vacancy_table(county=county).values()
                if row.vacancy > 0
            ]
            services.planned_entries_set(actor=None, plan=plan, lines=lines)
            if plan_year < year and lines:
                services.recruitment_plan_issue(
                    actor=None, plan=plan, document_number=f"{prefix}〔{plan_year}〕3号", issued_on=date(plan_year, 3, 1)
                )
