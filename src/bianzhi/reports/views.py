"""Thin views: monitoring snapshots, the evaluation report, 三定方案 and 备案报告
downloads, and the county batch as a background job."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import actor_of, scope_of
from bianzhi.core.tasks import format_value
from bianzhi.kernel.clock import today
from bianzhi.kernel.downloads import download
from bianzhi.kernel.errors import ServiceError, show_error
from bianzhi.reports import selectors, services
from bianzhi.reports.figures import INDICATORS
from bianzhi.reports.jobs import SANDING_BATCH


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _fmt(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "docx")
    return fmt if fmt in services.FORMATS else "docx"


def _download(rendered: services.Rendered) -> HttpResponse:
    return download(rendered.content, rendered.filename, rendered.mime)


def index(request: HttpRequest) -> HttpResponseBase:
    counties = list(selectors.county_list(scope=scope_of(request))[:300])
    cities = list(selectors.city_list(scope=scope_of(request))[:50])
    if len(counties) == 1 and not cities:
        return redirect("reports:county", county_code=counties[0].code)
    scope = scope_of(request)
    township = (
        scope.region if scope.region is not None and scope.region.level == "township" else None
    )
    return render(
        request, "reports/index.html", {"counties": counties, "cities": cities, "township": township}
    )


def county(request: HttpRequest, county_code: str) -> HttpResponse:
    """A county's page, or a city's (its snapshots, the city-level evaluation
    and filing reports: one row per county)."""
    scope = scope_of(request)
    region = selectors.area_get(scope=scope, code=county_code)
    dates = selectors.snapshot_dates(scope=scope, county=region)
    shown = _date(request.GET.get("on")) or (dates[0] if dates else None)
    snapshots = list(selectors.snapshots_on(scope=scope, county=region, on=shown)) if shown else []
    context = {
        "county": region,
        "dates": dates,
        "shown": shown,
        "indicators": INDICATORS,
        "rows": [
            (s.region, [format_value(i, s.figures.get(i.key)) for i in INDICATORS])
            for s in snapshots
        ],
        "townships": selectors.townships_of(scope=scope, county=region),
        "may_edit": scope.can_edit(region),
        "is_city": region.level == "city",
        "today": today(),
    }
    if request.headers.get("HX-Request"):
        return render(request, "reports/_figures.html", context)
    return render(request, "reports/county.html", context)


def snapshot_take(request: HttpRequest, county_code: str) -> HttpResponseBase:
    region = selectors.area_get(scope=scope_of(request), code=county_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    on = _date(request.POST.get("on")) or today()
    try:
        taken = services.snapshot_take(actor=actor_of(request), region=region, on=on)
        messages.success(request, f"已生成 {on.isoformat()} 的监测快照（{len(taken)} 个乡镇）。")
    except ServiceError as exc:
        show_error(request, exc)
    return redirect("reports:county", county_code=region.code)


def evaluation(request: HttpRequest, county_code: str) -> HttpResponseBase:
    region = selectors.area_get(scope=scope_of(request), code=county_code)
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if date_from is None or date_to is None:
        messages.error(request, "请选择两次监测日期。")
        return redirect("reports:county", county_code=region.code)
    try:
        rendered = services.evaluation_build(
            county=region, date_from=date_from, date_to=date_to, fmt=_fmt(request)
        )
    except ServiceError as exc:
        show_error(request, exc)
        return redirect("reports:county", county_code=region.code)
    return _download(rendered)


def sanding(request: HttpRequest, township_code: str) -> HttpResponse:
    township = selectors.township_get(scope=scope_of(request), code=township_code)
    on = _date(request.GET.get("on")) or today()
    return _download(services.sanding_build(township=township, on=on, fmt=_fmt(request)))


def filing(request: HttpRequest, county_code: str) -> HttpResponse:
    region = selectors.area_get(scope=scope_of(request), code=county_code)
    on = _date(request.GET.get("on")) or today()
    return _download(services.filing_build(county=region, on=on, fmt=_fmt(request)))


def batch(request: HttpRequest, county_code: str) -> HttpResponseBase:
    scope = scope_of(request)
    region = selectors.county_get(scope=scope, code=county_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not scope.can_edit(region):
        raise PermissionDenied("无权批量生成")
    from bianzhi.jobs.services import job_enqueue

    on = _date(request.POST.get("on")) or today()
    fmt = request.POST.get("format", "docx")
    job = job_enqueue(
        kind=SANDING_BATCH,
        params={
            "county": region.code,
            "on": on.isoformat(),
            "format": fmt if fmt in services.FORMATS else "docx",
        },
        actor=actor_of(request),
        region=region,
        label=f"{region.name}三定方案批量生成（{on.isoformat()}）",
    )
    return redirect("jobs:detail", job_id=job.pk)
