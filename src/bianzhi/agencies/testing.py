"""URL-walk registry entries of the agencies app (see bianzhi.web.testing)."""

from __future__ import annotations

from bianzhi.web.testing import ForeignWorld, url_param


@url_param("agency_id", url_name="agencies:agency")
def _agency(world: ForeignWorld) -> list[str]:
    from bianzhi.accounts.models import Department
    from bianzhi.agencies.services import agency_create

    department, _ = Department.objects.get_or_create(county=world.county, name="县司法局")
    agency = agency_create(
        actor=None,
        township=world.township,
        name="示例司法所",
        agency_type="司法所",
        managing_department=department,
    )
    return [str(agency.pk)]
