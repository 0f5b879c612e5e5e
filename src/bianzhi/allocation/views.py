"""Plan pages. Thin: look the plan up through the scope (404 outside it),
check the permission (403), call a service or selector, render.

POST-only actions answer a GET with a redirect to the plan (after the scope
check), so that a URL of another county never reveals more than 404.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bianzhi.adapters.allocation_export import AllocationReport, xlsx_bytes
from bianzhi.allocation import selectors, services
from bianzhi.allocation.forms import ApproveForm, PlanForm
from bianzhi.allocation.models import AllocationPlan, PlanStatus
from bianzhi.audit.selectors import audit_history
from bianzhi.core.allocation import Bound
from bianzhi.regions.selectors import region_full_name
from bianzhi.townships.models import QUOTA_TYPE_KEYS
from bianzhi.townships.selectors import (
    county_classes,
    county_get,
    county_indicators,
    county_list,
)

KEY_QUOTA_TYPES = {v: k for k, v in QUOTA_TYPE_KEYS.items()}


def _scope(request: HttpRequest) -> Any:
    return request.scope  # type: ignore[attr-defined]


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def plan_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    counties = [c for c in county_list(scope=scope) if scope.can_edit(c)]
    return render(
        request,
        "allocation/list.html",
        {"plans": selectors.plan_list(scope=scope), "counties": counties},
    )


def _form(plan_or_county: AllocationPlan | Any, *args: Any, **kwargs: Any) -> PlanForm:
    county = plan_or_county.region if isinstance(plan_or_county, AllocationPlan) else plan_or_county
    plan = plan_or_county if isinstance(plan_or_county, AllocationPlan) else None
    params = plan.params if plan else selectors.plan_default_params(county=county)
    indicators = (
        selectors.weight_names(plan=plan)
        if plan
        else [i.name for i in county_indicators(county=county)]
    )
    return PlanForm(
        *args,
        indicators=indicators,
        classes=county_classes(county=county),
        params=params,
        **kwargs,
    )


def plan_create(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = _scope(request)
    county = county_get(scope=scope, code=county_code)
    scope.require_edit(county)
    initial = {"name": f"{county.name}{timezone.localdate().year}年乡镇编制测算方案", "year": timezone.localdate().year}
    form = _form(county, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                county=county,
                name=form.cleaned_data["name"],
                year=form.cleaned_data["year"],
                params=form.to_params(),
                actor=request.user,
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "方案已保存，请点击“测算”。")
            return redirect("allocation:detail", plan_id=plan.pk)
    return render(
        request,
        "allocation/form.html",
        {"form": form, "county": county, "county_name": region_full_name(region=county)},
    )


def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = _scope(request)
    plan = selectors.plan_get(scope=scope, pk=plan_id)
    scope.require_edit(plan.region)
    if plan.is_approved:
        messages.error(request, "方案已批准，不能修改。")
        return redirect("allocation:detail", plan_id=plan.pk)
    form = _form(plan, request.POST or None, initial={"name": plan.name, "year": plan.year})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                name=form.cleaned_data["name"],
                year=form.cleaned_data["year"],
                params=form.to_params(),
                actor=request.user,
            )
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
        else:
            messages.success(request, "方案已保存。")
            return redirect("allocation:detail", plan_id=plan.pk)
    return render(
        request,
        "allocation/form.html",
        {"form": form, "plan": plan, "county": plan.region, "county_name": region_full_name(region=plan.region)},
    )


def _slider_weights(plan: AllocationPlan, quota_type: str) -> list[tuple[str, int]]:
    """The plan's weights as whole percentages for the range inputs (weights are
    proportional, so rescaling them changes nothing)."""
    weights = plan.params[quota_type]["weights"]
    names = selectors.weight_names(plan=plan)
    total = sum(float(weights.get(n, 0) or 0) for n in names) or 1.0
    return [(n, round(100 * float(weights.get(n, 0) or 0) / total)) for n in names]


def _detail_context(request: HttpRequest, plan: AllocationPlan) -> dict[str, Any]:
    scope = _scope(request)
    results = plan.results or {}
    tables = []
    for quota_type, doc in results.items():
        tables.append(
            {
                "quota_type": quota_type,
                "key": QUOTA_TYPE_KEYS.get(quota_type, ""),
                "doc": doc,
                "chart": selectors.chart_data(plan=plan, quota_type=quota_type),
                "chart_id": f"chart-data-{QUOTA_TYPE_KEYS.get(quota_type, '')}",
                "weights": _slider_weights(plan, quota_type),
                "sum_current": sum(t["current"] or 0 for t in doc["townships"]),
            }
        )
    return {
        "plan": plan,
        "county_name": region_full_name(region=plan.region),
        "tables": tables,
        "warnings": selectors.plan_warnings(plan=plan),
        "can_edit": scope.can_edit(plan.region) and not plan.is_approved,
        "can_approve": scope.can_approve(plan.region) and plan.status == PlanStatus.COMPUTED,
        "approve_form": ApproveForm(initial={"date": timezone.localdate()}),
        "weight_names": selectors.weight_names(plan=plan),
        "others": selectors.plan_list(scope=scope, county=plan.region).exclude(pk=plan.pk),
        "ledger": plan.ledger_entries.select_related("township").order_by("township__code"),
        "records": audit_history(scope=scope, obj=plan)[:50],
    }


def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(scope=_scope(request), pk=plan_id)
    return render(request, "allocation/detail.html", _detail_context(request, plan))


def plan_run(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = _scope(request)
    plan = selectors.plan_get(scope=scope, pk=plan_id)
    scope.require_edit(plan.region)
    if request.method == "POST":
        try:
            plan = services.plan_run(plan=plan, actor=request.user)
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
        else:
            if plan.problems:
                messages.error(request, "测算未通过，请按下列问题修改参数或指标。")
            else:
                messages.success(request, "测算完成。")
    return redirect("allocation:detail", plan_id=plan.pk)


def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = _scope(request)
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
                    actor=request.user,
                )
            except ValidationError as exc:
                for message in _errors(exc):
                    messages.error(request, message)
            else:
                messages.success(request, "方案已批准，各乡镇核定编制已更新并记入台账。")
    return redirect("allocation:detail", plan_id=plan.pk)


def plan_delete(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = _scope(request)
    plan = selectors.plan_get(scope=scope, pk=plan_id)
    scope.require_edit(plan.region)
    if request.method == "POST":
        try:
            services.plan_delete(plan=plan, actor=request.user)
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
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


def _bound_label(value: str) -> str:
    bound = Bound(value)
    return "" if bound is Bound.NONE else bound.label


def plan_explain(request: HttpRequest, plan_id: int, township_code: str) -> HttpResponse:
    """HTMX fragment: how one township's allocation came about."""
    plan = selectors.plan_get(scope=_scope(request), pk=plan_id)
    quota_type = _quota_type(request, plan)
    doc = (plan.results or {}).get(quota_type)
    township = next((t for t in doc["townships"] if t["code"] == township_code), None) if doc else None
    if township is None:
        raise Http404("该乡镇没有测算结果")
    units = {i["name"]: i["unit"] for i in (plan.inputs or {}).get("indicators", [])}
    indicators = [
        {"name": name, "unit": units.get(name, ""), "share_pct": 100 * c["share"], **c}
        for name, c in township["indicators"].items()
    ]
    context = {
        "plan": plan,
        "quota_type": quota_type,
        "t": township,
        "doc": doc,
        "indicators": indicators,
        "lower_label": _bound_label(township["lower_source"]),
        "upper_label": _bound_label(township["upper_source"]),
    }
    template = "allocation/_explain.html" if request.headers.get("HX-Request") else "allocation/explain.html"
    return render(request, template, context)


