"""Thin views of the enforcement pages: parse the request (forms), look the
objects up through the scope (404 outside), call a service, render. The
public disclosure page needs no login (002 §5: 谁执法谁公示)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.accounts.scope import Scope, scope_of
from bianzhi.adapters.xlsx_columns import SheetError
from bianzhi.core.enforcement import (
    CASE_STATUS_LABELS,
    SOURCE_DISCLOSURE,
    SOURCE_LEADER_CERTIFIED,
    SOURCE_OFFICE_HEAD,
    CaseStatus,
)
from bianzhi.duties.selectors.duty_list import public_township
from bianzhi.enforcement import importing, selectors, services
from bianzhi.enforcement.forms import CaseForm, MeetingForm, RecordForm, StepForm, TeamForm
from bianzhi.enforcement.models import Case, PartyKind
from bianzhi.kernel import clock
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.errors import ServiceError, service_errors
from bianzhi.kernel.fields import form_errors
from bianzhi.kernel.ratelimit import limit_anonymous
from bianzhi.regions.models import Level, Region
from bianzhi.roster.models import Person
from bianzhi.tasks.models import Task


def _require_write(scope: Scope, township: Region) -> None:
    if not selectors.may_write(scope, township):
        raise PermissionDenied("无权修改该乡镇的执法台账")


def _writable_townships(scope: Scope) -> list[Region]:
    return [t for t in selectors.townships(scope=scope)[:500] if selectors.may_write(scope, t)]


def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    today = clock.today()
    return render(
        request,
        "enforcement/index.html",
        {
            "townships": selectors.townships(scope=scope)[:500],
            "expiring": selectors.expiring_certificates(scope=scope, today=today)[:100],
            "today": today,
        },
    )


def township(request: HttpRequest, township_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = selectors.township_get(scope=scope, code=township_code)
    today = clock.today()
    team = selectors.team_of(township=region)
    leaders = list(selectors.leadership(township=region))
    staff = list(selectors.enforcement_staff(township=region))
    candidates = {p.pk: p for p in [*leaders, *staff]}
    if request.method == "POST":
        _require_write(scope, region)
        form = TeamForm(request.POST)
        with service_errors(request) as outcome:
            if not form.is_valid():
                raise ServiceError(form_errors(form))

            def person(key: str) -> Person | None:
                pk = form.cleaned_data.get(key)
                if pk is None:
                    return None
                if pk not in candidates:
                    raise ServiceError("请从列表中选择本乡镇的人员。")
                return candidates[pk]

            services.team_set(
                actor=request.user,
                township=region,
                leader_in_charge=person("leader_in_charge"),
                office_head=person("office_head"),
            )
        if outcome.ok:
            messages.success(request, "已保存。")
        return redirect("enforcement:township", township_code=region.code)
    leader = team.leader_in_charge if team else None
    return render(
        request,
        "enforcement/township.html",
        {
            "township": region,
            "team": team,
            "leaders": leaders,
            "candidates": sorted(candidates.values(), key=lambda p: p.name),
            "staff": staff,
            "matters": selectors.matter_list(township=region, today=today),
            "leader_certified": selectors.certified(leader, today),
            "may_write": selectors.may_write(scope, region),
            "today": today,
            "source_leader": SOURCE_LEADER_CERTIFIED,
            "source_head": SOURCE_OFFICE_HEAD,
        },
    )


# --- cases --------------------------------------------------------------------------


def _case_filter(request: HttpRequest) -> selectors.CaseFilter:
    status = request.GET.get("status", "")
    return selectors.CaseFilter(
        township=request.GET.get("township", "")[:12],
        status=status if status in CaseStatus._value2member_map_ else "",
        matter=request.GET.get("matter", "")[:100],
    )


def case_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if request.method == "POST":
        return _case_create(request, scope)
    filters = _case_filter(request)
    rows = selectors.cases(scope=scope, filters=filters)[:500]
    return render(
        request,
        "enforcement/case_list.html",
        {
            "cases": [(c, selectors.party_name_shown(c, full=False)) for c in rows],
            "filters": filters,
            "townships": selectors.townships(scope=scope)[:500],
            "writable": _writable_townships(scope),
            "status_choices": [(s.value, label) for s, label in CASE_STATUS_LABELS.items()],
            "party_kinds": PartyKind.choices,
            "today": clock.today(),
        },
    )


def _case_fields(form: CaseForm) -> services.CaseFields:
    """The case form's fields, the same for creation and edit."""
    if not form.is_valid():
        raise ServiceError(form_errors(form))
    data = form.cleaned_data
    return services.CaseFields(
        number=data["number"],
        matter_code=data["matter_code"],
        party_kind=data["party_kind"],
        party_name=data["party_name"],
        party_id=data["party_id"],
        filed_on=data["filed_on"],
        summary=data["summary"],
        is_major=data["is_major"],
    )


