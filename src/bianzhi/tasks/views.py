"""Thin views of the work-plan app: parse the request, call a selector or a
service, render. Object lookups go through the scope first, so a user of
another county gets 404 even on POST-only URLs (then 405 for a GET)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.accounts.scope import actor_of, scope_of
from bianzhi.adapters.problems import InputError
from bianzhi.adapters.xlsx_tasks import read_task_table, task_table_xlsx
from bianzhi.core.tasks import STATUS_LABELS, URGENCY_LABELS, TaskStatus
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.fields import form_errors
from bianzhi.tasks import selectors, services
from bianzhi.tasks.forms import CalendarForm, FindingForm, ReportForm, RoundForm, TaskFilterForm
from bianzhi.tasks.models import ReportKind


def _errors(request: HttpRequest, exc: ValidationError | ValueError) -> None:
    for message in exc.messages if isinstance(exc, ValidationError) else str(exc).splitlines():
        messages.error(request, message)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filters(
    request: HttpRequest, plan_id: int | None = None
) -> tuple[selectors.TaskFilter, list[str]]:
    """The table's filters and the errors of the invalid ones (left out)."""
    form = TaskFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    filters = selectors.TaskFilter(
        plan_id=plan_id,
        unit=data.get("unit", "").strip(),
        status=data.get("status", ""),
        urgency=data.get("urgency", ""),
        due_from=data.get("due_from"),
        due_to=data.get("due_to"),
    )
    return filters, form_errors(form)


def _filter_context(request: HttpRequest, plan_id: int | None) -> dict[str, Any]:
    scope = scope_of(request)
    on = clock.today()
    filters, errors = _filters(request, plan_id)
    return {
        "filters": filters,
        "filter_errors": errors,
        "views": selectors.task_list(scope=scope, on=on, filters=filters),
        "units": selectors.task_units(scope=scope, plan_id=plan_id),
        "status_choices": [(s.value, label) for s, label in STATUS_LABELS.items()],
        "urgency_choices": [(u.value, label) for u, label in URGENCY_LABELS.items()],
        "today": on,
    }


# --- plans ------------------------------------------------------------------------------


def plan_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if request.method == "POST":
        return _plan_import(request)
    on = clock.today()
    editable = [
        r
        for r in scope.regions().filter(level__in=["county", "township"])[:500]
        if scope.can_edit(r)
    ]
    return render(
        request,
        "tasks/plan_list.html",
        {
            "plans": selectors.plan_list(scope=scope),
            "warnings": selectors.warnings(scope=scope, on=on)[:50],
            "supervision_gaps": selectors.supervision_gaps(scope=scope, on=on),
            "editable_regions": editable,
            "today": on,
        },
    )


