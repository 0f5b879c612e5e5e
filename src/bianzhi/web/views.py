from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.regions.selectors import region_children, region_roots


def home(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    roots = list(region_roots(scope=scope))
    children = region_children(scope=scope, region=roots[0]) if len(roots) == 1 else None
    return render(request, "web/home.html", {"roots": roots, "children": children})


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
