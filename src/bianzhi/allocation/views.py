"""Plan pages. Thin: look the plan up through the scope (404 outside it),
check the permission (403), call a service or selector, render.

POST-only actions answer a GET with a redirect to the plan (after the scope
check), so that a URL of another county never reveals more than 404.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from bianzhi.accounts.scope import Scope, actor_of, scope_of
from bianzhi.adapters.allocation_report import AllocationReport
from bianzhi.adapters.pdf_html import html_to_pdf
from bianzhi.adapters.xlsx_allocation import xlsx_bytes
from bianzhi.allocation import selectors, services
from bianzhi.allocation.forms import ApproveForm, CountyColumns, PlanForm
from bianzhi.allocation.models import AllocationPlan, PlanMode, PlanStatus
from bianzhi.audit.selectors import audit_history
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import PDF, download, xlsx_download
from bianzhi.kernel.errors import ServiceError, show_error
from bianzhi.regions.drill import drill_context
from bianzhi.regions.models import Level, Region
from bianzhi.regions.selectors import region_full_name
from bianzhi.townships.models import QUOTA_TYPE_KEYS
from bianzhi.townships.selectors import county_classes

KEY_QUOTA_TYPES = {v: k for k, v in QUOTA_TYPE_KEYS.items()}


PLANS_PER_PAGE = 20


def plan_list(request: HttpRequest) -> HttpResponse:
    """A township user sees its own explanation page; a county user its
    county's plans; users above a county drill down (or search) to a county
    or city, whose plans and 新建 links are then shown."""
    scope = scope_of(request)
    own = scope.region
    if own is not None and not scope.is_superuser and own.level == Level.TOWNSHIP:
        return redirect("allocation:township", own.code)
    above_county = scope.is_superuser or (own is not None and own.level in (Level.PROVINCE, Level.CITY))
    chosen: Region | None = None
    code = request.GET.get("region", "").strip()[:12]
    if code:
        chosen = scope.region_or_404(code)
    elif not above_county:
        chosen = own
    context: dict[str, Any] = {"chosen": chosen, "above_county": above_county}
    plans = selectors.plan_list(scope=scope)
    if chosen is not None:
        plans = plans.filter(**{f"region__{chosen.level_field}": chosen.code})
        context["chosen_name"] = region_full_name(region=chosen)
        editable = scope.can_edit(chosen)
        context["counties"] = [chosen] if editable and chosen.level == Level.COUNTY else []
        context["cities"] = [chosen] if editable and chosen.level == Level.CITY else []
    if above_county and chosen is None:
        context.update(
            drill_context(
                request, scope=scope, county_href=lambda c: f"{request.path}?region={c.code}"
            )
        )
        parent = context["drill"].parent
        if parent is not None and parent.level == Level.CITY:
            context["drill_city"] = parent
            context["cities"] = [parent] if scope.can_edit(parent) else []
    context["page"] = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    context["city_modes"] = [
        (PlanMode.PER_COUNTY, PlanMode.PER_COUNTY.label), (PlanMode.POOLED, PlanMode.POOLED.label)
    ]
    return render(request, "allocation/list.html", context)


def _form(
    region: Region, mode: str, *args: Any, plan: AllocationPlan | None = None, **kwargs: Any
) -> PlanForm:
    """The plan form for a county or city plan of ``mode`` (a 各县分别控制 plan
    gets one row per county, each with its own classes)."""
    params = plan.params if plan else selectors.plan_default_params(region=region, mode=mode)
    indicators = (
        selectors.weight_names(plan=plan) if plan else selectors.plan_indicator_names(region=region)
    )
    counties = (
        [
            CountyColumns(c.code, c.name, county_classes(county=c))
            for c in services.plan_counties(region=region)
        ]
        if mode == PlanMode.PER_COUNTY
        else []
    )
    return PlanForm(
        *args,
        indicators=indicators,
        classes=selectors.plan_region_classes(region=region),
        params=params,
        counties=counties,
        **kwargs,
    )


def _plan_region(scope: Scope, code: str) -> Region:
    """The county or city a new plan is for (404 outside the scope or at another level)."""
    region = scope.region_or_404(code)
    if region.level not in (Level.COUNTY, Level.CITY):
        raise Http404("测算方案只能建在县级或市级区划")
    return region


def plan_create(request: HttpRequest, county_code: str) -> HttpResponse:
    """New plan of a county, or of a city (``?mode=per_county|pooled``, default
    各县分别控制); the URL keeps its historical parameter name ``county_code``."""
    scope = scope_of(request)
    region = _plan_region(scope, county_code)
    scope.require_edit(region)
    if region.level == Level.CITY:
        mode = request.GET.get("mode", PlanMode.PER_COUNTY)
        if mode not in (PlanMode.PER_COUNTY, PlanMode.POOLED):
            mode = PlanMode.PER_COUNTY
    else:
        mode = PlanMode.COUNTY
    year = clock.today().year
    suffix = "" if mode == PlanMode.COUNTY else f"（{PlanMode(mode).label}）"
    initial = {"name": f"{region.name}{year}年乡镇编制测算方案{suffix}", "year": year}
    form = _form(region, mode, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                region=region,
                mode=mode,
                name=form.cleaned_data["name"],
                year=form.cleaned_data["year"],
                params=form.to_params(),
                actor=actor_of(request),
            )
        except ServiceError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "方案已保存，请点击“测算”。")
            return redirect("allocation:detail", plan_id=plan.pk)
    return render(
        request,
        "allocation/form.html",
        {
            "form": form,
            "county": region,
            "county_name": region_full_name(region=region),
            "mode_label": "" if mode == PlanMode.COUNTY else PlanMode(mode).label,
        },
    )


def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = scope_of(request)
    plan = selectors.plan_get(scope=scope, pk=plan_id)
    scope.require_edit(plan.region)
    if plan.is_approved:
        messages.error(request, "方案已批准，不能修改。")
        return redirect("allocation:detail", plan_id=plan.pk)
    form = _form(plan.region, plan.mode, request.POST or None, plan=plan, initial={"name": plan.name, "year": plan.year})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                name=form.cleaned_data["name"],
                year=form.cleaned_data["year"],
                params=form.to_params(),
                actor=actor_of(request),
            )
        except ServiceError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "方案已保存。")
            return redirect("allocation:detail", plan_id=plan.pk)
    return render(
        request,
        "allocation/form.html",
        {
            "form": form,
            "plan": plan,
            "county": plan.region,
            "county_name": region_full_name(region=plan.region),
            "mode_label": "" if plan.mode == PlanMode.COUNTY else plan.get_mode_display(),
        },
    )


def _slider_weights(plan: AllocationPlan, quota_type: str) -> list[tuple[str, int]]:
    """The plan's weights as whole percentages for the range inputs (weights are
    proportional, so rescaling them changes nothing)."""
    weights = plan.params[quota_type]["weights"]
    names = selectors.weight_names(plan=plan)
    total = sum(float(weights.get(n, 0) or 0) for n in names) or 1.0
    return [(n, round(100 * float(weights.get(n, 0) or 0) / total)) for n in names]


def _sections(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The result rows split by county for a 各县分别控制 plan (each with the
    county's document for its subtotal), else one section without a group."""
    townships = doc["townships"]
    if not doc.get("groups"):
        return [{"group": None, "rows": townships}]
    return [
        {
            "group": g,
            "rows": rows,
            "sum_current": sum(t["current"] or 0 for t in rows),
            "sum_change": sum(t["change"] or 0 for t in rows),
        }
        for g in doc["groups"]
        for rows in [[t for t in townships if t.get("county") == g["code"]]]
    ]