def _plan_import(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    region = scope.region_or_404(request.POST.get("region", ""))
    # Before the file is read: only an editor's upload reaches the parser.
    scope.require_edit(region)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择任务清单 Excel 文件。")
        return redirect("tasks:plan_list")
    try:
        rows = read_task_table(upload.read(), filename=upload.name or "任务清单.xlsx")
        plan = services.plan_import(
            actor=actor_of(request),
            region=region,
            title=request.POST.get("title", ""),
            rows=rows,
            source=request.POST.get("source", "").strip(),
            document_number=request.POST.get("document_number", "").strip(),
            issued_on=_date(request.POST.get("issued_on")),
        )
    except InputError as exc:
        for problem in exc.problems:
            messages.error(request, str(problem))
        messages.error(request, "任务清单未导入（全部行无误后才会导入）。")
        return redirect("tasks:plan_list")
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("tasks:plan_list")
    messages.success(request, f"已导入“{plan.title}”，共 {len(rows)} 项任务。")
    return redirect("tasks:plan_detail", work_plan_id=plan.pk)


def task_template(request: HttpRequest) -> HttpResponse:
    return xlsx_download(task_table_xlsx(), "任务清单模板.xlsx")


def plan_detail(request: HttpRequest, work_plan_id: int) -> HttpResponse:
    scope = scope_of(request)
    plan = selectors.plan_get(scope=scope, plan_id=work_plan_id)
    context = _filter_context(request, plan.pk)
    context.update(
        plan=plan,
        completion=selectors.plan_completion(plan=plan, on=context["today"]),
        unit_rows=selectors.unit_summary(scope=scope, on=context["today"], plan_id=plan.pk),
        filter_url=reverse("tasks:plan_detail", args=[plan.pk]),
    )
    if request.headers.get("HX-Request"):
        return render(request, "tasks/_task_table.html", context)
    return render(request, "tasks/plan_detail.html", context)


def task_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    context = _filter_context(request, None)
    context.update(
        unit_rows=selectors.unit_summary(scope=scope, on=context["today"]),
        filter_url=reverse("tasks:task_list"),
    )
    if request.headers.get("HX-Request"):
        return render(request, "tasks/_task_table.html", context)
    return render(request, "tasks/task_list.html", context)


# --- one task ---------------------------------------------------------------------------


def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    scope = scope_of(request)
    task = selectors.task_get(scope=scope, task_id=task_id)
    on = clock.today()
    region = task.plan.region
    units = services.reportable_units(actor=actor_of(request), task=task)
    return render(
        request,
        "tasks/task_detail.html",
        {
            "task": task,
            "view": selectors._view(task, on),
            "timeline": selectors.task_timeline(task=task),
            "findings": task.findings.select_related("round"),
            "may_report": services.may_report(scope, region) and bool(units),
            "not_our_task": services.may_report(scope, region) and not units,
            "report_form": ReportForm(units=units),
            "closeout_form": ReportForm(units=units, closeout=True, auto_id="closeout_%s"),
            "may_approve": scope.can_approve(region),
            "is_open": task.task_status in (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS),
            "is_requested": task.task_status is TaskStatus.CLOSE_REQUESTED,
            "today": on,
            "report_kinds": ReportKind,
        },
    )


def _task_post(request: HttpRequest, task_id: int, action: str) -> HttpResponseBase:
    task = selectors.task_get(scope=scope_of(request), task_id=task_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    files = request.FILES.getlist("files")
    text = request.POST.get("text", "")
    try:
        if action in ("report", "closeout"):
            # The drop-down offers the units the user may report for; the
            # service checks the same rule for every other caller.
            form = ReportForm(
                request.POST,
                units=services.reportable_units(actor=actor_of(request), task=task),
                closeout=action == "closeout",
            )
            if not form.is_valid():
                raise ValidationError(form_errors(form))
            unit, text = form.cleaned_data["unit"], form.cleaned_data["text"]
        if action == "report":
            services.task_report_progress(
                actor=actor_of(request), task=task, unit=unit, text=text, files=files
            )
            messages.success(request, "进展已报送。")
        elif action == "closeout":
            services.task_request_closeout(
                actor=actor_of(request), task=task, unit=unit, text=text, files=files
            )
            messages.success(request, "已申请销号，等待审核。")
        elif action == "approve":
            services.task_approve_closeout(actor=actor_of(request), task=task, text=text)
            messages.success(request, "已销号。")
        else:
            services.task_reject_closeout(actor=actor_of(request), task=task, reason=text)
            messages.success(request, "已退回。")
    except (ValidationError, ValueError) as exc:
        _errors(request, exc)
    return redirect("tasks:task_detail", task_id=task.pk)


def task_report(request: HttpRequest, task_id: int) -> HttpResponseBase:
    return _task_post(request, task_id, "report")


def task_closeout(request: HttpRequest, task_id: int) -> HttpResponseBase:
    return _task_post(request, task_id, "closeout")


def task_approve(request: HttpRequest, task_id: int) -> HttpResponseBase:
    return _task_post(request, task_id, "approve")


def task_reject(request: HttpRequest, task_id: int) -> HttpResponseBase:
    return _task_post(request, task_id, "reject")


def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    item = selectors.attachment_get(scope=scope_of(request), attachment_id=attachment_id)
    # Served as a download, never inline: an uploaded file is not trusted content.
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )


def calendar_view(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    on = clock.today()
    form = CalendarForm(request.GET)
    # An invalid month shows the current one, with the error above it.
    first = (form.is_valid() and form.cleaned_data["month"]) or on.replace(day=1)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "tasks/calendar.html",
        {
            "weeks": selectors.calendar_month(
                scope=scope, year=first.year, month=first.month, on=on
            ),
            "first": first,
            "prev": prev_month,
            "next": next_month,
            "weekdays": "一二三四五六日",
            "errors": form_errors(form),
        },
    )


# --- supervision rounds -----------------------------------------------------------------


def round_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if request.method == "POST":
        form = RoundForm(request.POST)
        if not form.is_valid():
            for message in form_errors(form):
                messages.error(request, message)
            return redirect("tasks:round_list")
        data = form.cleaned_data
        region = scope.region_or_404(data["region"])
        plan = None
        if data["plan"] is not None:
            plan = selectors.plan_get(scope=scope, plan_id=data["plan"])
        try:
            item = services.round_create(
                actor=actor_of(request),
                region=region,
                plan=plan,
                held_on=data["held_on"] or clock.today(),
                title=data["title"],
                inspector=data["inspector"],
                summary=data["summary"],
            )
        except ValidationError as exc:
            _errors(request, exc)
            return redirect("tasks:round_list")
        return redirect("tasks:round_detail", supervision_id=item.pk)
    editable = [
        r
        for r in scope.regions().filter(level__in=["county", "township"])[:500]
        if scope.can_edit(r)
    ]
    return render(
        request,
        "tasks/round_list.html",
        {
            "rounds": selectors.round_list(scope=scope),
            "plans": selectors.plan_list(scope=scope),
            "editable_regions": editable,
            "today": clock.today(),
        },
    )


def round_detail(request: HttpRequest, supervision_id: int) -> HttpResponse:
    scope = scope_of(request)
    item = selectors.round_get(scope=scope, round_id=supervision_id)
    tasks = (
        selectors.task_list(
            scope=scope, on=clock.today(), filters=selectors.TaskFilter(plan_id=item.plan_id)
        )
        if item.plan_id
        else []
    )
    return render(
        request,
        "tasks/round_detail.html",
        {
            "round": item,
            "findings": item.findings.select_related("task__plan").prefetch_related("attachments"),
            "tasks": tasks,
            "may_edit": scope.can_edit(item.region),
            "may_report": services.may_report(scope, item.region),
        },
    )


def finding_create(request: HttpRequest, supervision_id: int) -> HttpResponseBase:
    scope = scope_of(request)
    item = selectors.round_get(scope=scope, round_id=supervision_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = FindingForm(request.POST)
    if not form.is_valid():
        for message in form_errors(form):
            messages.error(request, message)
        return redirect("tasks:round_detail", supervision_id=item.pk)
    data = form.cleaned_data
    task = None
    if data["task"] is not None:
        task = selectors.task_get(scope=scope, task_id=data["task"])
    try:
        services.finding_create(
            actor=actor_of(request),
            round=item,
            task=task,
            unit=data["unit"],
            description=data["description"],
            rectify_by=data["rectify_by"],
        )
        messages.success(request, "已登记督导问题。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("tasks:round_detail", supervision_id=item.pk)


def finding_rectify(request: HttpRequest, finding_id: int) -> HttpResponseBase:
    finding = selectors.finding_get(scope=scope_of(request), finding_id=finding_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.finding_rectify(
            actor=actor_of(request),
            finding=finding,
            text=request.POST.get("text", ""),
            files=request.FILES.getlist("files"),
        )
        messages.success(request, "整改情况已报送。")
    except (ValidationError, ValueError) as exc:
        _errors(request, exc)
    return redirect("tasks:round_detail", supervision_id=finding.round_id)


def finding_verify(request: HttpRequest, finding_id: int) -> HttpResponseBase:
    finding = selectors.finding_get(scope=scope_of(request), finding_id=finding_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.finding_verify(actor=actor_of(request), finding=finding)
        messages.success(request, "整改已核实。")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("tasks:round_detail", supervision_id=finding.round_id)
