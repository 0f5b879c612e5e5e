"""Pages of the agencies app: thin shells over selectors and services.

Objects are resolved through scoped selectors before the method is looked
at. A POST form carries ``action=...``, looked up in the page's table of
handlers (``COUNTY_ACTIONS``, ``AGENCY_ACTIONS``). A handler binds its form,
calls one service and returns the success message naming what that service
saved; anything refused is an ``AgencyError`` shown as error messages, so a
success message only ever follows a write that happened. An action not in
the table is an error message too. ``PermissionDenied`` stays a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.models import Department
from bianzhi.accounts.scope import acts_for_township
from bianzhi.agencies import exports, selectors, services
from bianzhi.agencies.forms import (
    VERTICAL_CHOICES,
    AgencyForm,
    AssessmentForm,
    DepartmentAssessmentForm,
    EvaluationForm,
    FloorsForm,
    HandoverForm,
    HeadCompleteForm,
    HeadOpinionForm,
    HeadStartForm,
    QuotaCompleteForm,
    QuotaOpinionForm,
    QuotaStartForm,
    ServedForm,
    YearForm,
)
from bianzhi.agencies.models import (
    AGENCY_TYPES,
    Direction,
    DispatchedAgency,
    HeadChange,
    HeadChangeStatus,
    QuotaChange,
    QuotaChangeStatus,
)
from bianzhi.agencies.services import AgencyError
from bianzhi.audit.selectors import audit_history
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.fields import form_errors
from bianzhi.regions.models import Level, Region

UNKNOWN_ACTION = "未知的操作，未保存任何内容。"
NOTHING_PENDING = "没有待处理的负责人任免，未保存任何内容。"


def _scope(request: HttpRequest) -> Any:
    return request.scope  # type: ignore[attr-defined]


def _county(request: HttpRequest, code: str) -> Region:
    region: Region = _scope(request).region_or_404(code)
    if region.level != Level.COUNTY:
        raise Http404("不是县级区划")
    return region


def _year(request: HttpRequest) -> int:
    """The year of the page (``?year=``, else last year); a malformed one is a 404."""
    form = YearForm({"year": request.GET.get("year") or clock.today().year - 1})
    if not form.is_valid():
        raise Http404("年度无效")
    year: int = form.cleaned_data["year"]
    return year


def _valid(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or AgencyError with its errors (shown as messages)."""
    if not form.is_valid():
        raise AgencyError("\n".join(form_errors(form)))
    return form.cleaned_data


# --- dispatching a POST ------------------------------------------------------

Post = TypeVar("Post", bound="_Post")


@dataclass(frozen=True)
class _Post:
    """What every handler gets: the request (its POST data and its user)."""

    request: HttpRequest

    @property
    def data(self) -> Any:
        return self.request.POST

    @property
    def actor(self) -> Any:
        return self.request.user


def _run(request: HttpRequest, actions: Mapping[str, Callable[[Post], str]], post: Post) -> None:
    """Run the handler of the posted action and report its outcome as messages."""
    handler = actions.get(request.POST.get("action", ""))
    if handler is None:
        messages.error(request, UNKNOWN_ACTION)
        return
    try:
        saved = handler(post)
    # AgencyError is a ValueError; a bare ValueError is an enum value the
    # services convert (the forms offer only valid choices).
    except ValueError as exc:
        _errors(request, exc)
        return
    messages.success(request, saved)


def _errors(request: HttpRequest, exc: ValueError) -> None:
    # A form's errors come as one line per field.
    for message in str(exc).splitlines():
        messages.error(request, message)


# --- the county page ------------------------------------------------------------


@dataclass(frozen=True)
class _CountyPost(_Post):
    region: Region


def _agency_create(post: _CountyPost) -> str:
    form = AgencyForm(post.data, county=post.region)
    data = _valid(form)
    agency = services.agency_create(
        actor=post.actor,
        township=data["township"],
        name=data["name"],
        agency_type=data["agency_type"],
        managing_department=data["department"],
        vertical=form.vertical_value(),
    )
    kept = "，实行派驻、不作调整" if agency.vertical else ""
    return f"已登记派驻机构：{agency.township.name}{agency.name}{kept}。"


def _evaluation(post: _CountyPost) -> str:
    data = _valid(EvaluationForm(post.data, county=post.region))
    evaluation = services.evaluation_record(
        actor=post.actor,
        year=data["year"],
        direction=data["direction"],
        township=data["township"],
        department=data["department"],
        score=data["score"],
        comment=data["comment"],
    )
    return (
        f"已保存{evaluation.year}年双向评议（{evaluation.get_direction_display()}）："
        f"{evaluation.township.name}、{evaluation.department.name}，{evaluation.score}分。"
    )


