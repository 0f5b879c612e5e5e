from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bianzhi.accounts.scope import Scope, actor_of, scope_of
from bianzhi.adapters.xlsx_cells import csv_text
from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.audit.models import Action
from bianzhi.audit.selectors import (
    audit_exportable,
    audit_readable,
    audit_record_list,
    last_verification,
    login_event_list,
)
from bianzhi.audit.services import audit_record, audit_verify
from bianzhi.kernel.downloads import download, xlsx_download

# An export is one file in one request: beyond this, narrow the filters.
EXPORT_MAX_ROWS = 200_000
HEADERS = ["编号", "时间", "操作人", "操作", "对象类型", "对象编号", "对象", "区划代码",
           "修改前", "修改后", "原因或文号", "摘要"]


class FilterForm(forms.Form):
    object_type = forms.CharField(required=False, max_length=100)
    object_id = forms.CharField(required=False, max_length=64)
    region_code = forms.CharField(required=False, max_length=12)
    action = forms.ChoiceField(required=False, choices=[("", "")] + Action.choices)
    actor = forms.CharField(required=False, max_length=150)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)


def _filters(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    if not audit_readable(scope=scope):
        raise PermissionDenied("系统管理员、安全管理员无权查阅变更记录（三权分立）")
    form = FilterForm(request.GET)
    # Bad values (a date like 2026-13-40) are dropped, not a 500.
    return {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}


def audit_list(request: HttpRequest) -> HttpResponse:
    """The user's region's 变更记录, filterable by object, region code, action,
    actor and date; the 审计管理员 also exports it and checks the hash chain."""
    scope = scope_of(request)
    filters = _filters(request, scope)
    records = audit_record_list(scope=scope, **filters)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    shown = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items()}
    context = {
        "page": page,
        "records": page.object_list,
        "filters": shown,
        "query": "&".join(f"{k}={v}" for k, v in shown.items()),
        "actions": Action.choices,
        "is_auditor": audit_exportable(scope=scope),
        "verification": last_verification() if audit_exportable(scope=scope) else None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "audit/_history.html", context)
    return render(request, "audit/list.html", context)


def audit_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered trail as xlsx or csv (审计管理员 only), recorded before it goes out."""
    scope = scope_of(request)
    if not audit_exportable(scope=scope):
        raise PermissionDenied("只有审计管理员可以导出变更记录")
    filters = _filters(request, scope)
    records = audit_record_list(scope=scope, **filters).order_by("id")[:EXPORT_MAX_ROWS]
    rows = [
        [r.pk, timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M:%S"), r.actor_name,
         r.get_action_display(), r.object_type, r.object_id, r.object_label, r.region_code,
         "" if r.before is None else str(r.before), "" if r.after is None else str(r.after),
         r.reason, r.digest]
        for r in records
    ]
    region = scope.region.code if scope.region else ""
    audit_record(
        actor=actor_of(request), action=Action.EXPORT, object_type="audit.export",
        object_id=region or "全部", object_label=f"变更记录导出（{len(rows)} 条，{fmt}）",
        region_code=region,
        after={"rows": len(rows), "format": fmt,
               "criteria": {k: str(v) for k, v in filters.items()}},
        reason="审计管理员导出变更记录",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        return xlsx_download(write_workbook("变更记录", HEADERS, rows), f"变更记录-{stamp}.xlsx")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([csv_text(v) if isinstance(v, str) else v for v in row])
    # BOM: Excel opens UTF-8 CSV as Chinese only with it.
    return download(("\ufeff" + out.getvalue()).encode("utf-8"), f"变更记录-{stamp}.csv",
                    "text/csv; charset=utf-8")


@require_POST
def audit_verify_now(request: HttpRequest) -> HttpResponse:
    """The 审计管理员 runs the hash-chain verification from the page."""
    scope = scope_of(request)
    if not audit_exportable(scope=scope):
        raise PermissionDenied("只有审计管理员可以校验变更记录")
    result = audit_verify(by=request.user.get_username())
    if result.ok:
        messages.success(request, f"变更记录完整：共校验 {result.checked} 条。")
    else:
        messages.error(request, f"变更记录校验失败：{result.message}")
    return redirect("audit:list")


def login_history(request: HttpRequest) -> HttpResponse:
    """登录记录 of the users of the 审计管理员's region (and below)."""
    scope = scope_of(request)
    if not audit_exportable(scope=scope):
        raise PermissionDenied("只有审计管理员可以查阅全部登录记录")
    events = login_event_list(scope=scope).select_related("user")
    username = request.GET.get("username", "").strip()[:150]
    if username:
        events = events.filter(username=username)
    if request.GET.get("failed"):
        events = events.filter(succeeded=False)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/logins.html", {"page": page, "username": username,
                                                 "failed": bool(request.GET.get("failed"))})