def plan_whatif(request: HttpRequest, plan_id: int) -> HttpResponse:
    """HTMX fragment: the weight slider's re-run, compared with the stored result."""
    plan = selectors.plan_get(scope=_scope(request), pk=plan_id)
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


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def plan_export_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(scope=_scope(request), pk=plan_id)
    if not plan.results:
        messages.error(request, "方案尚未测算，没有可导出的结果。")
        return redirect("allocation:detail", plan_id=plan.pk)
    quota_type = _quota_type(request, plan)
    result = selectors.plan_result(plan=plan, quota_type=quota_type)
    report = AllocationReport(
        result=result,
        title=f"{plan.name}（{quota_type}）",
        source=f"{region_full_name(region=plan.region)} {plan.year}年指标"
        + (f"；{plan.document_number}" if plan.document_number else ""),
    )
    response = HttpResponse(
        xlsx_bytes(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, f"{plan.name}-{quota_type}.xlsx")


def plan_export_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    from bianzhi.allocation.pdf import plan_pdf

    plan = selectors.plan_get(scope=_scope(request), pk=plan_id)
    if not plan.results:
        messages.error(request, "方案尚未测算，没有可导出的结果。")
        return redirect("allocation:detail", plan_id=plan.pk)
    response = HttpResponse(plan_pdf(plan=plan), content_type="application/pdf")
    return _attachment(response, f"{plan.name}.pdf")


def plan_compare(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    plans = selectors.plan_list(scope=scope)
    a_id, b_id = request.GET.get("a", ""), request.GET.get("b", "")
    context: dict[str, Any] = {"plans": plans, "a_id": a_id, "b_id": b_id}
    if a_id.isdigit() and b_id.isdigit():
        a = selectors.plan_get(scope=scope, pk=int(a_id))
        b = selectors.plan_get(scope=scope, pk=int(b_id))
        quota_types, rows = selectors.plan_compare(a=a, b=b)
        context.update(a=a, b=b, quota_types=quota_types, rows=rows)
    return render(request, "allocation/compare.html", context)
