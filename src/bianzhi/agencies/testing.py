"""URL-walk registry entries of the agencies app (see bianzhi.kernel.testing)."""

from __future__ import annotations

from bianzhi.kernel.testing import ForeignWorld, url_param


@url_param("agency_id", url_name="agencies:agency")
def _agency(world: ForeignWorld) -> list[str]:
    from bianzhi.accounts.models import Department
    from bianzhi.agencies.models import DispatchedAgency
    from bianzhi.agencies.services import agency_create

    department, _ = Department.objects.get_or_create(county=world.county, name="县司法局")
    existing = DispatchedAgency.objects.filter(township=world.township, name="示例司法所").first()
    if existing is not None:
        return [str(existing.pk)]
    agency = agency_create(
        actor=None,
        township=world.township,
        name="示例司法所",
        agency_type="司法所",
        managing_department=department,
    )
    return [str(agency.pk)]


@url_param("pk", url_name="agency-detail")
def _api_agency(world: ForeignWorld) -> list[str]:
    return _agency(world)


@url_param("pk", url_name="agency-assessment-detail")
def _api_agency_assessment(world: ForeignWorld) -> list[str]:
    from decimal import Decimal

    from bianzhi.agencies.models import DispatchedAgency
    from bianzhi.agencies.services import agency_assessment_record

    agency = DispatchedAgency.objects.get(pk=int(_agency(world)[0]))
    assessment = agency_assessment_record(
        actor=None,
        agency=agency,
        year=2024,
        township_weight=Decimal(50),
        township_score=Decimal(90),
        department_score=Decimal(80),
    )
    return [str(assessment.pk)]


@url_param("pk", url_name="department-assessment-detail")
def _api_department_assessment(world: ForeignWorld) -> list[str]:
    from decimal import Decimal

    from bianzhi.accounts.models import Department
    from bianzhi.agencies.services import department_assessment_record

    department, _ = Department.objects.get_or_create(county=world.county, name="县司法局")
    assessment = department_assessment_record(
        actor=None,
        department=department,
        year=2024,
        township_weight=Decimal(30),
        township_score=Decimal(90),
        other_score=Decimal(80),
    )
    return [str(assessment.pk)]
