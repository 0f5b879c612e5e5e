"""Pages of a county's statutory items: list, add, import, edit, retire."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import actor_of, scope_of
from bianzhi.adapters.problems import InputError
from bianzhi.audit.selectors import audit_history
from bianzhi.duties import exports
from bianzhi.duties.forms import RetireForm, StatutoryItemForm, UploadForm
from bianzhi.duties.selectors.common import county_for_reader
from bianzhi.duties.selectors.statutory import statutory_item_get, statutory_items
from bianzhi.duties.services.common import DutyError
from bianzhi.duties.services.statutory import (
    statutory_import,
    statutory_item_retire,
    statutory_item_set,
)
from bianzhi.duties.views.common import _error
from bianzhi.kernel.downloads import XLSX, download


def statutory(request: HttpRequest, county_code: str) -> HttpResponse:
    """The county's statutory items: list (in force and retired), add form and
    Excel import. Readers of the county's lists see it; writes are the
    services' call (a township user's POST is refused with 403)."""
    scope = scope_of(request)
    region = county_for_reader(scope=scope, code=county_code)
    add_form = StatutoryItemForm()
    upload_form = UploadForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                add_form = StatutoryItemForm(request.POST)
                if add_form.is_valid():
                    item = statutory_item_set(actor=actor_of(request), county=region, create_only=True, **add_form.cleaned_data)
                    messages.success(request, f"已新增法定事项：{item}")
                    return redirect("duties:statutory", county_code=region.code)
            elif action == "import":
                from bianzhi.adapters.xlsx_duties import statutory_read

                # Before the file is read: only an editor's upload reaches the parser.
                scope.require_edit(region)
                upload_form = UploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    upload = upload_form.cleaned_data["file"]
                    rows = statutory_read(upload.read(), file_name=upload.name)
                    result = statutory_import(
                        actor=actor_of(request),
                        county=region,
                        rows=rows,
                        document_number=upload_form.cleaned_data["document_number"],
                    )
                    messages.success(
                        request, f"已导入：新增{result.created}项，修改{result.updated}项，取消{result.retired}项。"
                    )
                    return redirect("duties:statutory", county_code=region.code)
            else:
                raise DutyError("未知操作")
        except (InputError, DutyError) as exc:
            _error(request, exc)
    return render(
        request,
        "duties/statutory.html",
        {
            "county": region,
            "items": statutory_items(county=region),
            "retired": statutory_items(county=region, active=False),
            "add_form": add_form,
            "upload_form": upload_form,
            "can_edit": scope.can_edit(region),
        },
    )


def statutory_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """One statutory item: edit (or restore a retired one), retire, history."""
    scope = scope_of(request)
    item = statutory_item_get(scope=scope, pk=item_id)
    can_edit = scope.can_edit(item.county)
    initial = {"code": item.code, "name": item.name, "power_type": item.power_type, "legal_basis": item.legal_basis}
    form = StatutoryItemForm(initial=initial, fixed_code=item.code)
    retire_form = RetireForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有本县编办管理员可以维护法定事项")
        action = request.POST.get("action")
        try:
            if action == "edit":
                form = StatutoryItemForm(request.POST, initial=initial, fixed_code=item.code)
                if form.is_valid():
                    statutory_item_set(actor=actor_of(request), county=item.county, **form.cleaned_data)
                    messages.success(request, "已保存。")
                    return redirect("duties:statutory-item", item_id=item.pk)
            elif action == "retire":
                retire_form = RetireForm(request.POST)
                if retire_form.is_valid():
                    statutory_item_retire(actor=actor_of(request), item=item, reason=retire_form.cleaned_data["reason"])
                    messages.success(request, "已取消该法定事项，各乡镇权责清单不再列出（历史记录保留）。")
                    return redirect("duties:statutory-item", item_id=item.pk)
            else:
                raise DutyError("未知操作")
        except DutyError as exc:
            _error(request, exc)
    return render(
        request,
        "duties/statutory_item.html",
        {
            "item": item,
            "form": form,
            "retire_form": retire_form,
            "records": audit_history(scope=scope, obj=item),
            "can_edit": can_edit,
        },
    )


def statutory_xlsx(request: HttpRequest, county_code: str) -> HttpResponse:
    region = county_for_reader(scope=scope_of(request), code=county_code)
    return download(exports.statutory_xlsx(county=region), f"{region.name}法定事项.xlsx", XLSX)


def statutory_template(request: HttpRequest, county_code: str) -> HttpResponse:
    region = county_for_reader(scope=scope_of(request), code=county_code)
    return download(exports.statutory_template_xlsx(), f"{region.name}法定事项导入模板.xlsx", XLSX)
