"""URL-walk parameters for the roster pages (see bianzhi.kernel.testing)."""

from __future__ import annotations

from datetime import date

from bianzhi.kernel.testing import ForeignWorld, url_param


@url_param("person_id")
def _person(world: ForeignWorld) -> list[str]:
    if "person_id" in world.extra:
        return [world.extra["person_id"]]
    from bianzhi.core.idnumber import check_digit
    from bianzhi.roster.models import Person

    first17 = "51092319900101001"
    person = Person.objects.create(
        id_number=first17 + check_digit(first17), name="大英县测试人员", gender="男",
        birth_date=date(1990, 1, 1), region=world.township, quota_type="行政编制",
    )
    world.extra["person_id"] = str(person.pk)
    return [str(person.pk)]


@url_param("pk", url_name="person-detail")
def _api_person(world: ForeignWorld) -> list[str]:
    return _person(world)
