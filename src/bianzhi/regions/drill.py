"""The drill-down (province → city → county, with a search box) as page
context, for the pages of other apps whose users above a county pick one
county: ``drill_context(request, scope=..., county_href=...)`` and
``{% include "regions/_drill.html" %}``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest

from bianzhi.accounts.scope import Scope
from bianzhi.regions.models import Level, Region
from bianzhi.regions.selectors import region_drill


def drill_context(
    request: HttpRequest, *, scope: Scope, county_href: Callable[[Region], str]
) -> dict[str, Any]:
    """``drill`` entries as (region, link, full name): a county links to
    ``county_href(county)``, a province or city to the next step."""
    drill = region_drill(
        scope=scope,
        parent_code=request.GET.get("parent", "").strip()[:12],
        q=request.GET.get("q", "")[:50],
    )

    def href(region: Region) -> str:
        if region.level == Level.COUNTY:
            return county_href(region)
        return f"{request.path}?{urlencode({'parent': region.code})}"

    codes = {c for r in drill.results for c in r.ancestor_codes()}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))

    def full(region: Region) -> str:
        return " ".join([*(names.get(c, "") for c in region.ancestor_codes()), region.name])

    return {
        "drill": drill,
        "drill_path": [(r, href(r)) for r in drill.path],
        "drill_children": [(r, href(r)) for r in drill.children],
        "drill_results": [(r, href(r), full(r)) for r in drill.results],
        "drill_top": request.path,
    }
