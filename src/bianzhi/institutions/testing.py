"""URL-walk parameters for the institution pages (see bianzhi.kernel.testing)."""

from __future__ import annotations

from datetime import date

from bianzhi.kernel.testing import ForeignWorld, url_param


@url_param("institution_id")
def _institution(world: ForeignWorld) -> list[str]:
    if "institution_id" in world.extra:
        return [world.extra["institution_id"]]
    from bianzhi.institutions.models import Institution

    institution = Institution.objects.create(
        region=world.township, name="大英县测试办公室", kind="office", established_on=date(2020, 1, 1)
    )
    world.extra["institution_id"] = str(institution.pk)
    return [str(institution.pk)]


@url_param("pk", url_name="institution-detail")
def _api_institution(world: ForeignWorld) -> list[str]:
    return _institution(world)


@url_param("pk", url_name="institution-ledger")
def _api_institution_ledger(world: ForeignWorld) -> list[str]:
    return _institution(world)
