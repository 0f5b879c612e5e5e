"""Findings page (every finding links to the object at fault), the rule
catalogue with the region's settings, and the settings form."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.accounts.scope import Scope, actor_of, scope_of
from bianzhi.core.rules import RULES, RULES_BY_ID, RuleSettingsError, Severity
from bianzhi.regions.models import Level, Region
from bianzhi.rules import selectors, services
from bianzhi.rules.policy import policy_page


def _filter_region(request: HttpRequest, scope: Scope) -> Region | None:
    code = request.GET.get("region", "").strip()
    return scope.region_or_404(code) if code else None


def findings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    region = _filter_region(request, scope)
    rule = request.GET.get("rule", "")
    severity = request.GET.get("severity", "")
    qs = selectors.finding_list(scope=scope, region=region, rule=rule, severity=severity)
    by_rule = selectors.finding_rule_counts(scope=scope, region=region)
    summary = [
        (definition, by_rule.get((definition.id, "block"), 0), by_rule.get((definition.id, "warning"), 0))
        for definition in RULES
    ]
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    rows = [(f, selectors.finding_url(f), RULES_BY_ID[f.rule].title) for f in page]
    latest = qs.order_by("-evaluated_at").values_list("evaluated_at", flat=True).first()
    context = {
        "rows": rows, "page": page, "summary": summary, "region": region, "rule": rule,
        "severity": severity, "severities": [(s.value, s.label) for s in Severity], "latest": latest,
        "rules": RULES,
    }
    if request.headers.get("HX-Request"):
        return render(request, "rules/_findings.html", context)
    return render(request, "rules/findings.html", context)


def findings_refresh(request: HttpRequest) -> HttpResponse:
    """重新检查 the user's region (or the filtered one): evaluation writes only
    derived findings, so any user who may view the region may ask for it."""
    scope = scope_of(request)
    if request.method != "POST":
        return redirect("policy_rules:findings")
    code = request.POST.get("region", "").strip()
    region = scope.region_or_404(code) if code else scope.region
    if region is None:  # a superuser without a region: check nothing implicitly
        messages.error(request, "请指定要检查的区划代码。")
        return redirect("policy_rules:findings")
    services.findings_refresh(region=region)
    # Rules are evaluated per county; the counts are those the user's list
    # shows for the region checked (a township user: their own township).
    shown = selectors.finding_list(scope=scope, region=region)
    total = shown.count()
    blocks = shown.filter(severity=Severity.BLOCK.value).count()
    messages.success(request, f"已重新检查{region.name}：共{total}个问题，其中阻止级{blocks}个。")
    url = reverse("policy_rules:findings")
    return redirect(f"{url}?region={code}" if code else url)


def catalogue(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    region = _filter_region(request, scope) or scope.region
    rows = selectors.rule_rows(region=region) if region is not None else []
    editable = (
        region is not None and region.level != Level.TOWNSHIP and scope.can_edit(region)
    )
    class_limits = selectors.class_limit_rows(county=region, rows=rows) if region is not None else []
    return render(request, "rules/catalogue.html", {"rows": rows, "region": region, "editable": editable,
                                                    "severities": [(s.value, s.label) for s in Severity],
                                                    "class_limits": class_limits})


def setting_save(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if request.method != "POST":
        return redirect("policy_rules:catalogue")
    region = scope.region_or_404(request.POST.get("region", ""))
    scope.require_edit(region)
    rule_id = request.POST.get("rule", "")
    definition = RULES_BY_ID.get(rule_id)
    back = f"{reverse('policy_rules:catalogue')}?region={region.code}"
    if definition is None:
        messages.error(request, "规则不存在")
        return redirect(back)
    enabled = {"1": True, "0": False}.get(request.POST.get("enabled", ""))
    parameters: dict[str, float | int] = {}
    problems: list[str] = []
    for name, spec in definition.parameter_specs.items():
        raw = request.POST.get(f"param_{name}", "").strip()
        # Only an empty field means "keep the level above's value". A value
        # equal to the catalogue default was skipped here too, so a county
        # could not restore the default over its city's or province's value.
        if raw == "":
            continue
        try:
            number = float(raw)
        except ValueError:
            problems.append(f"参数“{spec.label}”必须是数字，实为“{raw}”")
            continue
        parameters[name] = int(number) if number.is_integer() else number
    scope_text = request.POST.get("scope", "").strip()
    classes = None if scope_text == "" else [c for c in scope_text.replace("，", ",").replace("、", ",").split(",") if c.strip() and c.strip() != "全部"]
    if problems:
        for p in problems:
            messages.error(request, p)
        return redirect(back)
    try:
        services.rule_setting_save(
            actor=actor_of(request), region=region, rule=rule_id, enabled=enabled,
            severity=request.POST.get("severity", ""), parameters=parameters,
            scope=[c.strip() for c in classes] if classes is not None else None,
            reason=request.POST.get("reason", ""),
        )
    except RuleSettingsError as error:
        for p in error.problems:
            messages.error(request, p)
    else:
        messages.success(request, f"已保存“{definition.title}”的设置，并重新检查了{region.name}。")
    return redirect(back)


def policy_document(request: HttpRequest, number: str) -> HttpResponse:
    """政策依据: a policy text the rules cite, the cited clause highlighted
    (public documents: any logged-in user may read them)."""
    page = policy_page(
        number=number,
        clause=request.GET.get("clause", "")[:40],
        part=request.GET.get("part", "")[:80],
    )
    if page is None:
        raise Http404("没有这份政策文件")
    return render(request, "rules/policy.html", {"page": page})
