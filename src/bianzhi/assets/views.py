"""Thin views of the public-asset pages: forms parse, the scope looks up
(404 outside), services write, ``service_errors`` shows refusals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.accounts.scope import Scope, scope_of
from bianzhi.adapters.xlsx_columns import SheetError
from bianzhi.assets import importing, selectors, services
from bianzhi.assets.forms import AssetForm, PlanForm, RoundForm, TransferForm
from bianzhi.assets.models import Asset, InventoryReturn
from bianzhi.core.assets import CLASSES, DISPOSED, SOURCE, USE_STATUSES, categories_for
from bianzhi.core.tasks import TaskStatus
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.errors import ServiceError, service_errors
from bianzhi.kernel.fields import form_errors
from bianzhi.regions.models import Level, Region


def _require_write(scope: Scope, region: Region) -> None:
    if not selectors.may_write(scope, region):
        raise PermissionDenied("无权修改该乡镇的资产台账")


def _filters(request: HttpRequest) -> selectors.AssetFilter:
    cls, status = request.GET.get("asset_class", ""), request.GET.get("use_status", "")
    return selectors.AssetFilter(
        township=request.GET.get("township", "")[:12],
        asset_class=cls if cls in CLASSES else "",
        use_status=status if status in USE_STATUSES else "",
    )


def _list_of(region: Region) -> HttpResponse:
    return redirect(f"{reverse('assets:list')}?township={region.code}")


def asset_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if request.method == "POST":
        region = scope.township_or_404(request.POST.get("township", ""))
        _require_write(scope, region)
        form = AssetForm(request.POST)
        with service_errors(request) as outcome:
            if not form.is_valid():
                raise ServiceError(form_errors(form))
            asset = services.asset_create(
                actor=request.user, township=region, fields=services.AssetFields(**form.cleaned_data)
            )
        if outcome.ok:
            return redirect("assets:detail", asset_id=asset.pk)
        return _list_of(region)
    filters = _filters(request)
    townships = selectors.townships(scope=scope)[:500]
    return render(request, "assets/list.html", {
        "assets": selectors.assets(scope=scope, filters=filters)[:1000],
        "filters": filters, "townships": townships,
        "writable": [t for t in townships if selectors.may_write(scope, t)],
        "form": AssetForm(), "classes": CLASSES, "statuses": USE_STATUSES,
    })


def asset_template(request: HttpRequest) -> HttpResponse:
    return xlsx_download(importing.asset_template(), "镇村公有资产台账模板.xlsx")


def asset_export(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.assets(scope=scope_of(request), filters=_filters(request))[:50000])
    return xlsx_download(importing.assets_xlsx(rows), "镇村公有资产台账.xlsx")


def asset_import(request: HttpRequest, township_code: str) -> HttpResponseBase:
    scope = scope_of(request)
    region = scope.township_or_404(township_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # Before the file is read: only a writer's upload reaches the parser.
    _require_write(scope, region)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择资产台账 Excel 文件。")
        return _list_of(region)
    try:
        rows = importing.parse_assets(upload.read(), filename=upload.name or "资产台账.xlsx")
    except SheetError as error:
        for item in error.errors:
            messages.error(request, str(item))
        messages.error(request, "资产台账未导入（全部行无误后才会导入）。")
        return _list_of(region)
    with service_errors(request) as outcome:
        created = services.asset_import(actor=request.user, township=region, rows=rows)
    if outcome.ok:
        messages.success(request, f"已导入 {len(created)} 宗资产。")
    else:
        messages.error(request, "资产台账未导入（全部行无误后才会导入）。")
    return _list_of(region)


def asset_detail(request: HttpRequest, asset_id: int) -> HttpResponse:
    scope = scope_of(request)
    asset = selectors.asset_get(scope=scope, pk=asset_id)
    plan = getattr(asset, "plan", None)
    return render(request, "assets/detail.html", {
        "asset": asset,
        "photos": asset.files.filter(is_evidence=False),
        "evidence": asset.files.filter(is_evidence=True),
        "transfers": asset.transfers.all(),
        "plan": plan,
        "reports": plan.reports.select_related("author") if plan else [],
        "plan_status": selectors.today_status(plan, clock.today()) if plan else "",
        "categories": categories_for(asset.owner),
        "may_write": selectors.may_write(scope, asset.township),
        "edit_form": AssetForm(
            initial={name: getattr(asset, name) for name in services.ASSET_FIELDS}, auto_id="edit_%s"
        ) if asset.use_status != DISPOSED else None,
        "may_approve": scope.can_approve(asset.township),
        "statuses": {s.name: s.value for s in TaskStatus}, "today": clock.today(), "source": SOURCE,
    })


def _post(request: HttpRequest, asset_id: int) -> tuple[Scope, Asset] | HttpResponseBase:
    scope = scope_of(request)
    asset = selectors.asset_get(scope=scope, pk=asset_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return scope, asset


def _done(request: HttpRequest, asset: Asset, ok: bool) -> HttpResponse:
    if ok:
        messages.success(request, "已保存。")
    return redirect("assets:detail", asset_id=asset.pk)


def asset_photos(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    got = _post(request, asset_id)
    if isinstance(got, HttpResponseBase):
        return got
    scope, asset = got
    _require_write(scope, asset.township)
    with service_errors(request) as outcome:
        services.asset_add_photos(actor=request.user, asset=asset, files=request.FILES.getlist("files"))
    return _done(request, asset, outcome.ok)


def asset_edit(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    """Correct the register entry (checked as at creation; owner and village
    move only by a transfer, the use status only as the service allows)."""
    got = _post(request, asset_id)
    if isinstance(got, HttpResponseBase):
        return got
    scope, asset = got
    _require_write(scope, asset.township)
    form = AssetForm(request.POST)
    with service_errors(request) as outcome:
        if not form.is_valid():
            raise ServiceError(form_errors(form))
        services.asset_update(actor=request.user, asset=asset, fields=services.AssetFields(**form.cleaned_data))
    return _done(request, asset, outcome.ok)


def asset_transfer(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    got = _post(request, asset_id)
    if isinstance(got, HttpResponseBase):
        return got
    scope, asset = got
    _require_write(scope, asset.township)
    form = TransferForm(request.POST)
    with service_errors(request) as outcome:
        if not form.is_valid():
            raise ServiceError(form_errors(form))
        services.asset_transfer(actor=request.user, asset=asset, **form.cleaned_data)
    return _done(request, asset, outcome.ok)


def plan_create(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    got = _post(request, asset_id)
    if isinstance(got, HttpResponseBase):
        return got
    scope, asset = got
    _require_write(scope, asset.township)
    form = PlanForm(request.POST)
    with service_errors(request) as outcome:
        if not form.is_valid():
            raise ServiceError(form_errors(form))
        services.plan_create(actor=request.user, asset=asset, **form.cleaned_data)
    return _done(request, asset, outcome.ok)


def _plan_step(request: HttpRequest, asset_id: int, step: str) -> HttpResponseBase:
    got = _post(request, asset_id)
    if isinstance(got, HttpResponseBase):
        return got
    scope, asset = got
    plan = getattr(asset, "plan", None)
    if plan is None:
        messages.error(request, "该资产还没有盘活方案。")
        return redirect("assets:detail", asset_id=asset.pk)
    text = request.POST.get("text", "")[:2000]
    with service_errors(request) as outcome:
        if step == "report":
            _require_write(scope, asset.township)
            services.plan_report(actor=request.user, plan=plan, text=text)
        elif step == "closeout":
            _require_write(scope, asset.township)
            services.plan_request_closeout(actor=request.user, plan=plan, text=text, files=request.FILES.getlist("files"))
        elif step == "approve":
            scope.require_approve(asset.township)
            services.plan_approve_closeout(actor=request.user, plan=plan, text=text)
        else:
            scope.require_approve(asset.township)
            services.plan_reject_closeout(actor=request.user, plan=plan, reason=text)
    return _done(request, asset, outcome.ok)


def plan_report(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    return _plan_step(request, asset_id, "report")


def plan_closeout(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    return _plan_step(request, asset_id, "closeout")


def plan_approve(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    return _plan_step(request, asset_id, "approve")


def plan_reject(request: HttpRequest, asset_id: int) -> HttpResponseBase:
    return _plan_step(request, asset_id, "reject")


def asset_file(request: HttpRequest, asset_file_id: int) -> FileResponse:
    item = selectors.file_get(scope=scope_of(request), pk=asset_file_id)
    # A download, never inline: an uploaded file is not trusted content.
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                        content_type=item.content_type)


# --- inventory rounds ---------------------------------------------------------------


def round_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if request.method == "POST":
        county = scope.county_or_404(request.POST.get("county", ""))
        scope.require_edit(county)
        form = RoundForm(request.POST)
        with service_errors(request) as outcome:
            if not form.is_valid():
                raise ServiceError(form_errors(form))
            data = form.cleaned_data
            item = services.round_create(actor=request.user, county=county, year=data["year"],
                                         title=data["title"], deadline=data["deadline"])
        if outcome.ok:
            return redirect("assets:round_detail", round_id=item.pk)
        return redirect("assets:round_list")
    counties = [c for c in scope.regions().filter(level=Level.COUNTY).order_by("code")[:200] if scope.can_edit(c)]
    return render(request, "assets/round_list.html", {
        "rounds": selectors.rounds_for(scope=scope), "counties": counties, "year": clock.today().year,
    })


def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    scope = scope_of(request)
    item = selectors.round_get(scope=scope, pk=round_id)
    towns = [t for t in Region.objects.filter(level=Level.TOWNSHIP, county_code=item.county.code).order_by("code")
             if scope.can_view(t)]
    if request.method == "POST":
        township = next((t for t in towns if t.code == request.POST.get("township", "")), None)
        if township is None:
            from django.http import Http404

            raise Http404("乡镇不存在或无权访问")
        _require_write(scope, township)
        with service_errors(request) as outcome:
            services.round_submit(actor=request.user, round=item, township=township)
        if outcome.ok:
            messages.success(request, f"{township.name}已报送。")
        return redirect("assets:round_detail", round_id=item.pk)
    returns = {r.township_id: r for r in InventoryReturn.objects.filter(round=item)}
    today = clock.today()
    return render(request, "assets/round_detail.html", {
        "round": item,
        "rows": [(t, returns.get(t.pk), selectors.may_write(scope, t)) for t in towns],
        "overdue": today > item.deadline, "today": today, "source": SOURCE,
    })


def round_statistics(request: HttpRequest, round_id: int) -> HttpResponse:
    scope = scope_of(request)
    item = selectors.round_get(scope=scope, pk=round_id)
    rows = list(selectors.assets(scope=scope).filter(township__county_code=item.county.code))
    content = importing.statistics_xlsx(
        title=f"{item.county.name}镇村公有资产清理统计表（{item.title}）",
        deadline=item.deadline,
        returns=selectors.round_returns(scope=scope, round=item),
        assets=rows,
    )
    return xlsx_download(content, f"{item.county.name}镇村公有资产清理统计表.xlsx")
