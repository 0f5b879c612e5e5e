"""Roster pages. Thin: parse the request, call a selector or a service,
render. Writes need 编办管理员 rights over the person's region."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.accounts.scope import Scope, actor_of, scope_of
from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.audit.selectors import audit_history
from bianzhi.audit.services import audit_export
from bianzhi.institutions.models import Institution, QuotaType
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.errors import ServiceError, show_error
from bianzhi.kernel.urls import pk_url
from bianzhi.regions.models import Level, Region
from bianzhi.roster import forms, selectors, services, staging
from bianzhi.roster.importing import (
    HEADERS,
    ImportRefused,
    RosterImportPlan,
    WorkbookSize,
    roster_import_commit,
    roster_import_parse,
    roster_template,
    workbook_size,
)
from bianzhi.roster.models import Grade, Person, PostCategory, Status

# Imports above this many rows run as a background job (progress page).
INLINE_IMPORT_LIMIT = 5000
# Files declaring more rows than this, or whose sheets hold more XML than
# this, are not even previewed in the request: they go to the job unparsed
# (about 20,000 rows; a 1,000,000-row file took longer than the request
# timeout to parse). Settings BIANZHI_ROSTER_PREVIEW_MAX_ROWS / _BYTES override.
PREVIEW_MAX_ROWS = 20_000
PREVIEW_MAX_BYTES = 20 * 1024 * 1024




def _editable_townships(scope: Scope) -> list[Region]:
    regions = scope.regions().filter(level=Level.TOWNSHIP).order_by("code")
    return [r for r in regions if scope.can_edit(r)] if not scope.is_superuser else list(regions)


@dataclass(frozen=True)
class _ListRow:
    """One row of the roster table, every cell already text (the template
    loop only prints them; resolving each cell on the model, its display
    methods and the date filter in the template was most of the page's time)."""

    url: str
    name: str
    id_shown: str
    gender: str
    township: str
    institution: str
    quota_type: str
    post: str
    enforcement: bool
    status: str
    entry_date: str
    service_period_end: str
    grade: str


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _list_rows(persons: Iterable[Person], *, visible: bool) -> list[_ListRow]:
    urls: dict[str, tuple[str, str]] = {}
    rows = []
    for p in persons:
        status = p.get_status_display()
        if p.secondment_unit:
            status += f"（{p.secondment_unit}）"
        if p.exited_on:
            status += "（已出编）"
        rows.append(_ListRow(
            url=pk_url(urls, "roster:detail", p.pk), name=p.name,
            id_shown=selectors.id_number_shown(person=p, visible=visible), gender=p.gender,
            township=p.region.name, institution=p.institution.name if p.institution else "",
            quota_type=p.quota_type, post=p.get_post_category_display(), enforcement=p.is_enforcement_staff,
            status=status, entry_date=_day(p.entry_date), service_period_end=_day(p.service_period_end),
            grade=p.assessment_grade,
        ))
    return rows


def person_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    filters = selectors.RosterFilter.from_query(request.GET.dict())
    visible = selectors.id_numbers_visible(scope=scope, region=scope.region) or scope.is_superuser
    persons = selectors.person_list(scope=scope, filters=filters, id_search=visible)
    page = Paginator(persons, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "show_ids": visible,
        "query": query.urlencode(),
        "quota_types": QuotaType.choices,
        "statuses": Status.choices,
        "posts": PostCategory.choices,
        "grades": Grade.choices,
        "can_edit": scope.is_superuser or scope.can_edit(scope.region),
        "rows": _list_rows(page, visible=visible),
    }
    if request.headers.get("HX-Request"):
        return render(request, "roster/_table.html", context)
    return render(request, "roster/list.html", context)


def person_export(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    filters = selectors.RosterFilter.from_query(request.GET.dict())
    visible = selectors.id_numbers_visible(scope=scope, region=scope.region) or scope.is_superuser
    persons = selectors.person_list(scope=scope, filters=filters, id_search=visible)
    content = write_workbook(
        "实名制名册",
        HEADERS,
        (selectors.person_export_row(p, show_id_number=visible) for p in persons.iterator(chunk_size=2000)),
    )
    if visible:
        # Full identity numbers leave the system: record who took them before
        # the file goes out (no record, no file).
        audit_export(
            actor=actor_of(request),
            object_type="roster.export",
            label="实名制名册导出",
            region_code=scope.region.code if scope.region else "",
            rows=persons.count(),
            criteria={k: v for k, v in asdict(filters).items() if v},
        )
    return xlsx_download(content, "实名制名册.xlsx")


def roster_template_download(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    townships = _editable_townships(scope)
    names = Institution.objects.filter(region__in=townships, abolished_on__isnull=True).values_list("name", flat=True)
    content = roster_template(township_codes=[t.code for t in townships], institution_names=list(names))
    return xlsx_download(content, "实名制名册导入模板.xlsx")


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    scope = scope_of(request)
    person = selectors.person_get(scope=scope, pk=person_id)
    visible = selectors.id_numbers_visible(scope=scope, region=person.region)
    can_edit = scope.can_edit(person.region) and person.exited_on is None
    context = {
        "person": person,
        "id_shown": selectors.id_number_shown(person=person, visible=visible),
        "links": selectors.person_links(scope=scope, person=person),
        "can_edit": can_edit,
        "records": audit_history(scope=scope, obj=person)[:50],
        "second_form": forms.SecondForm(prefix="second"),
        "return_form": forms.ReturnForm(prefix="return", initial={"returned_on": clock.today()}),
        "exit_form": forms.ExitForm(prefix="exit", initial={"exited_on": clock.today()}),
        "transfer_form": forms.TransferForm(prefix="transfer", initial={"effective_on": clock.today()}),
        "edit_form": forms.EditForm(prefix="edit", initial={
            "post_category": person.post_category,
            "is_enforcement_staff": person.is_enforcement_staff,
            "status": person.status if person.status in (Status.ON_POST, Status.OTHER_ABSENCE) else Status.ON_POST,
            "certificate_number": person.certificate_number,
            "certificate_expiry": person.certificate_expiry,
            "assessment_grade": person.assessment_grade,
            "service_period_end": person.service_period_end,
        }),
    }
    return render(request, "roster/detail.html", context)


def _person_action(
    request: HttpRequest, person_id: int, form_class: type[Any], action: Any, prefix: str
) -> HttpResponse:
    """Look the person up first (outsiders get 404 whatever the method), then
    require POST and edit rights, run the service, report in Chinese."""
    scope = scope_of(request)
    person = selectors.person_get(scope=scope, pk=person_id)
    detail = reverse("roster:detail", args=[person.pk])
    if request.method != "POST":
        return redirect(detail)
    scope.require_edit(person.region)
    # Each form on the detail page has its own prefix: their fields share names.
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}")
        return redirect(detail)
    try:
        result = action(scope, person, form.cleaned_data, request.user)
    except (services.RosterError, ValueError) as error:
        messages.error(request, str(error))
        return redirect(detail)
    messages.success(request, "已保存。")
    for warning in getattr(result, "warnings", []):
        messages.warning(request, f"预警：{warning.message}（{warning.source}）")
    return redirect(detail)


def person_second(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_action(request, person_id, forms.SecondForm, lambda s, p, d, u: services.person_second(
        actor=u, person=p, unit=d["unit"], start=d["start"], end=d["end"], document_number=d["document_number"],
        township_consent=d["township_consent"]), "second")


def person_return(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_action(request, person_id, forms.ReturnForm, lambda s, p, d, u: services.person_secondment_end(
        actor=u, person=p, returned_on=d["returned_on"], document_number=d["document_number"]), "return")


def person_exit(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_action(request, person_id, forms.ExitForm, lambda s, p, d, u: services.person_exit(
        actor=u, person=p, exited_on=d["exited_on"], reason=d["reason"], document_number=d["document_number"]), "exit")


def _transfer(scope: Scope, person: Person, data: dict[str, Any], user: Any) -> Any:
    target = scope.regions().filter(code=data["to_township"].strip(), level=Level.TOWNSHIP).first()
    if target is None:
        raise services.RosterError("调入乡镇代码无效或无权访问")
    scope.require_edit(target)
    return services.person_transfer(actor=user, person=person, to_township=target,
                                    effective_on=data["effective_on"], document_number=data["document_number"])


def person_transfer(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_action(request, person_id, forms.TransferForm, _transfer, "transfer")


def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    def edit(scope: Scope, person: Person, data: dict[str, Any], user: Any) -> Any:
        reason = data.pop("reason")
        return services.person_update(actor=user, person=person, changes=data, reason=reason)

    return _person_action(request, person_id, forms.EditForm, edit, "edit")


def person_enter(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    townships = _editable_townships(scope)
    if not townships:
        scope.require_edit(None)  # 403: nothing this user may enter persons into
    institutions = Institution.objects.filter(region__in=townships, abolished_on__isnull=True).select_related("region")
    form = forms.EnterForm(
        request.POST or None,
        townships=[(t.code, f"{t.name}（{t.code}）") for t in townships],
        institutions=[(str(i.pk), f"{i.region.name} {i.name}") for i in institutions],
    )
    if request.method == "POST" and not services.entry_attempt_allow(user=request.user):
        # Each submission says whether a number is registered elsewhere:
        # limited so the form cannot be used to probe numbers in bulk. The
        # typed values stay in the form.
        form.is_valid()
        form.add_error(None, f"操作过于频繁：每人每分钟最多提交{services.entries_per_minute()}次入编，请稍后再试。")
        return render(request, "roster/enter.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        township = next(t for t in townships if t.code == data["township"])
        institution = next((i for i in institutions if str(i.pk) == data["institution"]), None)
        try:
            result = services.person_enter(
                actor=actor_of(request), id_number=data["id_number"], name=data["name"], township=township,
                quota_type=data["quota_type"], entry_date=data["entry_date"],
                document_number=data["document_number"], entry_way=data["entry_way"],
                institution=institution, post_category=data["post_category"],
                is_enforcement_staff=data["is_enforcement_staff"], education=data["education"],
                certificate_number=data["certificate_number"], certificate_expiry=data["certificate_expiry"],
            )
        except ServiceError as error:
            show_error(request, error, form=form)
        else:
            messages.success(request, f"{result.person.name}已入编。")
            for warning in result.warnings:
                messages.warning(request, f"预警：{warning.message}（{warning.source}）")
            return redirect("roster:detail", result.person.pk)
    return render(request, "roster/enter.html", {"form": form})


SESSION_KEY = "roster_import"


def _too_big_to_preview(size: WorkbookSize) -> bool:
    rows = int(getattr(settings, "BIANZHI_ROSTER_PREVIEW_MAX_ROWS", PREVIEW_MAX_ROWS))
    xml_bytes = int(getattr(settings, "BIANZHI_ROSTER_PREVIEW_MAX_BYTES", PREVIEW_MAX_BYTES))
    return size.rows > rows or size.xml_bytes > xml_bytes


def roster_import(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET: the form; POST file: validate and preview) and step 2
    (POST commit: write everything or nothing, inline or as a job). A file
    too big to preview goes to the job at step 1, unparsed."""
    scope = scope_of(request)
    region = None if scope.is_superuser else scope.region
    if not scope.is_superuser:
        scope.require_edit(region)
    if request.method == "POST" and "commit" in request.POST:
        return _import_commit(request, region)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    plan: RosterImportPlan | None = None
    if request.method == "POST" and form.is_valid():
        # A new upload replaces a preview that was never confirmed: its file
        # (full identity numbers) must not stay behind in storage, nor what
        # crashed or abandoned imports of anyone left.
        stale = request.session.pop(SESSION_KEY, None)
        staging.discard(stale["path"] if stale else None)
        staging.sweep()
        upload = form.cleaned_data["file"]
        if _too_big_to_preview(workbook_size(upload)):
            messages.info(request, "文件较大，不在网页上预览：已转为后台校验并导入（全部行正确才导入，任何一行有错都不导入），可在此查看进度。")
            return _import_in_background(request, region, staging.stage(upload), upload.name)
        # Parsed from the upload itself and staged only once it passed: a
        # request killed while parsing leaves no file in storage.
        plan = roster_import_parse(source=upload, filename=upload.name, region=region)
        if plan.ok:
            request.session[SESSION_KEY] = {
                "path": staging.stage(upload), "filename": upload.name, "rows": plan.total,
            }
    context = {"form": form, "plan": plan, "errors": plan.errors[:500] if plan else [],
               "preview_new": plan.new[:20] if plan else [],
               "preview_changed": [
                   (row["name"], "、".join(
                       str(getattr(Person._meta.get_field(k.removesuffix("_id")), "verbose_name", k)) for k in before))
                   for _, row, before in (plan.changed[:20] if plan else [])
               ]}
    return render(request, "roster/import.html", context)


def _import_in_background(request: HttpRequest, region: Region | None, path: str, filename: str) -> HttpResponse:
    """Hand the staged file to the "roster.import" job (it validates all rows
    again and imports all or nothing) and show its progress page."""
    from bianzhi.jobs.services import job_enqueue

    try:
        job = job_enqueue(kind="roster.import",
                          params={"path": path, "filename": filename, "region": region.code if region else ""},
                          actor=actor_of(request), region=region, label=f"实名制名册导入：{filename}")
    except BaseException:
        staging.discard(path)  # no job will ever delete it
        raise
    return redirect("jobs:detail", job.pk)


def _import_commit(request: HttpRequest, region: Region | None) -> HttpResponse:
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or not default_storage.exists(pending["path"]):
        messages.error(request, "没有待确认的导入，请重新上传文件。")
        return redirect("roster:import")
    # A big file goes to the job as it is: the job validates it again anyway,
    # so parsing it here as well would only keep the request waiting.
    if pending.get("rows", 0) > INLINE_IMPORT_LIMIT:
        return _import_in_background(request, region, pending["path"], pending["filename"])
    try:
        with default_storage.open(pending["path"], "rb") as handle:
            plan = roster_import_parse(source=handle, filename=pending["filename"], region=region)
        result = roster_import_commit(actor=actor_of(request), plan=plan)
    except ImportRefused as refused:
        # The data changed since the preview; show the new errors.
        return render(request, "roster/import.html", {"form": forms.UploadForm(), "plan": plan,
                                                      "errors": refused.errors[:500]})
    finally:
        staging.discard(pending["path"])
    messages.success(request, f"导入完成：{result.summary()}")
    return redirect(reverse("policy_rules:findings"))