def _department_assessment(post: _CountyPost) -> str:
    data = _valid(DepartmentAssessmentForm(post.data, county=post.region))
    assessment = services.department_assessment_record(
        actor=post.actor,
        department=data["department"],
        year=data["year"],
        township_weight=data["township_weight"],
        other_score=data["other_score"],
        township_score=data["township_score"],
    )
    return (
        f"已保存{assessment.department.name}{assessment.year}年绩效考核："
        f"综合得分{assessment.total}。"
    )


def _floors(post: _CountyPost) -> str:
    data = _valid(FloorsForm(post.data))
    services.floor_set(
        actor=post.actor,
        region=post.region,
        agency_floor=data["agency_floor"],
        department_floor=data["department_floor"],
    )
    return f"已保存{post.region.name}的考核权重下限。"


COUNTY_ACTIONS: Mapping[str, Callable[[_CountyPost], str]] = {
    "agency": _agency_create,
    "evaluation": _evaluation,
    "department-assessment": _department_assessment,
    "floors": _floors,
}


def _posted_year(request: HttpRequest, default: int) -> int:
    """The year the evaluation and assessment forms carry (the page's own), so
    the page reopens on the year just recorded; ``default`` for the others."""
    form = YearForm(request.POST)
    if not form.is_valid():
        return default
    year: int = form.cleaned_data["year"]
    return year


def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    counties = list(scope.regions().filter(level=Level.COUNTY)[:200])
    if len(counties) == 1:
        return redirect("agencies:county", county_code=counties[0].code)
    return render(
        request, "agencies/index.html", {"counties": counties, "agencies": selectors.agencies(scope=scope)[:200]}
    )


def county(request: HttpRequest, county_code: str) -> HttpResponse:
    region = _county(request, county_code)
    year = _year(request)
    if request.method == "POST":
        _run(request, COUNTY_ACTIONS, _CountyPost(request, region))
        return redirect(f"{request.path}?year={_posted_year(request, year)}")
    return _county_page(request, region, year)


def _county_page(request: HttpRequest, region: Region, year: int) -> HttpResponse:
    scope = _scope(request)
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
            "departments": list(Department.objects.filter(county=region).order_by("name")),
            "townships": Region.objects.filter(level=Level.TOWNSHIP, county_code=region.code).order_by("code"),
            "agency_types": AGENCY_TYPES,
            "vertical_choices": VERTICAL_CHOICES,
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


# --- one agency's page ----------------------------------------------------------


@dataclass(frozen=True)
class _AgencyPost(_Post):
    agency: DispatchedAgency
    # The head change waiting for the township's opinion or for completion.
    pending: HeadChange | None
    # The quota change waiting for the townships' opinions or for completion.
    quota_pending: QuotaChange | None = None

    def require_quota_pending(self) -> QuotaChange:
        if self.quota_pending is None:
            raise AgencyError("没有正在征求意见的编制调整，未保存任何内容。")
        return self.quota_pending

    def require_pending(self) -> HeadChange:
        # The page offers the opinion and completion forms only while a change
        # is pending; a stale page (completed meanwhile) must not read "saved".
        if self.pending is None:
            raise AgencyError(NOTHING_PENDING)
        return self.pending


def _head_start(post: _AgencyPost) -> str:
    data = _valid(HeadStartForm(post.data))
    change = services.head_change_start(
        actor=post.actor, agency=post.agency, kind=data["kind"], person_name=data["person_name"]
    )
    return (
        f"已发起主要负责人{change.get_kind_display()}（{change.person_name}），"
        f"待{post.agency.township.name}书面反馈意见。"
    )


def _head_opinion(post: _AgencyPost) -> str:
    pending = post.require_pending()
    data = _valid(HeadOpinionForm(post.data))
    chosen: Region | None = post.agency.township
    if data["township"]:
        chosen = next((t for t in services.agency_townships(post.agency) if t.code == data["township"]), None)
    if chosen is None:
        raise AgencyError("请选择该机构服务的乡镇。")
    township = chosen
    services.head_opinion_record(
        actor=post.actor, change=pending, agrees=data["agrees"] == "1", text=data["text"], township=township
    )
    opinion = "同意" if data["agrees"] == "1" else "不同意"
    return f"已登记{township.name}的书面意见（{opinion}）。"


def _head_complete(post: _AgencyPost) -> str:
    pending = post.require_pending()
    data = _valid(HeadCompleteForm(post.data))
    change = services.head_change_complete(
        actor=post.actor, change=pending, document_number=data["document_number"]
    )
    return f"已完成主要负责人{change.get_kind_display()}（{change.person_name}，{change.document_number}）。"


