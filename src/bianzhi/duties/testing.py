"""URL-walk registry entries of the duties app (see bianzhi.kernel.testing)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bianzhi.kernel.testing import PUBLIC_URL_NAMES, ForeignWorld, ParamFactory, url_param

# The published powers-and-duties list is public on purpose (001 §(一)2:
# 及时向社会公开): anonymous visitors and other counties may read it.
PUBLIC_URL_NAMES.update(
    {
        "duties-public:township-duties",
        "duties-public:township-duties-xlsx",
        "duties-public:township-duties-pdf",
    }
)


@url_param("county_code")
def _county(world: ForeignWorld) -> list[str]:
    return [world.county.code]


@url_param("township_code")
def _township(world: ForeignWorld) -> list[str]:
    return [world.township.code]


def _department(world: ForeignWorld) -> Any:
    from bianzhi.accounts.models import Department

    department, _ = Department.objects.get_or_create(county=world.county, name="县农业农村局")
    return department


# Object parameters are registered per URL: other apps use the same names
# (tasks has its own round_id) and a global factory would be overwritten.
def _for(param: str, *url_names: str) -> Callable[[ParamFactory], ParamFactory]:
    def register(factory: ParamFactory) -> ParamFactory:
        for name in url_names:
            url_param(param, url_name=name)(factory)
        return factory

    return register


@_for("request_id", "duties:request-detail", "duties:request-edit")
def _request(world: ForeignWorld) -> list[str]:
    from bianzhi.duties.services.access import RequestFields, duty_request_create

    request = duty_request_create(
        actor=None,
        department=_department(world),
        fields=RequestFields(
            matter="示例事项",
            reason="示例",
            funding_amount=Decimal(1),
            township_codes=(world.township.code,),
        ),
    )
    return [str(request.pk)]


@_for("change_id", "duties:matter-change")
def _change(world: ForeignWorld) -> list[str]:
    from bianzhi.duties.services.matters import matter_change_request

    change = matter_change_request(
        actor=None,
        county=world.county,
        kind="add",
        proposed={
            "domain": "应急安全",
            "name": "示例事项",
            "township_role": "lead",
            "department": "县应急管理局",
            "department_role": "supporting",
        },
        reason="示例",
    )
    return [str(change.pk)]


@_for("item_id", "duties:statutory-item")
def _statutory_item(world: ForeignWorld) -> list[str]:
    from bianzhi.duties.services.statutory import statutory_item_set

    item = statutory_item_set(
        actor=None, county=world.county, code="FD-X", name="示例法定事项", power_type="其他行政权力"
    )
    return [str(item.pk)]


@_for("round_id", "duties:round-decide")
def _round(world: ForeignWorld) -> list[str]:
    from bianzhi.duties.models import DelegationCatalogue, TakeUpRound

    DelegationCatalogue.objects.get_or_create(county=world.county, defaults={"title": "示例目录"})
    round_ = TakeUpRound.objects.create(township=world.township, choices={}, note="示例")
    return [str(round_.pk)]


@_for("code", "duty-list-detail")
def _duty_list(world: ForeignWorld) -> list[str]:
    return [world.township.code]


@_for("pk", "duty-request-detail")
def _api_request(world: ForeignWorld) -> list[str]:
    return _request(world)


@_for("pk", "catalogue-item-detail")
def _api_catalogue_item(world: ForeignWorld) -> list[str]:
    from bianzhi.duties.models import CatalogueItem, DelegationCatalogue

    catalogue, _ = DelegationCatalogue.objects.get_or_create(county=world.county, defaults={"title": "示例目录"})
    item, _ = CatalogueItem.objects.get_or_create(
        catalogue=catalogue,
        code="JC-X",
        defaults={
            "name": "示例事项",
            "power_type": "行政许可",
            "delegating_department": "县某局",
            "list_kind": "base",
        },
    )
    return [str(item.pk)]


@_for("pk", "territorial-matter-detail")
def _api_matter(world: ForeignWorld) -> list[str]:
    from bianzhi.duties.models import TerritorialMatter

    matter, _ = TerritorialMatter.objects.get_or_create(
        county=world.county,
        code="X1",
        defaults={
            "domain": "应急安全",
            "name": "示例事项",
            "township_role": "lead",
            "department": "县应急管理局",
            "department_role": "supporting",
            "document_number": "示例",
        },
    )
    return [str(matter.pk)]
