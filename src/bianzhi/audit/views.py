from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.accounts.scope import scope_of
from bianzhi.audit.models import Action
from bianzhi.audit.selectors import audit_record_list


def audit_list(request: HttpRequest) -> HttpResponse:
    """The user's region's 变更记录, filterable by object, region code and action."""
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("object_type", "object_id", "region_code", "action")
    }
    records = audit_record_list(scope=scope_of(request), **filters)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "records": page.object_list,
        "filters": filters,
        "actions": Action.choices,
    }
    if request.headers.get("HX-Request"):
        return render(request, "audit/_history.html", context)
    return render(request, "audit/list.html", context)