def _handover(post: _AgencyPost) -> str:
    data = _valid(HandoverForm(post.data))
    result = services.agency_hand_over(
        actor=post.actor,
        agency=post.agency,
        handed_over_on=data["handed_over_on"] or clock.today(),
        document_number=data["document_number"],
    )
    return (
        f"已划转属地管理（{result.handover.document_number}）：划转编制{result.quota_moved}名，"
        f"随编划转人员{result.staff_moved}人。"
    )


def _assessment(post: _AgencyPost) -> str:
    data = _valid(AssessmentForm(post.data))
    assessment = services.agency_assessment_record(
        actor=post.actor,
        agency=post.agency,
        year=data["year"],
        township_weight=data["township_weight"],
        township_score=data["township_score"],
        department_score=data["department_score"],
    )
    return f"已保存{assessment.year}年度考核：综合得分{assessment.total}。"


def _quota_start(post: _AgencyPost) -> str:
    form = QuotaStartForm(post.data)
    data = _valid(form)
    change = services.quota_change_start(
        actor=post.actor, agency=post.agency, targets=form.targets(), reason=data["reason"]
    )
    townships = "、".join(t.name for t in services.agency_townships(post.agency))
    return f"已发起编制调整（{services.targets_text(change.targets)}），待{townships}党委书面反馈意见。"


def _quota_opinion(post: _AgencyPost) -> str:
    pending = post.require_quota_pending()
    data = _valid(QuotaOpinionForm(post.data))
    township = next((t for t in services.agency_townships(post.agency) if t.code == data["township"]), None)
    if township is None:
        raise AgencyError("请选择该机构服务的乡镇。")
    opinion = services.quota_opinion_record(
        actor=post.actor, change=pending, township=township, agrees=data["agrees"] == "1", text=data["text"]
    )
    return f"已登记{township.name}党委的书面意见（{'同意' if opinion.agrees else '不同意'}）。"


def _quota_complete(post: _AgencyPost) -> str:
    pending = post.require_quota_pending()
    data = _valid(QuotaCompleteForm(post.data))
    change = services.quota_change_complete(
        actor=post.actor, change=pending, document_number=data["document_number"],
        effective_on=data["effective_on"],
    )
    return f"已完成编制调整（{change.document_number}）：{services.targets_text(change.targets)}。"


def _served(post: _AgencyPost) -> str:
    data = _valid(ServedForm(post.data, county_code=post.agency.township.county_code))
    townships = list(Region.objects.filter(level=Level.TOWNSHIP, code__in=data["townships"]))
    served = services.agency_served_set(actor=post.actor, agency=post.agency, townships=townships)
    names = "、".join(t.name for t in served) or "无"
    return f"已保存{post.agency.name}服务的其他乡镇（片区）：{names}。"


AGENCY_ACTIONS: Mapping[str, Callable[[_AgencyPost], str]] = {
    "quota-start": _quota_start,
    "quota-opinion": _quota_opinion,
    "quota-complete": _quota_complete,
    "served": _served,
    "head-start": _head_start,
    "head-opinion": _head_opinion,
    "head-complete": _head_complete,
    "handover": _handover,
    "assessment": _assessment,
}


def agency(request: HttpRequest, agency_id: int) -> HttpResponse:
    scope = _scope(request)
    item: DispatchedAgency = selectors.agency_get(scope=scope, pk=agency_id)
    pending = selectors.head_changes(agency=item).filter(status=HeadChangeStatus.PENDING).first()
    quota_pending = item.quota_changes.filter(status=QuotaChangeStatus.PENDING).first()
    if request.method == "POST":
        _run(request, AGENCY_ACTIONS, _AgencyPost(request, item, pending, quota_pending))
        return redirect("agencies:agency", agency_id=item.pk)
    served = services.agency_townships(item)
    opinions = {o.township_id: o for o in quota_pending.opinions.all()} if quota_pending else {}

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
            "may_opine": pending is not None and any(acts_for_township(scope, t) for t in served),
            "head_townships": [t for t in served if acts_for_township(scope, t)] if pending else [],
            "head_others": (
                [(t, pending.other_opinions.filter(township=t).first()) for t in served[1:]] if pending else []
            ),
            "floors": selectors.effective_floors(region=item.township),
            "last_year": clock.today().year - 1,
            "served": served,
            "county_townships": Region.objects.filter(
                level=Level.TOWNSHIP, county_code=item.township.county_code
            ).order_by("code"),
            "quota_pending": quota_pending,
            "quota_targets": services.targets_text(quota_pending.targets) if quota_pending else "",
            "quota_opinions": [(t, opinions.get(t.pk)) for t in served],
            # The townships whose opinion this user may enter (own, or an officer's).
            "opinion_townships": [t for t in served if acts_for_township(scope, t)] if quota_pending else [],
            "quota_changes": item.quota_changes.all()[:50],
        },
    )
