"""Township pages: the county's townships and indicators, settings, Excel
template/export/import, one township's page with its edit and quota forms.

Thin views: scope lookup (404 outside), permission (403), service, render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.accounts.scope import Scope, actor_of, scope_of
from bianzhi.adapters import xlsx_indicators
from bianzhi.audit.selectors import audit_record_list
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.errors import ServiceError, show_error
from bianzhi.kernel.fields import form_errors
from bianzhi.regions.drill import drill_context
from bianzhi.regions.models import Region
from bianzhi.regions.selectors import region_full_name
from bianzhi.townships import selectors, services
from bianzhi.townships.forms import (
    ClassSchemeForm,
    ControlNumberForm,
    ImportForm,
    IndicatorDefinitionForm,
    IndicatorDeleteForm,
    QuotaForm,
    ReserveAssignForm,
    TownshipEditForm,
    YearForm,
)
from bianzhi.townships.models import QuotaType


def _year(request: HttpRequest, years: list[int]) -> int:
    """``?year=``, or the latest year with data when absent or malformed (a
    view choice, nothing is written: "²" passed str.isdigit() and crashed int())."""
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data["year"] is not None:
        year: int = form.cleaned_data["year"]
        return year
    return years[0] if years else clock.today().year




def township_index(request: HttpRequest) -> HttpResponse:
    """County and township users land on their own page; users above a county
    drill down province → city → county or search (name, pinyin initials, code)."""
    scope = scope_of(request)
    region = scope.region
    if region is not None and not scope.is_superuser:
        if region.level == "township":
            return redirect("townships:detail", region.code)
        if region.level == "county":
            return redirect("townships:county", region.code)
    context = drill_context(
        request, scope=scope, county_href=lambda c: reverse("townships:county", args=[c.code])
    )
    return render(request, "townships/index.html", context)


def county_detail(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    county = selectors.county_get(scope=scope, code=county_code)
    years = selectors.indicator_years(scope=scope, county=county)
    year = _year(request, years)
    context = {
        "county": county,
        "county_name": region_full_name(region=county),
        "year": year,
        "years": sorted(set(years) | {year}, reverse=True),
        "indicators": selectors.county_indicators(county=county),
        "rows": selectors.township_rows(scope=scope, county=county, year=year),
        "quota_types": QuotaType.values,
        "scheme": selectors.county_scheme(county=county),
        "can_edit": scope.can_edit(county),
        "totals": selectors.control_number_check(scope=scope, county_code=county.code, on=clock.today()),
    }
    return render(request, "townships/county.html", context)


def county_settings(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    county = selectors.county_get(scope=scope, code=county_code)
    scope.require_edit(county)
    scheme_form = ClassSchemeForm(initial={"class_scheme": selectors.county_scheme(county=county)})
    indicator_form = IndicatorDefinitionForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "scheme":
                scheme_form = ClassSchemeForm(request.POST)
                if scheme_form.is_valid():
                    services.county_settings_set(
                        county=county,
                        class_scheme=scheme_form.cleaned_data["class_scheme"],
                        actor=actor_of(request),
                    )
                    messages.success(request, "乡镇类别方案已保存。")
                    return redirect("townships:settings", county_code=county.code)
            elif action == "add_indicator":
                indicator_form = IndicatorDefinitionForm(request.POST)
                if indicator_form.is_valid():
                    services.indicator_definition_create(
                        county=county,
                        name=indicator_form.cleaned_data["name"],
                        unit=indicator_form.cleaned_data["unit"],
                        actor=actor_of(request),
                    )
                    messages.success(request, "指标已添加。")
                    return redirect("townships:settings", county_code=county.code)
            elif action == "delete_indicator":
                delete_form = IndicatorDeleteForm(request.POST, county=county)
                if delete_form.is_valid():
                    definition = delete_form.cleaned_data["definition"]
                    services.indicator_definition_delete(definition=definition, actor=actor_of(request))
                    messages.success(request, f"指标“{definition.name}”已删除。")
                else:
                    for message in form_errors(delete_form):
                        messages.error(request, message)
                return redirect("townships:settings", county_code=county.code)
        except ServiceError as exc:
            show_error(request, exc)
    return render(
        request,
        "townships/settings.html",
        {
            "county": county,
            "county_name": region_full_name(region=county),
            "scheme_form": scheme_form,
            "indicator_form": indicator_form,
            "definitions": selectors.indicator_definitions(county=county),
            "main_indicators": [i for i in selectors.county_indicators(county=county) if i.is_main],
        },
    )


def _sheet_columns(county: Region) -> list[xlsx_indicators.Column]:
    return [xlsx_indicators.Column(i.name, i.unit) for i in selectors.county_indicators(county=county)]


def _sheet_rows(request: HttpRequest, county: Region, year: int | None) -> list[xlsx_indicators.SheetRow]:
    return [
        xlsx_indicators.SheetRow(
            code=row.code,
            name=row.name,
            township_class=row.township_class,
            values=dict(row.indicators),
        )
        for row in selectors.township_rows(scope=scope_of(request), county=county, year=year)
    ]


def indicators_template(request: HttpRequest, county_code: str) -> HttpResponse:
    """The import template: the county's townships and classes, values blank."""
    county = selectors.county_get(scope=scope_of(request), code=county_code)
    data = xlsx_indicators.workbook_bytes(
        indicators=_sheet_columns(county),
        classes=selectors.county_classes(county=county),
        rows=_sheet_rows(request, county, None),
        title=f"{county.name}乡镇指标表（模板）",
    )
    return xlsx_download(data, f"{county.name}乡镇指标表模板.xlsx")


