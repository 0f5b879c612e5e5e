"""Thin views: monitoring snapshots, the evaluation report, 三定方案 and 备案报告
downloads, and the county batch as a background job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.accounts.scope import actor_of, acts_for_township, scope_of
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


def _main_duty_rows(request: HttpRequest) -> list[tuple[str, str]]:
    """The posted (area, text) rows in order; rows left empty are dropped,
    a half-filled one is an error naming its row."""
    areas, texts = request.POST.getlist("area"), request.POST.getlist("text")
    if len(areas) != len(texts) or len(areas) > 500:
        raise ServiceError("提交的主要职责格式不正确。")
    rows, problems = [], []
    for n, (area, text) in enumerate(zip(areas, texts, strict=True), start=1):
        area, text = area.strip(), text.strip()
        if not area and not text:
            continue
        if not area or not text:
            problems.append(f"第{n}行：请同时填写领域和职责。")
        rows.append((area, text))
    if problems:
        raise ServiceError(problems)
    return rows


def _main_duties_page(request: HttpRequest, township: Any, institution: Any, back: str) -> HttpResponseBase:
    scope = scope_of(request)
    may_edit = acts_for_township(scope, township)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("无权修改该乡镇的主要职责")
        try:
            count = services.main_duties_set(
                actor=actor_of(request), township=township, institution=institution,
                entries=_main_duty_rows(request),
            )
        except ServiceError as exc:
            show_error(request, exc)
        else:
            part = institution.name if institution is not None else township.name
            messages.success(request, f"已保存{part}的主要职责（全乡镇共{count}条）。")
        return redirect(request.path)
    duties = list(selectors.main_duties_of(scope=scope, township=township, institution=institution))
    return render(
        request,
        "reports/main_duties.html",
        {
            "township": township,
            "institution": institution,
            "rows": [(d.area, d.text) for d in duties] + [("", "")] * 3,
            "may_edit": may_edit,
            "records": selectors.main_duty_history(scope=scope, township=township),
            "back": back,
            "area_max": services.MAIN_DUTY_AREA_MAX,
        },
    )


def main_duties(request: HttpRequest, township_code: str) -> HttpResponseBase:
    """三定方案 "主要职责": the township's own, by area (edit page)."""
    township = selectors.township_get(scope=scope_of(request), code=township_code)
    return _main_duties_page(request, township, None, reverse("institutions:township", args=[township.code]))


def institution_main_duties(request: HttpRequest, institution_id: int) -> HttpResponseBase:
    """三定方案 "主要职责" of one institution of a township (edit page)."""
    institution = selectors.institution_get(scope=scope_of(request), pk=institution_id)
    return _main_duties_page(
        request, institution.region, institution, reverse("institutions:detail", args=[institution.pk])
    )


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