def _case_create(request: HttpRequest, scope: Scope) -> HttpResponse:
    region = scope.township_or_404(request.POST.get("township", ""))
    _require_write(scope, region)
    form = CaseForm(request.POST)
    with service_errors(request) as outcome:
        case = services.case_create(actor=request.user, township=region, fields=_case_fields(form))
    if outcome.ok:
        return redirect("enforcement:case_detail", case_id=case.pk)
    return redirect(f"{request.path}?township={region.code}")


def case_template(request: HttpRequest, township_code: str) -> HttpResponse:
    region = selectors.township_get(scope=scope_of(request), code=township_code)
    matters = selectors.matter_list(township=region, today=clock.today())
    return xlsx_download(importing.case_template(matters=matters), f"{region.name}执法案件台账模板.xlsx")


def case_import(request: HttpRequest, township_code: str) -> HttpResponseBase:
    scope = scope_of(request)
    region = selectors.township_get(scope=scope, code=township_code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # Before the file is read: only a writer's upload reaches the parser.
    _require_write(scope, region)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择执法案件台账 Excel 文件。")
        return _cases_of(region)
    matters = selectors.matter_list(township=region, today=clock.today())
    try:
        rows = importing.parse_cases(upload.read(), filename=upload.name or "案件台账.xlsx", matters=matters)
    except SheetError as error:
        for item in error.errors:
            messages.error(request, str(item))
        messages.error(request, "案件台账未导入（全部行无误后才会导入）。")
        return _cases_of(region)
    with service_errors(request) as outcome:
        created = services.case_import(actor=request.user, township=region, rows=rows)
    if outcome.ok:
        messages.success(request, f"已导入 {len(created)} 件案件。")
    else:
        messages.error(request, "案件台账未导入（全部行无误后才会导入）。")
    return _cases_of(region)


def _cases_of(region: Region) -> HttpResponse:
    return redirect(f"{reverse('enforcement:case_list')}?township={region.code}")


def case_export(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    rows = list(selectors.cases(scope=scope, filters=_case_filter(request))[:20000])
    return xlsx_download(importing.cases_xlsx(rows, full=False), "执法案件台账.xlsx")


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    scope = scope_of(request)
    case = selectors.case_get(scope=scope, pk=case_id)
    writer = selectors.may_write(scope, case.township)
    full = scope.can_edit(case.township) or scope.can_approve(case.township) or writer
    return render(
        request,
        "enforcement/case_detail.html",
        {
            "case": case,
            "party_name": selectors.party_name_shown(case, full=full),
            "party_id": selectors.party_id_shown(case, full=full),
            "records": case.records.prefetch_related("files").select_related("author"),
            "transfer": getattr(case, "transfer", None),
            "may_write": writer,
            "open": case.case_status in (CaseStatus.FILED, CaseStatus.INVESTIGATING),
            "editable": writer and case.case_status not in (CaseStatus.CLOSED, CaseStatus.TRANSFERRED),
            "edit_form": CaseForm(
                initial={
                    "number": case.number, "matter_code": case.matter_code, "party_kind": case.party_kind,
                    "party_name": case.party_name, "party_id": case.party_id, "filed_on": case.filed_on,
                    "is_major": case.is_major, "summary": case.summary,
                },
                auto_id="edit_%s",
            ) if writer else None,
            "statuses": {s.name: s.value for s in CaseStatus},
            "today": clock.today(),
            "source_disclosure": SOURCE_DISCLOSURE,
        },
    )


def _case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponseBase:
    scope = scope_of(request)
    case = selectors.case_get(scope=scope, pk=case_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_write(scope, case.township)
    with service_errors(request) as outcome:
        if action == "record":
            record_form = RecordForm(request.POST)
            if not record_form.is_valid():
                raise ServiceError(form_errors(record_form))
            services.case_record_add(
                actor=request.user,
                case=case,
                stage=record_form.cleaned_data["stage"],
                text=record_form.cleaned_data["text"],
                files=request.FILES.getlist("files"),
            )
        elif action == "edit":
            services.case_update(actor=request.user, case=case, fields=_case_fields(CaseForm(request.POST)))
        elif action == "publish":
            services.case_publish(actor=request.user, case=case)
        elif action == "withdraw":
            services.case_withdraw(actor=request.user, case=case, reason=request.POST.get("text", "")[:500])
        else:
            form = StepForm(request.POST)
            if not form.is_valid():
                raise ServiceError(form_errors(form))
            _step(request, case, action, form.cleaned_data)
    if outcome.ok:
        messages.success(request, "已保存。")
    return redirect("enforcement:case_detail", case_id=case.pk)


def _step(request: HttpRequest, case: Case, action: str, data: dict[str, Any]) -> None:
    actor, on, text = request.user, data["on"], data["text"]
    if action == "investigate":
        services.case_investigate(actor=actor, case=case, on=on, text=text)
    elif action == "review":
        services.case_legal_review(actor=actor, case=case, on=on, reviewer=data["reviewer"], opinion=text)
    elif action == "decide":
        services.case_decide(actor=actor, case=case, on=on, decision=text, penalty_amount=data["penalty_amount"])
    elif action == "close":
        services.case_close(actor=actor, case=case, on=on, text=text)
    elif action == "transfer":
        services.case_transfer(
            actor=actor, case=case, department=data["department"], on=on,
            document_number=data["document_number"], reason=text,
        )
    elif action == "receipt":
        transfer = getattr(case, "transfer", None)
        if transfer is None:
            raise ServiceError("该案件未移送。")
        services.transfer_receipt(actor=actor, transfer=transfer, on=on, received_by=data["received_by"], note=text)


CASE_ACTIONS = (
    "investigate", "review", "decide", "close", "transfer", "receipt", "record", "publish", "withdraw", "edit",
)


def _make_action(action: str) -> Any:
    def view(request: HttpRequest, case_id: int) -> HttpResponseBase:
        return _case_action(request, case_id, action)

    view.__name__ = f"case_{action}"
    return view


case_action_views = {action: _make_action(action) for action in CASE_ACTIONS}


def case_file(request: HttpRequest, case_file_id: int) -> FileResponse:
    item = selectors.case_file_get(scope=scope_of(request), pk=case_file_id)
    # A download, never inline: an uploaded file is not trusted content.
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name,
                        content_type=item.content_type)


# --- joint meetings -----------------------------------------------------------------


def _task_choices(scope: Scope) -> list[tuple[str, str]]:
    tasks = scope.filter(Task.objects.select_related("plan__region"), "plan__region").order_by("plan_id", "seq")[:500]
    return [(str(t.pk), f"{t.plan.region.name}·{t.plan.title} 第{t.seq}项") for t in tasks]


def meeting_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    choices = _task_choices(scope)
    if request.method == "POST":
        region = scope.region_or_404(request.POST.get("region", ""))
        if not selectors.may_write(scope, region):
            raise PermissionDenied("无权登记该区划的联席会议")
        form = MeetingForm(request.POST, task_choices=choices)
        with service_errors(request) as outcome:
            if not form.is_valid():
                raise ServiceError(form_errors(form))
            data = form.cleaned_data
            tasks = list(
                scope.filter(Task.objects.select_related("plan__region"), "plan__region").filter(
                    pk__in=[int(v) for v in data["tasks"]]
                )
            )
            meeting = services.meeting_create(
                actor=request.user, region=region, held_on=data["held_on"], title=data["title"],
                participants=data["participants"], decisions=data["decisions"], tasks=tasks,
            )
        if outcome.ok:
            return redirect("enforcement:meeting_detail", meeting_id=meeting.pk)
        return redirect("enforcement:meeting_list")
    writable = [
        r for r in scope.regions().filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("code")[:500]
        if selectors.may_write(scope, r)
    ]
    return render(
        request,
        "enforcement/meeting_list.html",
        {"meetings": selectors.meetings(scope=scope)[:200], "writable": writable, "task_choices": choices,
         "today": clock.today()},
    )


def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.meeting_get(scope=scope_of(request), pk=meeting_id)
    return render(request, "enforcement/meeting_detail.html", {"meeting": meeting})


# --- public -------------------------------------------------------------------------


@login_not_required
@limit_anonymous("public")
def public_disclosure(request: HttpRequest, township_code: str) -> HttpResponse:
    """谁执法谁公示 (002 §5): the basis (the matters list) and the published
    decisions, parties masked. No login."""
    region = public_township(code=township_code)
    today = clock.today()
    cases = selectors.public_cases(township=region)[:500]
    return render(
        request,
        "enforcement/public.html",
        {
            "township": region,
            "county": Region.objects.filter(code=region.county_code).first(),
            "matters": selectors.matter_list(township=region, today=today),
            "cases": [
                (c, selectors.party_name_shown(c, full=False), selectors.party_id_shown(c, full=False))
                for c in cases
            ],
            "today": today,
            "source": SOURCE_DISCLOSURE,
        },
    )
