"""The counties and townships a reader may open; shared by the duties pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import Scope
from bianzhi.regions.models import Level, Region


def counties(*, scope: Scope) -> QuerySet[Region]:
    """Counties the reader sees whole (a township user sees none)."""
    return scope.regions().filter(level=Level.COUNTY)


def townships_of(*, county: Region) -> QuerySet[Region]:
    return Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code")


def _sees_county(scope: Scope, county: Region) -> bool:
    """Whole-county readers, and township users of that county (the
    territorial list concerns every township of it)."""
    if scope.can_view(county):
        return True
    return (
        Role.TOWNSHIP in scope.roles
        and scope.region is not None
        and scope.region.county_code == county.code
    )


def county_for_reader(*, scope: Scope, code: str) -> Region:
    """A county the reader may read county-wide lists of (township users: their own)."""
    county = Region.objects.filter(code=code, level=Level.COUNTY).first()
    if county is None or not _sees_county(scope, county):
        raise Http404("区划不存在或无权访问")
    return county
