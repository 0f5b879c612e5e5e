"""The duties start page and a county's overview of its lists."""

from __future__ import annotations

from collections import Counter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import scope_of
from bianzhi.core.duties import ListKind
from bianzhi.duties.selectors.access import access_requests, request_status_counts
from bianzhi.duties.selectors.catalogue import (
    catalogue_items,
    catalogue_list_model,
    catalogue_of,
    pending_rounds,
    take_up_summary,
)
from bianzhi.duties.selectors.common import counties
from bianzhi.duties.selectors.matters import matter_stats
from bianzhi.duties.selectors.statutory import statutory_items
from bianzhi.kernel import clock
from bianzhi.regions.models import Level


def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if scope.region is not None and scope.region.level == Level.TOWNSHIP:
        return redirect("duties:township", township_code=scope.region.code)
    visible = list(counties(scope=scope)[:200])
    if len(visible) == 1:
        return redirect("duties:county", county_code=visible[0].code)
    return render(request, "duties/index.html", {"counties": visible})


def county(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = scope.county_or_404(county_code)
    catalogue = catalogue_of(county=region)
    list_counts: Counter[str] = Counter()
    if catalogue is not None:
        list_counts.update(catalogue_items(catalogue=catalogue).values_list("list_kind", flat=True))
    lists = [
        (kind.label, list_counts[kind.value], catalogue_list_model(catalogue).classes_label(kind) if catalogue else "")
        for kind in ListKind
    ]
    requests = list(access_requests(scope=scope).filter(county=region))
    today = clock.today()
    return render(
        request,
        "duties/county.html",
        {
            "county": region,
            "catalogue": catalogue,
            "lists": lists,
            "summary": take_up_summary(county=region),
            "pending_rounds": pending_rounds(scope=scope).filter(township__county_code=region.code),
            "stats": matter_stats(county=region),
            "statutory": statutory_items(county=region),
            "status_counts": sorted(request_status_counts(requests, today).items()),
            "can_edit": scope.can_edit(region),
        },
    )