def _detail_context(request: HttpRequest, plan: AllocationPlan) -> dict[str, Any]:
    scope = scope_of(request)
    results = plan.results or {}
    tables = []
    for quota_type, doc in results.items():
        tables.append(
            {
                "sections": _sections(doc),
                "quota_type": quota_type,
                "key": QUOTA_TYPE_KEYS.get(quota_type, ""),
                "doc": doc,
                "chart": selectors.chart_data(plan=plan, quota_type=quota_type),
                "chart_id": f"chart-data-{QUOTA_TYPE_KEYS.get(quota_type, '')}",
                "weights": _slider_weights(plan, quota_type),
                "sum_current": sum(t["current"] or 0 for t in doc["townships"]),
                "methods": selectors.method_comparison(plan=plan, quota_type=quota_type),
            }
        )
    # What approving would newly break, shown before anyone presses 批准.
    would_find = services.plan_approval_findings(plan=plan)
    return {
        "plan": plan,
        "county_name": region_full_name(region=plan.region),
        "tables": tables,
        "warnings": selectors.plan_warnings(plan=plan),
        "can_edit": scope.can_edit(plan.region) and not plan.is_approved,
        "can_approve": scope.can_approve(plan.region) and plan.status == PlanStatus.COMPUTED,
        "approve_form": ApproveForm(initial={"date": clock.today()}),
        "would_find": would_find,
        "would_block": any(f.severity == "block" for f in would_find),
        "weight_names": selectors.weight_names(plan=plan),
        "others": selectors.plan_list(scope=scope, county=plan.region).exclude(pk=plan.pk),
        "ledger": plan.ledger_entries.select_related("township").order_by("township__code"),
        "records": audit_history(scope=scope, obj=plan)[:50],
    }


