"""Pages of the agencies app: thin shells over selectors and services.

Objects are resolved through scoped selectors before the method is looked
at; POST forms carry ``action=...``; ``AgencyError`` becomes a message and
``PermissionDenied`` a 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bianzhi.accounts.models import Department
from bianzhi.agencies import exports, selectors, services
from bianzhi.agencies.forms import (
    AgencyForm,
    AssessmentForm,
    DepartmentAssessmentForm,
    EvaluationForm,
    FloorsForm,
    HandoverForm,
    HeadCompleteForm,
    HeadOpinionForm,
    HeadStartForm,
    YearForm,
)
from bianzhi.agencies.models import AGENCY_TYPES, Direction, DispatchedAgency, HeadChangeStatus
from bianzhi.agencies.services import AgencyError
from bianzhi.audit.selectors import audit_history
from bianzhi.duties.services.common import acts_for_township
from bianzhi.regions.models import Level, Region
from bianzhi.web.downloads import xlsx_download
from bianzhi.web.fields import form_errors


def _scope(request: HttpRequest) -> Any:
    return request.scope  # type: ignore[attr-defined]


def _county(request: HttpRequest, code: str) -> Region:
    region: Region = _scope(request).region_or_404(code)
    if region.level != Level.COUNTY:
        raise Http404("不是县级区划")
    return region


def _year(request: HttpRequest) -> int:
    """The year of the page (``?year=``, else last year); a malformed one is a 404."""
    form = YearForm({"year": request.GET.get("year") or timezone.localdate().year - 1})
    if not form.is_valid():
        raise Http404("年度无效")
    year: int = form.cleaned_data["year"]
    return year


def _valid(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or AgencyError with its errors (shown as a message)."""
    if not form.is_valid():
        raise AgencyError("\n".join(form_errors(form)))
    return form.cleaned_data


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
                data = _valid(AgencyForm(post, county=region))
                services.agency_create(
                    actor=request.user,
                    township=data["township"],
                    name=data["name"],
                    agency_type=data["agency_type"],
                    managing_department=data["department"],
                )
            elif action == "evaluation":
                data = _valid(EvaluationForm(post, county=region))
                year = data["year"]
                services.evaluation_record(
                    actor=request.user,
                    year=year,
                    direction=data["direction"],
                    township=data["township"],
                    department=data["department"],
                    score=data["score"],
                    comment=data["comment"],
                )
            elif action == "department-assessment":
                data = _valid(DepartmentAssessmentForm(post, county=region))
                year = data["year"]
                services.department_assessment_record(
                    actor=request.user,
                    department=data["department"],
                    year=year,
                    township_weight=data["township_weight"],
                    other_score=data["other_score"],
                    township_score=data["township_score"],
                )
            elif action == "floors":
                data = _valid(FloorsForm(post))
                services.floor_set(
                    actor=request.user,
                    region=region,
                    agency_floor=data["agency_floor"],
                    department_floor=data["department_floor"],
                )
        except (AgencyError, ValueError) as exc:
            for message in str(exc).splitlines():
                messages.error(request, message)
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
                data = _valid(HeadStartForm(post))
                services.head_change_start(
                    actor=request.user,
                    agency=item,
                    kind=data["kind"],
                    person_name=data["person_name"],
                )
            elif action == "head-opinion" and pending is not None:
                data = _valid(HeadOpinionForm(post))
                services.head_opinion_record(
                    actor=request.user,
                    change=pending,
                    agrees=data["agrees"] == "1",
                    text=data["text"],
                )
            elif action == "head-complete" and pending is not None:
                data = _valid(HeadCompleteForm(post))
                services.head_change_complete(
                    actor=request.user, change=pending, document_number=data["document_number"]
                )
            elif action == "handover":
                data = _valid(HandoverForm(post))
                services.agency_hand_over(
                    actor=request.user,
                    agency=item,
                    handed_over_on=data["handed_over_on"] or timezone.localdate(),
                    document_number=data["document_number"],
                )
            elif action == "assessment":
                data = _valid(AssessmentForm(post))
                services.agency_assessment_record(
                    actor=request.user,
                    agency=item,
                    year=data["year"],
                    township_weight=data["township_weight"],
                    township_score=data["township_score"],
                    department_score=data["department_score"],
                )
        except (AgencyError, ValueError) as exc:
            for message in str(exc).splitlines():
                messages.error(request, message)
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
