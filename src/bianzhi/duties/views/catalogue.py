"""Pages of the delegation catalogue and the county's take-up decision (the
township's proposal is on its list page, ``views.duty_list.township``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import actor_of, scope_of
from bianzhi.adapters.problems import InputError
from bianzhi.duties import exports
from bianzhi.duties.forms import UploadForm
from bianzhi.duties.models import TakeUpRound
from bianzhi.duties.selectors.catalogue import catalogue_items, catalogue_of
from bianzhi.duties.services.catalogue import catalogue_import, take_up_decide
from bianzhi.duties.services.common import DutyError
from bianzhi.duties.views.common import _error
from bianzhi.kernel.downloads import XLSX, download


def catalogue(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = scope.county_or_404(county_code)
    if request.method == "POST":
        # Before the file is read: only an editor's upload reaches the parser.
        scope.require_edit(region)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                from bianzhi.adapters.xlsx_duties import catalogue_read

                upload = form.cleaned_data["file"]
                data = catalogue_read(upload.read(), file_name=upload.name)
                result = catalogue_import(
                    actor=actor_of(request),
                    county=region,
                    data=data,
                    document_number=form.cleaned_data["document_number"],
                )
            except (InputError, DutyError) as exc:
                _error(request, exc)
            else:
                messages.success(
                    request, f"已导入：新增{result.created}项，修改{result.updated}项，撤销{result.withdrawn}项。"
                )
                return redirect("duties:catalogue", county_code=region.code)
    else:
        form = UploadForm()
    catalogue = catalogue_of(county=region)
    items = catalogue_items(catalogue=catalogue) if catalogue else []
    return render(
        request,
        "duties/catalogue.html",
        {"county": region, "catalogue": catalogue, "items": items, "form": form, "can_edit": scope.can_edit(region)},
    )


def catalogue_xlsx(request: HttpRequest, county_code: str) -> HttpResponse:
    region = scope_of(request).county_or_404(county_code)
    return download(exports.catalogue_xlsx(county=region), f"{region.name}赋权指导目录.xlsx", XLSX)


def round_decide(request: HttpRequest, round_id: int) -> HttpResponse:
    scope = scope_of(request)
    round_ = scope.filter(TakeUpRound.objects.select_related("township"), "township").filter(pk=round_id).first()
    if round_ is None:
        raise Http404("申报不存在或无权访问")
    if request.method != "POST":
        return redirect("duties:township", township_code=round_.township.code)
    try:
        take_up_decide(
            actor=actor_of(request),
            round=round_,
            approve=request.POST.get("approve") == "1",
            document_number=request.POST.get("document_number", ""),
            note=request.POST.get("note", ""),
        )
    except DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, "已审定。")
    return redirect("duties:township", township_code=round_.township.code)