def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(scope=scope_of(request), pk=plan_id)
    return render(request, "allocation/detail.html", _detail_context(request, plan))


def plan_run(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = scope_of(request)
    plan = selectors.plan_get(scope=scope, pk=plan_id)
    scope.require_edit(plan.region)
    if request.method == "POST":
        try:
            plan = services.plan_run(plan=plan, actor=actor_of(request))
        except ServiceError as exc:
            show_error(request, exc)
        else:
            if plan.problems:
                messages.error(request, "测算未通过，请按下列问题修改参数或指标。")
            else:
                messages.success(request, "测算完成。")
    return redirect("allocation:detail", plan_id=plan.pk)


def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = scope_of(request)
    plan = selectors.plan_get(scope=scope, pk=plan_id)
    scope.require_approve(plan.region)
    if request.method == "POST":
        form = ApproveForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, str(message))
        else:
            try:
                services.plan_approve(
                    plan=plan,
                    document_number=form.cleaned_data["document_number"],
                    date=form.cleaned_data["date"],
                    actor=actor_of(request),
                )
            except ServiceError as exc:
                show_error(request, exc)
            else:
                messages.success(request, "方案已批准，各乡镇核定编制已更新并记入台账。")
    return redirect("allocation:detail", plan_id=plan.pk)


