"""Pages of the staffing-plans app: thin shells over selectors and services.
A POST carries ``action=...`` looked up in the page's table of handlers; a
refusal is a ``ServiceError`` shown as messages, ``PermissionDenied`` a 403."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import actor_of, scope_of
from bianzhi.core.staffing_plans import RULES
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.errors import ServiceError, show_error
from bianzhi.kernel.fields import form_errors
from bianzhi.regions.models import Level, Region
from bianzhi.staffing_plans import importing, selectors, services
from bianzhi.staffing_plans.forms import (
    EntryLineForm,
    IssueForm,
    PlanCreateForm,
    TransferForm,
    UploadForm,
)
from bianzhi.staffing_plans.models import PlanStatus, RecruitmentPlan

UNKNOWN_ACTION = "未知的操作，未保存任何内容。"
T = TypeVar("T")


def _valid(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        raise ServiceError(form_errors(form))
    return form.cleaned_data


def _run(request: HttpRequest, actions: Mapping[str, Callable[[HttpRequest, T], str]], target: T) -> None:
    handler = actions.get(request.POST.get("action", ""))
    if handler is None:
        messages.error(request, UNKNOWN_ACTION)
        return
    try:
        saved = handler(request, target)
    except ServiceError as error:
        show_error(request, error)
        return
    messages.success(request, saved)


def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    region = scope.region
    if region is not None and region.level == Level.TOWNSHIP:
        return redirect("staffing_plans:township", township_code=region.code)
    counties = list(scope.regions().filter(level=Level.COUNTY).order_by("code")[:200])
    if len(counties) == 1:
        return redirect("staffing_plans:county", county_code=counties[0].code)
    return render(request, "staffing_plans/index.html", {"counties": counties})


# --- the county page: plans and the transfer register ---------------------------------


def _plan_create(request: HttpRequest, county: Region) -> str:
    data = _valid(PlanCreateForm(request.POST))
    plan = services.recruitment_plan_create(actor=actor_of(request), county=county, year=data["year"])
    return f"已新建{plan.year}年用编进人计划。"


def _transfer_record(request: HttpRequest, county: Region) -> str:
    data = _valid(TransferForm(request.POST, county=county))
    transfer = services.quota_transfer_record(
        actor=actor_of(request), holder=data["holder"], county_body=data["county_body"],
        direction=data["direction"], quota_type=data["quota_type"], count=data["count"],
        document_number=data["document_number"], date=data["date"], reason=data["reason"],
    )
    return f"已登记{transfer.get_direction_display()}{transfer.quota_type}{transfer.count}名（{transfer.document_number}），并记入{transfer.holder_name}{'' if transfer.is_reserve else '核定编制'}台账。"


COUNTY_ACTIONS: dict[str, Callable[[HttpRequest, Region], str]] = {
    "plan_create": _plan_create,
    "transfer_record": _transfer_record,
}


def county(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = scope.county_or_404(county_code)
    if request.method == "POST":
        _run(request, COUNTY_ACTIONS, region)
        return redirect("staffing_plans:county", county_code=region.code)
    return render(
        request,
        "staffing_plans/county.html",
        {
            "county": region,
            "plans": selectors.plan_list(scope=scope, county=region),
            "plan_totals": selectors.plan_totals(scope=scope, county=region),
            "transfers": selectors.transfer_list(scope=scope, county=region)[:500],
            "transfer_totals": selectors.transfer_totals(scope=scope, county=region),
            "can_edit": scope.can_edit(region),
            "plan_form": PlanCreateForm(),
            "transfer_form": TransferForm(county=region),
            "rules": RULES,
        },
    )


def township(request: HttpRequest, township_code: str) -> HttpResponse:
    """One township's lines of the county's plans and its transfers (read only:
    plans and transfers are decided by the county)."""
    scope = scope_of(request)
    region = scope.township_or_404(township_code)
    return render(
        request,
        "staffing_plans/township.html",
        {
            "township": region,
            "rows": selectors.township_plan_rows(scope=scope, township=region),
            "transfers": selectors.township_transfers(scope=scope, township=region),
            "rules": RULES,
        },
    )


# --- one plan ------------------------------------------------------------------------


def _line_set(request: HttpRequest, plan: RecruitmentPlan) -> str:
    data = _valid(EntryLineForm(request.POST, county=plan.county))
    lines = {
        (e.township.code, e.quota_type): services.EntryLine(e.township, e.quota_type, e.count)
        for e in plan.entries.select_related("township")
    }
    lines[(data["township"].code, data["quota_type"])] = services.EntryLine(
        data["township"], data["quota_type"], data["count"]
    )
    services.planned_entries_set(actor=actor_of(request), plan=plan, lines=list(lines.values()))
    return f"已保存{data['township'].name}{data['quota_type']}计划进人{data['count']}名。"


def _plan_import(request: HttpRequest, plan: RecruitmentPlan) -> str:
    # Before the file is read: only an editor's upload reaches the parser.
    scope_of(request).require_edit(plan.county)
    upload = _valid(UploadForm(request.POST, request.FILES))["file"]
    count = importing.plan_import(actor=actor_of(request), plan=plan, source=upload, filename=upload.name)
    return f"已导入计划：{count}行。"


def _plan_issue(request: HttpRequest, plan: RecruitmentPlan) -> str:
    data = _valid(IssueForm(request.POST))
    services.recruitment_plan_issue(
        actor=actor_of(request), plan=plan, document_number=data["document_number"], issued_on=data["issued_on"]
    )
    return f"计划已下达（{data['document_number']}）。"


PLAN_ACTIONS: dict[str, Callable[[HttpRequest, RecruitmentPlan], str]] = {
    "line_set": _line_set,
    "import": _plan_import,
    "issue": _plan_issue,
}


def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = scope_of(request)
    found = selectors.plan_get(scope=scope, pk=plan_id)
    if request.method == "POST":
        _run(request, PLAN_ACTIONS, found)
        return redirect("staffing_plans:plan", plan_id=found.pk)
    can_edit = scope.can_edit(found.county) and found.status == PlanStatus.DRAFT
    return render(
        request,
        "staffing_plans/plan.html",
        {
            "view": selectors.plan_view(scope=scope, plan=found),
            "plan": found,
            "county": found.county,
            "can_edit": can_edit,
            "line_form": EntryLineForm(county=found.county),
            "issue_form": IssueForm(),
            "upload_form": UploadForm(),
            "rules": RULES,
        },
    )


def plan_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = scope_of(request)
    found = selectors.plan_get(scope=scope, pk=plan_id)
    view = selectors.plan_view(scope=scope, plan=found)
    return xlsx_download(importing.plan_export(view), f"{found.county.name}{found.year}年用编进人计划.xlsx")


def plan_template(request: HttpRequest, plan_id: int) -> HttpResponse:
    found = selectors.plan_get(scope=scope_of(request), pk=plan_id)
    return xlsx_download(importing.plan_template(county=found.county), "用编进人计划导入模板.xlsx")
