"""Institution and ledger pages. Thin: selectors to read, services to write;
writes need 编办管理员 rights over the township."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.accounts.scope import actor_of, scope_of
from bianzhi.audit.selectors import audit_history
from bianzhi.institutions import forms, selectors, services
from bianzhi.institutions.importing import (
    COUNT_COLUMNS,
    InstitutionImportRefused,
    institution_import_commit,
    institution_import_parse,
    institution_template,
)
from bianzhi.institutions.models import QUOTA_ITEMS, UNIFIED_OFFICES, Institution, Kind, LedgerItem
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.errors import ServiceError, show_error
from bianzhi.kernel.hooks import StaffCount, staff_counts
from bianzhi.regions.drill import drill_context
from bianzhi.regions.models import Level, Region
from bianzhi.townships.selectors import township_quotas_on


def _as_of(request: HttpRequest) -> date | None:
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if scope.region is not None and scope.region.level == Level.TOWNSHIP:
        return redirect("institutions:township", scope.region.code)
    if scope.region is not None and scope.region.level == Level.COUNTY:
        return redirect("institutions:county", scope.region.code)
    context = drill_context(
        request, scope=scope, county_href=lambda c: reverse("institutions:county", args=[c.code])
    )
    return render(request, "institutions/index.html", context)


def county(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = scope.county_or_404(county_code)
    as_of = _as_of(request)
    rows = selectors.ledger_comparison(scope=scope, county=region, as_of=as_of)
    table = [
        {
            "row": row,
            "quotas": [
                (label, row.ledger.get(item, 0), row.approved.get(item), row.difference(item))
                for label, item in COUNT_COLUMNS[:2]
            ],
            "counts": [row.counts.get(k, 0) for k in Kind.values],
        }
        for row in rows
    ]
    return render(request, "institutions/county.html", {
        "county": region, "table": table, "as_of": as_of, "kinds": Kind.labels,
        "can_edit": scope.can_edit(region),
    })


def township(request: HttpRequest, township_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = scope.township_or_404(township_code)
    as_of = _as_of(request)
    institutions = list(selectors.institution_list(scope=scope, region=region, as_of=as_of))
    names = selectors.names_as_of(institutions=institutions, as_of=as_of) if as_of else {}
    plates = selectors.nameplates_of(institutions=institutions, as_of=as_of)
    balances = selectors.ledger_balances(institution_ids=[i.pk for i in institutions], as_of=as_of)
    # The roster sits above institutions: its counts come through the hook it registers.
    staff = staff_counts(institution_ids=[i.pk for i in institutions])
    rows: list[dict[str, Any]] = [
        {
            "institution": i,
            "name": names.get(i.pk, i.name),
            "plates": plates.get(i.pk, []),
            "balances": [balances.get(i.pk, {}).get(item, 0) for _, item in COUNT_COLUMNS],
            "staff": staff.get(i.pk, StaffCount()).on_roster,
        }
        for i in institutions
    ]
    totals = [sum(r["balances"][k] for r in rows) for k in range(len(COUNT_COLUMNS))]
    # 核定编制 on the same date as the ledger sums (the county summary's figures).
    approved_on = township_quotas_on(county=region.parent, on=as_of).get(region.pk, {}) if region.parent else {}
    approved = [approved_on.get(item) if item in QUOTA_ITEMS else None for _, item in COUNT_COLUMNS]
    existing = {i.name for i in institutions}
    missing = [n for n, _ in UNIFIED_OFFICES if n not in existing]
    return render(request, "institutions/township.html", {
        "township": region, "rows": rows, "totals": totals, "as_of": as_of, "approved": approved,
        "headers": [h for h, _ in COUNT_COLUMNS], "can_edit": scope.can_edit(region),
        "form": forms.InstitutionForm(initial={"established_on": clock.today()}),
        "unified_form": forms.UnifiedForm(initial={"established_on": clock.today()}),
        "missing_unified": missing,
        "unified_problems": selectors.unified_offices_limit_problems(township=region, missing=missing)
        if missing and scope.can_edit(region) else [],
    })


def _post_action(
    request: HttpRequest, region: Region, back: str, form_class: type[Any], action: Callable[[dict[str, Any]], Any]
) -> HttpResponse:
    if request.method != "POST":
        return redirect(back)
    scope_of(request).require_edit(region)
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}")
        return redirect(back)
    try:
        action(form.cleaned_data)
    except ServiceError as error:
        show_error(request, error)
    else:
        messages.success(request, "已保存。")
    return redirect(back)


def township_create(request: HttpRequest, township_code: str) -> HttpResponse:
    region = scope_of(request).township_or_404(township_code)
    return _post_action(request, region, reverse("institutions:township", args=[region.code]),
                        forms.InstitutionForm, lambda d: services.institution_create(
                            actor=actor_of(request), township=region, name=d["name"], kind=d["kind"],
                            established_on=d["established_on"], document_number=d["document_number"]))


def township_unified(request: HttpRequest, township_code: str) -> HttpResponse:
    region = scope_of(request).township_or_404(township_code)
    return _post_action(request, region, reverse("institutions:township", args=[region.code]),
                        forms.UnifiedForm, lambda d: services.institutions_create_unified(
                            actor=actor_of(request), township=region, established_on=d["established_on"],
                            document_number=d["document_number"]))


def detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    scope = scope_of(request)
    institution = selectors.institution_get(scope=scope, pk=institution_id)
    balances = selectors.ledger_balances(institution_ids=[institution.pk]).get(institution.pk, {})
    return render(request, "institutions/detail.html", {
        "institution": institution,
        "events": institution.events.all(),
        "nameplates": institution.nameplates.all(),
        "entries": selectors.ledger_entries(scope=scope, institution=institution),
        "balances": [(label, balances.get(value, 0)) for value, label in LedgerItem.choices],
        "staff": staff_counts(institution_ids=[institution.pk]).get(institution.pk, StaffCount()).on_roster,
        "records": audit_history(scope=scope, obj=institution)[:50],
        "can_edit": scope.can_edit(institution.region) and institution.abolished_on is None,
        "ledger_form": forms.LedgerForm(initial={"effective_on": clock.today()}),
        "rename_form": forms.RenameForm(initial={"effective_on": clock.today()}),
        "abolish_form": forms.AbolishForm(initial={"effective_on": clock.today()}),
        "nameplate_form": forms.NameplateForm(initial={"added_on": clock.today()}),
    })


def _institution_post(request: HttpRequest, institution_id: int, form_class: type[Any],
                      action: Callable[[Institution, dict[str, Any]], Any]) -> HttpResponse:
    institution = selectors.institution_get(scope=scope_of(request), pk=institution_id)
    return _post_action(request, institution.region, reverse("institutions:detail", args=[institution.pk]),
                        form_class, lambda d: action(institution, d))


def ledger_add(request: HttpRequest, institution_id: int) -> HttpResponse:
    return _institution_post(request, institution_id, forms.LedgerForm, lambda i, d: services.ledger_change(
        actor=actor_of(request), institution=i, item=d["item"], delta=d["delta"], effective_on=d["effective_on"],
        document_number=d["document_number"], reason=d["reason"]))


def rename(request: HttpRequest, institution_id: int) -> HttpResponse:
    return _institution_post(request, institution_id, forms.RenameForm, lambda i, d: services.institution_rename(
        actor=actor_of(request), institution=i, new_name=d["new_name"], effective_on=d["effective_on"],
        document_number=d["document_number"], reason=d["reason"]))


def abolish(request: HttpRequest, institution_id: int) -> HttpResponse:
    return _institution_post(request, institution_id, forms.AbolishForm, lambda i, d: services.institution_abolish(
        actor=actor_of(request), institution=i, effective_on=d["effective_on"],
        document_number=d["document_number"], reason=d["reason"]))


def nameplate(request: HttpRequest, institution_id: int) -> HttpResponse:
    return _institution_post(request, institution_id, forms.NameplateForm, lambda i, d: services.nameplate_add(
        actor=actor_of(request), institution=i, name=d["name"], added_on=d["added_on"],
        document_number=d["document_number"]))


def template_download(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    codes = list(scope.regions().filter(level=Level.TOWNSHIP).order_by("code").values_list("code", flat=True)[:5000])
    return xlsx_download(institution_template(township_codes=codes), "机构导入模板.xlsx")


SESSION_KEY = "institution_import"


def import_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    region = None if scope.is_superuser else scope.region
    if not scope.is_superuser:
        scope.require_edit(region)
    plan = None
    if request.method == "POST" and "commit" in request.POST:
        pending = request.session.pop(SESSION_KEY, None)
        if not pending or not default_storage.exists(pending["path"]):
            messages.error(request, "没有待确认的导入，请重新上传文件。")
            return redirect("institutions:import")
        with default_storage.open(pending["path"], "rb") as handle:
            plan = institution_import_parse(source=handle, filename=pending["filename"], region=region)
        default_storage.delete(pending["path"])
        try:
            summary = institution_import_commit(actor=actor_of(request), plan=plan)
        except InstitutionImportRefused:
            pass  # shown below with the errors
        except services.InstitutionRuleViolation as refused:
            messages.error(request, str(refused))
            return redirect("institutions:import")
        else:
            messages.success(request, f"导入完成：{summary}")
            return redirect("institutions:index")
    form = forms_upload(request)
    if request.method == "POST" and "commit" not in request.POST and form.is_valid():
        upload = form.cleaned_data["file"]
        path = default_storage.save("imports/institutions/upload.xlsx", ContentFile(upload.read()))
        with default_storage.open(path, "rb") as handle:
            plan = institution_import_parse(source=handle, filename=upload.name, region=region)
        if plan.errors:
            default_storage.delete(path)
        else:
            request.session[SESSION_KEY] = {"path": path, "filename": upload.name}
    return render(request, "institutions/import.html", {"form": form, "plan": plan})


class UploadForm(django_forms.Form):
    # The same field as the roster's upload form, which institutions cannot
    # import (roster sits above it).
    file = django_forms.FileField(label="Excel 文件（.xlsx）")


def forms_upload(request: HttpRequest) -> Any:
    if request.method == "POST" and "commit" not in request.POST:
        return UploadForm(request.POST, request.FILES)
    return UploadForm()
