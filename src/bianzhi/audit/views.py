from __future__ import annotations

import csv
import io
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
from bianzhi.audit.display import history_rows, type_label
from bianzhi.audit.models import Action
from bianzhi.audit.selectors import (
    audit_exportable,
    audit_filter_choices,
    audit_readable,
    audit_record_list,
    last_verification,
    login_event_list,
)
from bianzhi.audit.services import audit_record, audit_verify
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import download, xlsx_download
from bianzhi.kernel.fields import date_field

PAGE_SIZE = 20
# An export is one file in one request: beyond this, narrow the filters.
EXPORT_MAX_ROWS = 200_000
HEADERS = ["编号", "时间", "操作人", "操作", "对象类型", "对象编号", "对象", "区划代码",
           "修改前", "修改后", "原因或文号", "摘要"]


class AuditFilterForm(forms.Form):
    actor_name = forms.ChoiceField(
        label="操作人", required=False, widget=forms.Select(attrs={"aria-label": "操作人"})
    )
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部操作"), *Action.choices],
        widget=forms.Select(attrs={"aria-label": "操作"}),
    )
    object_type = forms.ChoiceField(
        label="对象类型", required=False, widget=forms.Select(attrs={"aria-label": "对象类型"})
    )
    date_from = date_field("起始日期", required=False)
    date_to = date_field("截止日期", required=False)
    region_code = forms.CharField(
        label="区划代码", required=False, max_length=12,
        widget=forms.TextInput(attrs={"placeholder": "区划代码", "aria-label": "区划代码"}),
    )
    object_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


def _filter_form(request: HttpRequest, scope: Scope) -> tuple[AuditFilterForm, dict[str, Any]]:
    """The filter form with the choices that occur in the user's records, and
    the filters it gives (bad values, such as 2026-13-40, are dropped)."""
    if not audit_readable(scope=scope):
        raise PermissionDenied("系统管理员、安全管理员无权查阅变更记录（三权分立）")
    choices = audit_filter_choices(scope=scope)
    form = AuditFilterForm(request.GET or None)
    actor_field = form.fields["actor_name"]
    type_field = form.fields["object_type"]
    assert isinstance(actor_field, forms.ChoiceField) and isinstance(type_field, forms.ChoiceField)
    actor_field.choices = [("", "全部操作人")] + [(a, a) for a in choices["actors"]]
    type_field.choices = [("", "全部对象类型")] + sorted(
        ((t, type_label(t)) for t in choices["object_types"]), key=lambda c: c[1]
    )
    cleaned = form.cleaned_data if form.is_valid() else {}
    filters = {
        "object_type": cleaned.get("object_type") or "",
        "object_id": cleaned.get("object_id") or "",
        "region_code": (cleaned.get("region_code") or "").strip(),
        "action": cleaned.get("action") or "",
        "actor_name": cleaned.get("actor_name") or "",
        "date_from": cleaned.get("date_from"),
        "date_to": cleaned.get("date_to"),
    }
    return form, filters


def audit_list(request: HttpRequest) -> HttpResponse:
    """The user's region's 变更记录, newest first, 20 a page, filtered by
    operator, action, object type, date range and region code; the 审计管理员
    also exports it and checks the hash chain."""
    scope = scope_of(request)
    form, filters = _filter_form(request, scope)
    records = audit_record_list(scope=scope, **filters)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    auditor = audit_exportable(scope=scope)
    context = {
        "page": page,
        "history_rows": history_rows(page.object_list),
        "form": form,
        "query": query.urlencode(),
        "is_auditor": auditor,
        "verification": last_verification() if auditor else None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "audit/_history.html", context)
    return render(request, "audit/list.html", context)


def audit_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The filtered trail as xlsx or csv (审计管理员 only), recorded before it goes out."""
    scope = scope_of(request)
    if not audit_exportable(scope=scope):
        raise PermissionDenied("只有审计管理员可以导出变更记录")
    _form, filters = _filter_form(request, scope)
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
               "criteria": {k: str(v) for k, v in filters.items() if v}},
        reason="审计管理员导出变更记录",
    )
    stamp = timezone.localtime(clock.now()).strftime("%Y%m%d-%H%M")
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
