"""URL-walk registry entries of the staffing-plans app (see bianzhi.kernel.testing)."""

from __future__ import annotations

from datetime import date

from bianzhi.kernel.testing import ForeignWorld, url_param


def _plan(world: ForeignWorld) -> str:
    from bianzhi.staffing_plans.models import RecruitmentPlan
    from bianzhi.staffing_plans.services import recruitment_plan_create

    plan = RecruitmentPlan.objects.filter(county=world.county, year=2024).first()
    if plan is None:
        plan = recruitment_plan_create(actor=None, county=world.county, year=2024)
    return str(plan.pk)


@url_param("plan_id", url_name="staffing_plans:plan")
def _plan_page(world: ForeignWorld) -> list[str]:
    return [_plan(world)]


@url_param("plan_id", url_name="staffing_plans:plan-xlsx")
def _plan_xlsx(world: ForeignWorld) -> list[str]:
    return [_plan(world)]


@url_param("plan_id", url_name="staffing_plans:plan-template")
def _plan_template(world: ForeignWorld) -> list[str]:
    return [_plan(world)]


@url_param("pk", url_name="recruitment-plan-detail")
def _api_plan(world: ForeignWorld) -> list[str]:
    return [_plan(world)]


@url_param("pk", url_name="quota-transfer-detail")
def _api_transfer(world: ForeignWorld) -> list[str]:
    from bianzhi.staffing_plans.models import QuotaTransfer
    from bianzhi.staffing_plans.services import quota_transfer_record

    existing = QuotaTransfer.objects.filter(township=world.township).first()
    if existing is None:
        existing = quota_transfer_record(
            actor=None, holder=world.township, county_body="县农业农村局", direction="down",
            quota_type="事业编制", count=1, document_number="大委编发〔2024〕1号", date=date(2024, 3, 1),
        )
    return [str(existing.pk)]