def plan_delete(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = scope_of(request)
    plan = selectors.plan_get(scope=scope, pk=plan_id)
    scope.require_edit(plan.region)
    if request.method == "POST":
        try:
            services.plan_delete(plan=plan, actor=actor_of(request))
        except ServiceError as exc:
            show_error(request, exc)
        else:
            messages.success(request, f"方案“{plan.name}”已删除。")
            return redirect("allocation:list")
    return redirect("allocation:detail", plan_id=plan.pk)


def _quota_type(request: HttpRequest, plan: AllocationPlan) -> str:
    key = request.GET.get("quota_type", "")
    quota_type = KEY_QUOTA_TYPES.get(key, key)
    if not quota_type:
        quota_type = next(iter(plan.results or plan.params or {}), "")
    if quota_type not in plan.params:
        raise Http404("方案没有该编制类型")
    return quota_type


def plan_explain(request: HttpRequest, plan_id: int, township_code: str) -> HttpResponse:
    """HTMX fragment: how one township's allocation came about."""
    plan = selectors.plan_get(scope=scope_of(request), pk=plan_id)
    quota_type = _quota_type(request, plan)
    explanation = selectors.township_explanation(plan=plan, quota_type=quota_type, township_code=township_code)
    if explanation is None:
        raise Http404("该乡镇没有测算结果")
    context = {"plan": plan, **explanation.context()}
    template = "allocation/_explain.html" if request.headers.get("HX-Request") else "allocation/explain.html"
    return render(request, template, context)


def township_plans(request: HttpRequest, code: str) -> HttpResponse:
    """本乡镇编制测算说明: the township's own row and explanation in every
    approved plan that allocated quotas to it (a 乡镇用户 sees no county plan)."""
    scope = scope_of(request)
    township = scope.township_or_404(code)
    return render(
        request,
        "allocation/township.html",
        {
            "township": township,
            "township_name": region_full_name(region=township),
            "items": selectors.township_plan_explanations(scope=scope, township=township),
        },
    )


def plan_whatif(request: HttpRequest, plan_id: int) -> HttpResponse:
    """HTMX fragment: the weight slider's re-run, compared with the stored result."""
    plan = selectors.plan_get(scope=scope_of(request), pk=plan_id)
    quota_type = _quota_type(request, plan)
    names = selectors.weight_names(plan=plan)
    stored = plan.params[quota_type]["weights"]
    weights: dict[str, float] = {}
    for i, name in enumerate(names):
        raw = request.GET.get(f"w_{i}")
        try:
            weights[name] = float(Decimal(raw)) if raw not in (None, "") else float(stored.get(name, 0))
        except InvalidOperation:
            weights[name] = float(stored.get(name, 0))
    whatif = selectors.plan_whatif(plan=plan, quota_type=quota_type, weights=weights)
    context = {"plan": plan, "quota_type": quota_type, "whatif": whatif, "names": names}
    template = "allocation/_whatif.html" if request.headers.get("HX-Request") else "allocation/whatif.html"
    return render(request, template, context)


def plan_export_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(scope=scope_of(request), pk=plan_id)
    if not plan.results:
        messages.error(request, "方案尚未测算，没有可导出的结果。")
        return redirect("allocation:detail", plan_id=plan.pk)
    quota_type = _quota_type(request, plan)
    # A 各县分别控制 plan exports one county's workbook (?county=<code>, default the first).
    county = request.GET.get("county", "") if plan.mode == PlanMode.PER_COUNTY else ""
    result = selectors.plan_result(plan=plan, quota_type=quota_type, county=county)
    counties: list[dict[str, str]] = (plan.inputs or {}).get("counties", [])
    county_name = ""
    if plan.mode == PlanMode.PER_COUNTY:
        chosen = [c for c in counties if c["code"] == county] or counties[:1]
        county_name = chosen[0]["name"] if chosen else ""
    part = f"{county_name}，" if county_name else ""
    report = AllocationReport(
        result=result,
        title=f"{plan.name}（{part}{quota_type}）",
        source=f"{region_full_name(region=plan.region)} {plan.year}年指标"
        + (f"；{plan.document_number}" if plan.document_number else ""),
    )
    return xlsx_download(
        xlsx_bytes(report), f"{plan.name}-{county_name + '-' if county_name else ''}{quota_type}.xlsx"
    )


def plan_export_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as a PDF for filing: ``allocation/pdf.html`` through WeasyPrint."""
    plan = selectors.plan_get(scope=scope_of(request), pk=plan_id)
    if not plan.results:
        messages.error(request, "方案尚未测算，没有可导出的结果。")
        return redirect("allocation:detail", plan_id=plan.pk)
    html = render_to_string(
        "allocation/pdf.html",
        {
            "plan": plan,
            "county_name": region_full_name(region=plan.region),
            "results": (plan.results or {}).items(),
            "generated_at": timezone.localtime(clock.now()),
        },
    )
    return download(html_to_pdf(html), f"{plan.name}.pdf", PDF)


def plan_compare(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    plans = selectors.plan_list(scope=scope)
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    context: dict[str, Any] = {"plans": plans, "a_id": a_id, "b_id": b_id}
    if a_id.isdigit() and b_id.isdigit():
        a = selectors.plan_get(scope=scope, pk=int(a_id))
        b = selectors.plan_get(scope=scope, pk=int(b_id))
        quota_types, rows = selectors.plan_compare(a=a, b=b)
        context.update(a=a, b=b, quota_types=quota_types, rows=rows)
    return render(request, "allocation/compare.html", context)
