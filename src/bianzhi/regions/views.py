from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.accounts.scope import scope_of
from bianzhi.audit.selectors import audit_history
from bianzhi.regions import selectors


def region_browse(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    return render(request, "regions/browse.html", {"roots": selectors.region_roots(scope=scope)})


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request)
    region = selectors.region_get(scope=scope, code=code)
    children = selectors.region_children(scope=scope, region=region)
    context = {
        "region": region,
        "path": selectors.region_path(region=region),
        "children": children,
        "records": audit_history(scope=scope, obj=region)[:50],
    }
    if request.headers.get("HX-Request"):
        return render(request, "regions/_children.html", context)
    return render(request, "regions/detail.html", context)


def region_search(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    q = request.GET.get("q", "").strip()
    results = (
        selectors.region_list(scope=scope, q=q) if q else selectors.region_list(scope=scope).none()
    )
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    context = {"q": q, "page": page}
    if request.headers.get("HX-Request"):
        return render(request, "regions/_results.html", context)
    return render(request, "regions/search.html", context)
