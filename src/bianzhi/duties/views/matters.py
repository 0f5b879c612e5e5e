"""Pages of the territorial-matters list: the approved edition (import,
download) and change requests through review and approval."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import actor_of, scope_of
from bianzhi.adapters.problems import InputError
from bianzhi.audit.selectors import audit_history
from bianzhi.duties import exports
from bianzhi.duties.forms import MatterChangeForm, UploadForm
from bianzhi.duties.models import MatterChangeKind
from bianzhi.duties.selectors.common import county_for_reader
from bianzhi.duties.selectors.matters import matter_change_get, matter_changes, matter_stats
from bianzhi.duties.selectors.matters import matters as county_matters
from bianzhi.duties.services.common import DutyError
from bianzhi.duties.services.matters import (
    matter_change_decide,
    matter_change_request,
    matter_change_review,
    matters_import,
)
from bianzhi.duties.views.common import _error
from bianzhi.kernel.downloads import XLSX, download

# The selector `matters` is imported as `county_matters`: the page below is `matters`.


def matters(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = county_for_reader(scope=scope, code=county_code)
    if request.method == "POST":
        # Before the file is read: only the approver the import needs
        # (matters_import) gets an upload to the parser.
        scope.require_approve(region)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                from bianzhi.adapters.xlsx_duties import matters_read

                upload = form.cleaned_data["file"]
                rows = matters_read(upload.read(), file_name=upload.name)
                result = matters_import(
                    actor=actor_of(request), county=region, rows=rows, document_number=form.cleaned_data["document_number"]
                )
            except (InputError, DutyError) as exc:
                _error(request, exc)
            else:
                messages.success(
                    request, f"已导入：新增{result.created}项，修改{result.updated}项，取消{result.withdrawn}项。"
                )
                return redirect("duties:matters", county_code=region.code)
    else:
        form = UploadForm()
    return render(
        request,
        "duties/matters.html",
        {
            "county": region,
            "matters": county_matters(county=region),
            "stats": matter_stats(county=region),
            "changes": matter_changes(scope=scope, county=region)[:50],
            "form": form,
            "can_approve": scope.can_approve(region),
        },
    )


def matters_xlsx(request: HttpRequest, county_code: str) -> HttpResponse:
    region = county_for_reader(scope=scope_of(request), code=county_code)
    return download(exports.matters_xlsx(county=region), f"{region.name}属地事项责任清单.xlsx", XLSX)


def matter_request(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = county_for_reader(scope=scope, code=county_code)
    choices = [(m.pk, f"{m.code} {m.name}") for m in county_matters(county=region)]
    form = MatterChangeForm(request.POST or None, matters=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matter = county_matters(county=region).filter(pk=data["matter"]).first() if data["matter"] else None
        try:
            change = matter_change_request(
                actor=actor_of(request),
                county=region,
                kind=data["kind"],
                matter=matter,
                proposed={k: data[k] for k in ("domain", "name", "township_role", "department", "department_role", "basis")}
                if data["kind"] != MatterChangeKind.REMOVE
                else None,
                reason=data["reason"],
            )
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "调整申请已提交，等待审核。")
            return redirect("duties:matter-change", change_id=change.pk)
    return render(request, "duties/matter_request.html", {"county": region, "form": form})


def matter_change(request: HttpRequest, change_id: int) -> HttpResponse:
    scope = scope_of(request)
    change = matter_change_get(scope=scope, pk=change_id)
    if request.method == "POST":
        action = request.POST.get("action")
        note = request.POST.get("note", "")
        try:
            if action == "review":
                matter_change_review(actor=actor_of(request), change=change, passes=request.POST.get("passes") == "1", note=note)
            elif action == "decide":
                matter_change_decide(
                    actor=actor_of(request),
                    change=change,
                    approve=request.POST.get("approve") == "1",
                    document_number=request.POST.get("document_number", ""),
                    note=note,
                )
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已办理。")
        return redirect("duties:matter-change", change_id=change.pk)
    return render(
        request,
        "duties/matter_change.html",
        {
            "change": change,
            "records": audit_history(scope=scope, obj=change),
            "can_edit": scope.can_edit(change.county),
            "can_approve": scope.can_approve(change.county),
        },
    )