def indicators_export(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    county = selectors.county_get(scope=scope, code=county_code)
    year = _year(request, selectors.indicator_years(scope=scope, county=county))
    data = xlsx_indicators.workbook_bytes(
        indicators=_sheet_columns(county),
        classes=selectors.county_classes(county=county),
        rows=_sheet_rows(request, county, year),
        title=f"{county.name}{year}年乡镇指标表",
    )
    return xlsx_download(data, f"{county.name}{year}年乡镇指标表.xlsx")


def indicators_import(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    county = selectors.county_get(scope=scope, code=county_code)
    scope.require_edit(county)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.indicators_import(
                county=county,
                year=form.cleaned_data["year"],
                data=upload.read(),
                file_name=upload.name,
                allowed_codes={r.code for r in selectors.township_regions(scope=scope, county=county)},
                actor=actor_of(request),
            )
        except services.IndicatorImportError as exc:
            problems = list(exc.problems)
        else:
            messages.success(
                request,
                f"导入完成：{result.rows} 个乡镇，{result.values_changed} 项指标、"
                f"{result.classes_changed} 个类别有变化。",
            )
            return redirect(
                f"{_county_url(county)}?year={form.cleaned_data['year']}"
            )
    return render(
        request,
        "townships/import.html",
        {
            "county": county,
            "county_name": region_full_name(region=county),
            "form": form,
            "problems": problems,
        },
    )


def _county_url(county: Region) -> str:
    from django.urls import reverse

    return reverse("townships:county", kwargs={"county_code": county.code})


def county_ledger(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    county = selectors.county_get(scope=scope, code=county_code)
    return render(
        request,
        "townships/ledger.html",
        {
            "county": county,
            "county_name": region_full_name(region=county),
            "entries": selectors.quota_ledger(scope=scope, county=county)[:500],
        },
    )


def township_detail(request: HttpRequest, township_code: str) -> HttpResponse:
    scope = scope_of(request)
    township = selectors.township_get(scope=scope, code=township_code)
    row = selectors.township_row(scope=scope, township=township)
    values = selectors.indicator_values(scope=scope, township=township)
    by_year: dict[int, dict[str, Any]] = {}
    for v in values:
        by_year.setdefault(v.year, {})[v.indicator] = v
    county = Region.objects.get(code=township.county_code)
    records = audit_record_list(scope=scope, region_code=township.code)[:100]
    return render(
        request,
        "townships/township.html",
        {
            "township": township,
            "township_name": region_full_name(region=township),
            "row": row,
            "county": county,
            "county_visible": scope.can_view(county),
            "indicators": selectors.county_indicators(county=county),
            "years": sorted(by_year.items(), reverse=True),
            "entries": selectors.quota_ledger(scope=scope, township=township)[:200],
            "records": records,
            "can_edit": scope.can_edit(township),
        },
    )


def township_edit(request: HttpRequest, township_code: str) -> HttpResponse:
    scope = scope_of(request)
    township = selectors.township_get(scope=scope, code=township_code)
    scope.require_edit(township)
    county = Region.objects.get(code=township.county_code)
    indicators = selectors.county_indicators(county=county)
    year = _year(request, selectors.indicator_years(scope=scope, county=county))
    row = selectors.township_row(scope=scope, township=township, year=year)
    initial: dict[str, Any] = {"township_class": row.township_class, "year": year}
    for i, indicator in enumerate(indicators):
        initial[f"v_{i}"] = row.indicators.get(indicator.name)
    form = TownshipEditForm(
        request.POST or None,
        classes=selectors.county_classes(county=county),
        indicators=indicators,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.township_class_set(
                township=township,
                township_class=form.cleaned_data["township_class"],
                actor=actor_of(request),
            )
            services.indicator_values_set(
                township=township,
                year=form.cleaned_data["year"],
                values=form.values(),
                actor=actor_of(request),
            )
        except ServiceError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "已保存。")
            return redirect("townships:detail", township_code=township.code)
    return render(
        request,
        "townships/edit.html",
        {"township": township, "township_name": region_full_name(region=township), "form": form},
    )


def township_quota(request: HttpRequest, township_code: str) -> HttpResponse:
    """Set an approved quota by a document (outside any plan)."""
    scope = scope_of(request)
    township = selectors.township_get(scope=scope, code=township_code)
    scope.require_edit(township)
    form = QuotaForm(request.POST or None, initial={"date": clock.today()})
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.approved_quota_set(
                township=township,
                quota_type=form.cleaned_data["quota_type"],
                count=form.cleaned_data["count"],
                document_number=form.cleaned_data["document_number"],
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                actor=actor_of(request),
            )
        except ServiceError as exc:
            show_error(request, exc, form=form)
        else:
            messages.success(request, "核定编制已更新并记入台账。" if entry else "核定编制未变化。")
            return redirect("townships:detail", township_code=township.code)
    return render(
        request,
        "townships/quota.html",
        {"township": township, "township_name": region_full_name(region=township), "form": form},
    )


def _county_form_page(
    request: HttpRequest,
    county_code: str,
    *,
    form_class: type[forms.Form],
    form_kwargs: Callable[[Scope, Region], dict[str, Any]],
    write: Callable[[HttpRequest, Scope, Region, dict[str, Any]], str],
    template: str,
    url_name: str,
    context: Callable[[Scope, Region], dict[str, Any]],
    edit_to_view: bool,
) -> HttpResponse:
    """A county page with one dated write form (reserve pool, control
    numbers): scope lookup (404 outside), edit right (403; to view as well when
    ``edit_to_view``), the write through ``write`` (which returns the success
    message), a refusal shown on the form."""
    scope = scope_of(request)
    county = selectors.county_get(scope=scope, code=county_code)
    if edit_to_view:
        scope.require_edit(county)
    form = form_class(request.POST or None, initial={"date": clock.today()}, **form_kwargs(scope, county))
    if request.method == "POST":
        scope.require_edit(county)
        if form.is_valid():
            try:
                done = write(request, scope, county, form.cleaned_data)
            except ServiceError as exc:
                show_error(request, exc, form=form)
            else:
                messages.success(request, done)
                return redirect(url_name, county_code=county.code)
    return render(
        request,
        template,
        {
            "county": county,
            "county_name": region_full_name(region=county),
            "totals": selectors.control_number_check(scope=scope, county_code=county.code, on=clock.today()),
            "form": form,
            "can_edit": scope.can_edit(county),
            **context(scope, county),
        },
    )


def _reserve_assign(request: HttpRequest, scope: Scope, county: Region, data: dict[str, Any]) -> str:
    township = scope.township_or_404(data["township"])
    services.reserve_assign(
        township=township,
        quota_type=data["quota_type"],
        count=data["count"],
        document_number=data["document_number"],
        date=data["date"],
        reason=data["reason"],
        actor=actor_of(request),
    )
    return f"已从机动编制调剂{data['count']}名{data['quota_type']}给{township.name}，记入编制台账。"


def county_reserve(request: HttpRequest, county_code: str) -> HttpResponse:
    """The county's reserve pool (机动编制) and assigning part of it to a township."""
    return _county_form_page(
        request,
        county_code,
        form_class=ReserveAssignForm,
        form_kwargs=lambda scope, county: {
            "townships": list(selectors.township_regions(scope=scope, county=county))
        },
        write=_reserve_assign,
        template="townships/reserve.html",
        url_name="townships:reserve",
        context=lambda scope, county: {
            "entries": [e for e in selectors.quota_ledger(scope=scope, county=county)[:500] if e.is_reserve]
        },
        edit_to_view=True,
    )


def _control_number_set(request: HttpRequest, scope: Scope, county: Region, data: dict[str, Any]) -> str:
    services.control_number_set(
        county=county,
        quota_type=data["quota_type"],
        count=data["count"],
        document_number=data["document_number"],
        date=data["date"],
        actor=actor_of(request),
    )
    return "控制数已登记。"


def county_control(request: HttpRequest, county_code: str) -> HttpResponse:
    """The control numbers issued from above: whether the county stays within
    them today, their history, and (for the county's officers) recording one."""
    return _county_form_page(
        request,
        county_code,
        form_class=ControlNumberForm,
        form_kwargs=lambda scope, county: {},
        write=_control_number_set,
        template="townships/control.html",
        url_name="townships:control",
        context=lambda scope, county: {
            "history": selectors.control_number_history(scope=scope, county=county)
        },
        edit_to_view=False,
    )
