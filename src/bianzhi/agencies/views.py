"""Pages of the agencies app: thin shells over selectors and services.

Objects are resolved through scoped selectors before the method is looked
at; POST forms carry ``action=...``; ``AgencyError`` becomes a message and
``PermissionDenied`` a 403.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bianzhi.accounts.models import Department
from bianzhi.agencies import exports, selectors, services
from bianzhi.agencies.models import AGENCY_TYPES, Direction, DispatchedAgency, HeadChangeStatus
from bianzhi.agencies.services import AgencyError
from bianzhi.audit.selectors import audit_history
from bianzhi.duties.services import acts_for_township
from bianzhi.regions.models import Level, Region
from bianzhi.web.downloads import xlsx_download


def _scope(request: HttpRequest) -> Any:
    return request.scope  # type: ignore[attr-defined]


def _county(request: HttpRequest, code: str) -> Region:
    region: Region = _scope(request).region_or_404(code)
    if region.level != Level.COUNTY:
        raise Http404("不是县级区划")
    return region


def _decimal(value: str | None) -> Decimal:
    try:
        return Decimal((value or "").strip())
    except InvalidOperation as exc:
        raise AgencyError(f"“{value}”不是数字") from exc


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year - 1)
    except ValueError as exc:
        raise Http404("年度无效") from exc


def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    counties = list(scope.regions().filter(level=Level.COUNTY)[:200])
    if len(counties) == 1:
        return redirect("agencies:county", county_code=counties[0].code)
    return render(
        request, "agencies/index.html", {"counties": counties, "agencies": selectors.agencies(scope=scope)[:200]}
    )


def county(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = _scope(request)
    region = _county(request, county_code)
    year = _year(request)
    departments = list(Department.objects.filter(county=region).order_by("name"))
    if request.method == "POST":
        action = request.POST.get("action")
        post = request.POST
        try:
            if action == "agency":
                services.agency_create(
                    actor=request.user,
                    township=Region.objects.get(code=post.get("township"), county_code=region.code),
                    name=post.get("name", ""),
                    agency_type=post.get("agency_type", ""),
                    managing_department=Department.objects.get(pk=post.get("department", ""), county=region),
                )
            elif action == "evaluation":
                services.evaluation_record(
                    actor=request.user,
                    year=year,
                    direction=post.get("direction", ""),
                    township=Region.objects.get(code=post.get("township"), county_code=region.code),
                    department=Department.objects.get(pk=post.get("department", ""), county=region),
                    score=_decimal(post.get("score")),
                    comment=post.get("comment", ""),
                )
            elif action == "department-assessment":
                given = (post.get("township_score") or "").strip()
                services.department_assessment_record(
                    actor=request.user,
                    department=Department.objects.get(pk=post.get("department", ""), county=region),
                    year=year,
                    township_weight=_decimal(post.get("township_weight")),
                    other_score=_decimal(post.get("other_score")),
                    township_score=_decimal(given) if given else None,
                )
            elif action == "floors":
                services.floor_set(
                    actor=request.user,
                    region=region,
                    agency_floor=_decimal(post["agency_floor"]) if post.get("agency_floor") else None,
                    department_floor=_decimal(post["department_floor"]) if post.get("department_floor") else None,
                )
        except (AgencyError, Region.DoesNotExist, Department.DoesNotExist, ValueError) as exc:
            messages.error(request, str(exc) if isinstance(exc, AgencyError) else "请选择本县的乡镇和部门")
        else:
            messages.success(request, "已保存。")
        return redirect(f"{request.path}?year={year}")
    rows = [(a, selectors.agency_staffing(agency=a)) for a in selectors.agencies(scope=scope).filter(township__county_code=region.code)]
    by_townships, by_departments = selectors.evaluation_rankings(county=region, year=year)
    return render(
        request,
        "agencies/county.html",
        {
            "county": region,
            "year": year,
            "years": sorted({year, *selectors.assessment_years(county=region)}, reverse=True),
            "rows": rows,
            "agency_ranking": selectors.agency_ranking(county=region, year=year),
            "department_ranking": selectors.department_ranking(county=region, year=year),
            "by_townships": by_townships,
            "by_departments": by_departments,
            "floors": selectors.effective_floors(region=region),
            "departments": departments,
            "townships": Region.objects.filter(level=Level.TOWNSHIP, county_code=region.code).order_by("code"),
            "agency_types": AGENCY_TYPES,
            "directions": Direction.choices,
            "can_edit": scope.can_edit(region),
        },
    )


def assessments_xlsx(request: HttpRequest, county_code: str) -> HttpResponse:
    region = _county(request, county_code)
    year = _year(request)
    return xlsx_download(
        exports.assessments_xlsx(county=region, year=year), f"{region.name}{year}年考核结果.xlsx"
    )


def agency(request: HttpRequest, agency_id: int) -> HttpResponse:
    scope = _scope(request)
    item: DispatchedAgency = selectors.agency_get(scope=scope, pk=agency_id)
    pending = selectors.head_changes(agency=item).filter(status=HeadChangeStatus.PENDING).first()
    if request.method == "POST":
        post = request.POST
        action = post.get("action")
        try:
            if action == "head-start":
                services.head_change_start(
                    actor=request.user, agency=item, kind=post.get("kind", ""), person_name=post.get("person_name", "")
                )
            elif action == "head-opinion" and pending is not None:
                services.head_opinion_record(
                    actor=request.user, change=pending, agrees=post.get("agrees") == "1", text=post.get("text", "")
                )
            elif action == "head-complete" and pending is not None:
                services.head_change_complete(
                    actor=request.user, change=pending, document_number=post.get("document_number", "")
                )
            elif action == "handover":
                services.agency_hand_over(
                    actor=request.user,
                    agency=item,
                    handed_over_on=date.fromisoformat(post.get("handed_over_on") or timezone.localdate().isoformat()),
                    document_number=post.get("document_number", ""),
                )
            elif action == "assessment":
                services.agency_assessment_record(
                    actor=request.user,
                    agency=item,
                    year=int(post.get("year", "0")),
                    township_weight=_decimal(post.get("township_weight")),
                    township_score=_decimal(post.get("township_score")),
                    department_score=_decimal(post.get("department_score")),
                )
        except (AgencyError, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已保存。")
        return redirect("agencies:agency", agency_id=item.pk)
    return render(
        request,
        "agencies/agency.html",
        {
            "agency": item,
            "staffing": selectors.agency_staffing(agency=item),
            "pending": pending,
            "changes": selectors.head_changes(agency=item),
            "assessments": item.assessments.all(),
            "handover": getattr(item, "handover", None),
            "records": audit_history(scope=scope, obj=item),
            "can_edit": scope.can_edit(item.township),
            "may_opine": pending is not None and acts_for_township(scope, item.township),
            "floors": selectors.effective_floors(region=item.township),
            "last_year": timezone.localdate().year - 1,
        },
    )
