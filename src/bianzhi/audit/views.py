from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bianzhi.accounts.scope import scope_of
from bianzhi.audit.display import history_rows, type_label
from bianzhi.audit.models import Action
from bianzhi.audit.selectors import audit_filter_choices, audit_record_list
from bianzhi.kernel.fields import date_field

PAGE_SIZE = 20


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


def audit_list(request: HttpRequest) -> HttpResponse:
    """The user's region's 变更记录, newest first, 20 a page, filtered by
    operator, action, object type, date range and region code."""
    scope = scope_of(request)
    choices = audit_filter_choices(scope=scope)
    form = AuditFilterForm(request.GET or None)
    actor_field = form.fields["actor_name"]
    type_field = form.fields["object_type"]
    assert isinstance(actor_field, forms.ChoiceField) and isinstance(type_field, forms.ChoiceField)
    actor_field.choices = [("", "全部操作人")] + [(a, a) for a in choices["actors"]]
    type_field.choices = [("", "全部对象类型")] + sorted(
        ((t, type_label(t)) for t in choices["object_types"]), key=lambda c: c[1]
    )
    filters = form.cleaned_data if form.is_valid() else {}
    records = audit_record_list(
        scope=scope,
        object_type=filters.get("object_type") or "",
        object_id=filters.get("object_id") or "",
        region_code=(filters.get("region_code") or "").strip(),
        action=filters.get("action") or "",
        actor_name=filters.get("actor_name") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "history_rows": history_rows(page.object_list),
        "form": form,
        "query": query.urlencode(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "audit/_history.html", context)
    return render(request, "audit/list.html", context)
