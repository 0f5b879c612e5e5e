"""Pages of the duties app. Thin: parse, call a selector or service, render.

Every view resolves its object through a scoped selector *before* looking at
the method, so an outsider gets 404 whatever the method. POST actions on a
detail page carry ``action=...``; services check permissions and raise
``PermissionDenied`` (403) or ``DutyError`` (shown as a message).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bianzhi.accounts.models import Department, Role
from bianzhi.adapters.problems import InputError
from bianzhi.audit.selectors import audit_history
from bianzhi.core.duties import FEATURED_LISTS, AccessStatus, ListKind, TakeUpChoice
from bianzhi.duties import exports, selectors, services
from bianzhi.duties.forms import (
    DecisionForm,
    DutyRequestForm,
    MatterChangeForm,
    OpinionForm,
    RetireForm,
    StatutoryItemForm,
    UploadForm,
)
from bianzhi.duties.models import DutyAccessRequest, MatterChangeKind, TakeUpRound
from bianzhi.duties.services import (
    DutyAccessBlocked,
    DutyError,
    acts_for_department,
    acts_for_township,
)
from bianzhi.regions.models import Level, Region
from bianzhi.web.downloads import XLSX, download
from bianzhi.web.ratelimit import limit_anonymous


def _scope(request: HttpRequest) -> Any:
    return request.scope  # type: ignore[attr-defined]




def _error(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, InputError):
        for problem in exc.problems:
            messages.error(request, str(problem))
    elif isinstance(exc, DutyAccessBlocked):
        messages.error(request, "提交被阻止：")
        for reason in exc.reasons:
            messages.error(request, reason)
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc))


def _choices(form: Any, name: str, choices: list[tuple[str, str]]) -> None:
    form.fields[name].choices = choices


def _township_of(request: HttpRequest, code: str) -> Region:
    region: Region = _scope(request).region_or_404(code)
    if region.level != Level.TOWNSHIP:
        raise Http404("不是乡镇（街道）")
    return region


# --- index and county overview --------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if scope.region is not None and scope.region.level == Level.TOWNSHIP:
        return redirect("duties:township", township_code=scope.region.code)
    counties = list(selectors.counties(scope=scope)[:200])
    if len(counties) == 1:
        return redirect("duties:county", county_code=counties[0].code)
    return render(request, "duties/index.html", {"counties": counties})


def county(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = _scope(request)
    region = selectors.county_of(scope=scope, code=county_code)
    catalogue = selectors.catalogue_of(county=region)
    list_counts: Counter[str] = Counter()
    if catalogue is not None:
        list_counts.update(selectors.catalogue_items(catalogue=catalogue).values_list("list_kind", flat=True))
    lists = [
        (kind.label, list_counts[kind.value], selectors.catalogue_list_model(catalogue).classes_label(kind) if catalogue else "")
        for kind in ListKind
    ]
    requests = list(selectors.access_requests(scope=scope).filter(county=region))
    today = timezone.localdate()
    return render(
        request,
        "duties/county.html",
        {
            "county": region,
            "catalogue": catalogue,
            "lists": lists,
            "summary": selectors.take_up_summary(county=region),
            "pending_rounds": selectors.pending_rounds(scope=scope).filter(township__county_code=region.code),
            "stats": selectors.matter_stats(county=region),
            "statutory": selectors.statutory_items(county=region),
            "status_counts": sorted(selectors.request_status_counts(requests, today).items()),
            "can_edit": scope.can_edit(region),
        },
    )


# --- catalogue ---------------------------------------------------------------------------


def catalogue(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = _scope(request)
    region = selectors.county_of(scope=scope, code=county_code)
    if request.method == "POST":
        # Before the file is read: only an editor's upload reaches the parser.
        scope.require_edit(region)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                from bianzhi.duties.spreadsheets import catalogue_read

                upload = form.cleaned_data["file"]
                data = catalogue_read(upload.read(), file_name=upload.name)
                result = services.catalogue_import(
                    actor=request.user,
                    county=region,
                    data=data,
                    document_number=form.cleaned_data["document_number"],
                )
            except (InputError, DutyError) as exc:
                _error(request, exc)
            else:
                messages.success(
                    request, f"已导入：新增{result.created}项，修改{result.updated}项，撤销{result.withdrawn}项。"
                )
                return redirect("duties:catalogue", county_code=region.code)
    else:
        form = UploadForm()
    catalogue = selectors.catalogue_of(county=region)
    items = selectors.catalogue_items(catalogue=catalogue) if catalogue else []
    return render(
        request,
        "duties/catalogue.html",
        {"county": region, "catalogue": catalogue, "items": items, "form": form, "can_edit": scope.can_edit(region)},
    )


def catalogue_xlsx(request: HttpRequest, county_code: str) -> HttpResponse:
    region = selectors.county_of(scope=_scope(request), code=county_code)
    return download(exports.catalogue_xlsx(county=region), f"{region.name}赋权指导目录.xlsx", XLSX)


# --- statutory items ------------------------------------------------------------------------


def statutory(request: HttpRequest, county_code: str) -> HttpResponse:
    """The county's statutory items: list (in force and retired), add form and
    Excel import. Readers of the county's lists see it; writes are the
    services' call (a township user's POST is refused with 403)."""
    scope = _scope(request)
    region = selectors.county_for_reader(scope=scope, code=county_code)
    add_form = StatutoryItemForm()
    upload_form = UploadForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                add_form = StatutoryItemForm(request.POST)
                if add_form.is_valid():
                    item = services.statutory_item_set(actor=request.user, county=region, create_only=True, **add_form.cleaned_data)
                    messages.success(request, f"已新增法定事项：{item}")
                    return redirect("duties:statutory", county_code=region.code)
            elif action == "import":
                from bianzhi.duties.spreadsheets import statutory_read

                # Before the file is read: only an editor's upload reaches the parser.
                scope.require_edit(region)
                upload_form = UploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    upload = upload_form.cleaned_data["file"]
                    rows = statutory_read(upload.read(), file_name=upload.name)
                    result = services.statutory_import(
                        actor=request.user,
                        county=region,
                        rows=rows,
                        document_number=upload_form.cleaned_data["document_number"],
                    )
                    messages.success(
                        request, f"已导入：新增{result.created}项，修改{result.updated}项，取消{result.retired}项。"
                    )
                    return redirect("duties:statutory", county_code=region.code)
            else:
                raise DutyError("未知操作")
        except (InputError, DutyError) as exc:
            _error(request, exc)
    return render(
        request,
        "duties/statutory.html",
        {
            "county": region,
            "items": selectors.statutory_items(county=region),
            "retired": selectors.statutory_items(county=region, active=False),
            "add_form": add_form,
            "upload_form": upload_form,
            "can_edit": scope.can_edit(region),
        },
    )


def statutory_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """One statutory item: edit (or restore a retired one), retire, history."""
    scope = _scope(request)
    item = selectors.statutory_item_get(scope=scope, pk=item_id)
    can_edit = scope.can_edit(item.county)
    initial = {"code": item.code, "name": item.name, "power_type": item.power_type, "legal_basis": item.legal_basis}
    form = StatutoryItemForm(initial=initial, fixed_code=item.code)
    retire_form = RetireForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有本县编办管理员可以维护法定事项")
        action = request.POST.get("action")
        try:
            if action == "edit":
                form = StatutoryItemForm(request.POST, initial=initial, fixed_code=item.code)
                if form.is_valid():
                    services.statutory_item_set(actor=request.user, county=item.county, **form.cleaned_data)
                    messages.success(request, "已保存。")
                    return redirect("duties:statutory-item", item_id=item.pk)
            elif action == "retire":
                retire_form = RetireForm(request.POST)
                if retire_form.is_valid():
                    services.statutory_item_retire(actor=request.user, item=item, reason=retire_form.cleaned_data["reason"])
                    messages.success(request, "已取消该法定事项，各乡镇权责清单不再列出（历史记录保留）。")
                    return redirect("duties:statutory-item", item_id=item.pk)
            else:
                raise DutyError("未知操作")
        except DutyError as exc:
            _error(request, exc)
    return render(
        request,
        "duties/statutory_item.html",
        {
            "item": item,
            "form": form,
            "retire_form": retire_form,
            "records": audit_history(scope=scope, obj=item),
            "can_edit": can_edit,
        },
    )


def statutory_xlsx(request: HttpRequest, county_code: str) -> HttpResponse:
    region = selectors.county_for_reader(scope=_scope(request), code=county_code)
    return download(exports.statutory_xlsx(county=region), f"{region.name}法定事项.xlsx", XLSX)


def statutory_template(request: HttpRequest, county_code: str) -> HttpResponse:
    region = selectors.county_for_reader(scope=_scope(request), code=county_code)
    return download(exports.statutory_template_xlsx(), f"{region.name}法定事项导入模板.xlsx", XLSX)


# --- a township: its list and its take-up ---------------------------------------------------------


def township(request: HttpRequest, township_code: str) -> HttpResponse:
    scope = _scope(request)
    region = _township_of(request, township_code)
    may_propose = acts_for_township(scope, region)
    if request.method == "POST":
        if not may_propose:
            raise PermissionDenied("只能为本乡镇申报承接事项")
        choices = {
            key[len("choice-"):]: TakeUpChoice(request.POST[key])
            for key in request.POST
            if key.startswith("choice-") and request.POST[key] in TakeUpChoice._value2member_map_
        }
        try:
            services.takeup_propose(actor=request.user, township=region, choices=choices, note=request.POST.get("note", ""))
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "承接申报已提交，等待县审定。")
            return redirect("duties:township", township_code=region.code)
    today = timezone.localdate()
    rows = selectors.take_up_rows(township=region)
    return render(
        request,
        "duties/township.html",
        {
            "township": region,
            "township_class": selectors.township_class_of(region),
            "entries": selectors.duty_list(township=region, today=today),
            "featured_rows": [r for r in rows if r.applies and r.item.list_kind != ListKind.BASE],
            "rounds": selectors.take_up_rounds(township=region)[:20],
            "changes": selectors.take_up_changes(township=region)[:50],
            "may_propose": may_propose,
            "may_approve": scope.can_approve(region),
            "awaiting": selectors.awaiting_opinion(scope=scope),
            "featured_lists": FEATURED_LISTS,
        },
    )


def round_decide(request: HttpRequest, round_id: int) -> HttpResponse:
    scope = _scope(request)
    round_ = scope.filter(TakeUpRound.objects.select_related("township"), "township").filter(pk=round_id).first()
    if round_ is None:
        raise Http404("申报不存在或无权访问")
    if request.method != "POST":
        return redirect("duties:township", township_code=round_.township.code)
    try:
        services.takeup_decide(
            actor=request.user,
            round=round_,
            approve=request.POST.get("approve") == "1",
            document_number=request.POST.get("document_number", ""),
            note=request.POST.get("note", ""),
        )
    except DutyError as exc:
        _error(request, exc)
    else:
        messages.success(request, "已审定。")
    return redirect("duties:township", township_code=round_.township.code)


# --- territorial matters ----------------------------------------------------------------------------


def matters(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = _scope(request)
    region = selectors.county_for_reader(scope=scope, code=county_code)
    if request.method == "POST":
        # Before the file is read: only the approver the import needs
        # (services.matters_import) gets an upload to the parser.
        scope.require_approve(region)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                from bianzhi.duties.spreadsheets import matters_read

                upload = form.cleaned_data["file"]
                rows = matters_read(upload.read(), file_name=upload.name)
                result = services.matters_import(
                    actor=request.user, county=region, rows=rows, document_number=form.cleaned_data["document_number"]
                )
            except (InputError, DutyError) as exc:
                _error(request, exc)
            else:
                messages.success(
                    request, f"已导入：新增{result.created}项，修改{result.updated}项，取消{result.withdrawn}项。"
                )
                return redirect("duties:matters", county_code=region.code)
    else:
        form = UploadForm()
    return render(
        request,
        "duties/matters.html",
        {
            "county": region,
            "matters": selectors.matters(county=region),
            "stats": selectors.matter_stats(county=region),
            "changes": selectors.matter_changes(scope=scope, county=region)[:50],
            "form": form,
            "can_approve": scope.can_approve(region),
        },
    )


def matters_xlsx(request: HttpRequest, county_code: str) -> HttpResponse:
    region = selectors.county_for_reader(scope=_scope(request), code=county_code)
    return download(exports.matters_xlsx(county=region), f"{region.name}属地事项责任清单.xlsx", XLSX)


def matter_request(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = _scope(request)
    region = selectors.county_for_reader(scope=scope, code=county_code)
    choices = [(m.pk, f"{m.code} {m.name}") for m in selectors.matters(county=region)]
    form = MatterChangeForm(request.POST or None, matters=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matter = selectors.matters(county=region).filter(pk=data["matter"]).first() if data["matter"] else None
        try:
            change = services.matter_change_request(
                actor=request.user,
                county=region,
                kind=data["kind"],
                matter=matter,
                proposed={k: data[k] for k in ("domain", "name", "township_role", "department", "department_role", "basis")}
                if data["kind"] != MatterChangeKind.REMOVE
                else None,
                reason=data["reason"],
            )
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "调整申请已提交，等待审核。")
            return redirect("duties:matter-change", change_id=change.pk)
    return render(request, "duties/matter_request.html", {"county": region, "form": form})


def matter_change(request: HttpRequest, change_id: int) -> HttpResponse:
    scope = _scope(request)
    change = selectors.matter_change_get(scope=scope, pk=change_id)
    if request.method == "POST":
        action = request.POST.get("action")
        note = request.POST.get("note", "")
        try:
            if action == "review":
                services.matter_change_review(actor=request.user, change=change, passes=request.POST.get("passes") == "1", note=note)
            elif action == "decide":
                services.matter_change_decide(
                    actor=request.user,
                    change=change,
                    approve=request.POST.get("approve") == "1",
                    document_number=request.POST.get("document_number", ""),
                    note=note,
                )
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已办理。")
        return redirect("duties:matter-change", change_id=change.pk)
    return render(
        request,
        "duties/matter_change.html",
        {
            "change": change,
            "records": audit_history(scope=scope, obj=change),
            "can_edit": scope.can_edit(change.county),
            "can_approve": scope.can_approve(change.county),
        },
    )


# --- duty access ------------------------------------------------------------------------------------------


def request_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    today = timezone.localdate()
    rows = []
    for r in selectors.access_requests(scope=scope).prefetch_related("townships", "opinions")[:500]:
        rows.append((r, r.status_on(today), selectors.access_request_overdue(request=r, today=today)))
    status = request.GET.get("status", "")
    if status:
        rows = [row for row in rows if row[1].value == status]
    context = {
        "rows": rows,
        "statuses": list(AccessStatus),
        "status": status,
        "may_file": scope.is_superuser or Role.DEPARTMENT in scope.roles or Role.OFFICER in scope.roles,
        "awaiting": selectors.awaiting_opinion(scope=scope),
    }
    if request.headers.get("HX-Request"):
        return render(request, "duties/_request_rows.html", context)
    return render(request, "duties/request_list.html", context)


def _departments_for(scope: Any) -> list[tuple[int, str]]:
    if scope.is_superuser:
        qs = Department.objects.all()
    elif Role.DEPARTMENT in scope.roles and scope.department_id:
        qs = Department.objects.filter(pk=scope.department_id)
    elif Role.OFFICER in scope.roles:
        qs = scope.filter(Department.objects.all(), "county")
    else:
        qs = Department.objects.none()
    return [(d.pk, f"{d.county.name} {d.name}") for d in qs.select_related("county").order_by("county__code", "name")]


def _request_form(request: HttpRequest, instance: DutyAccessRequest | None = None) -> DutyRequestForm:
    scope = _scope(request)
    departments = _departments_for(scope)
    if not departments:
        raise PermissionDenied("只有部门用户或编办管理员可以填报职责准入申请")
    county_codes = {d.county.code for d in Department.objects.filter(pk__in=[pk for pk, _ in departments]).select_related("county")}
    townships = [
        (t.code, t.name)
        for t in Region.objects.filter(level=Level.TOWNSHIP, county_code__in=county_codes).order_by("code")
    ]
    initial = None
    if instance is not None:
        initial = {
            "department": str(instance.department_id),
            "matter": instance.matter,
            "reason": instance.reason,
            "legal_basis": instance.legal_basis,
            "is_temporary": "1" if instance.is_temporary else "0",
            "end_date": instance.end_date,
            "funding_amount": instance.funding_amount,
            "funding_note": instance.funding_note,
            "demands": instance.demands,
            "townships": list(instance.townships.values_list("code", flat=True)),
        }
    return DutyRequestForm(request.POST or None, initial=initial, departments=departments, townships=townships)


def request_new(request: HttpRequest) -> HttpResponse:
    form = _request_form(request)
    if request.method == "POST" and form.is_valid():
        department = Department.objects.get(pk=form.cleaned_data["department"])
        try:
            created = services.duty_request_create(actor=request.user, department=department, fields=form.request_fields())
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已保存为草稿。核对无误后请点击“提交”征求乡镇意见。")
            return redirect("duties:request-detail", request_id=created.pk)
    return render(request, "duties/request_form.html", {"form": form, "instance": None})


def request_edit(request: HttpRequest, request_id: int) -> HttpResponse:
    instance = selectors.access_request_get(scope=_scope(request), pk=request_id)
    if not acts_for_department(_scope(request), instance.department) or instance.status != AccessStatus.DRAFT:
        raise PermissionDenied("只能修改本部门的草稿")
    form = _request_form(request, instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_request_update(actor=request.user, request=instance, fields=form.request_fields())
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("duties:request-detail", request_id=instance.pk)
    return render(request, "duties/request_form.html", {"form": form, "instance": instance})


def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    scope = _scope(request)
    instance = selectors.access_request_get(scope=scope, pk=request_id)
    townships = list(instance.townships.order_by("code"))
    my_townships = [t for t in townships if acts_for_township(scope, t)]
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit":
                services.duty_request_submit(actor=request.user, request=instance)
                messages.success(request, "已提交，正在征求乡镇意见。")
            elif action == "opinion":
                form = OpinionForm(request.POST)
                _choices(form, "township", [(t.code, t.name) for t in my_townships])
                if not form.is_valid():
                    raise DutyError("请选择意见并填写书面意见")
                services.duty_opinion_give(
                    actor=request.user,
                    request=instance,
                    township=next(t for t in my_townships if t.code == form.cleaned_data["township"]),
                    agrees=form.cleaned_data["agrees"],
                    text=form.cleaned_data["text"],
                )
                messages.success(request, "意见已反馈。")
            elif action == "decide":
                decision = DecisionForm(request.POST)
                if not decision.is_valid():
                    raise DutyError("请选择审定结果")
                services.duty_request_decide(actor=request.user, request=instance, **decision.cleaned_data)
                messages.success(request, "已审定。")
        except DutyError as exc:
            _error(request, exc)
        return redirect("duties:request-detail", request_id=instance.pk)
    today = timezone.localdate()
    opinions = {o.township_id: o for o in instance.opinions.all()}
    pending_mine = [t for t in my_townships if t.pk not in opinions]
    opinion_form = OpinionForm()
    _choices(opinion_form, "township", [(t.code, t.name) for t in pending_mine])
    return render(
        request,
        "duties/request_detail.html",
        {
            "r": instance,
            "status": instance.status_on(today),
            "townships": [(t, opinions.get(t.pk)) for t in townships],
            "overdue": selectors.access_request_overdue(request=instance, today=today),
            "records": selectors.access_request_history(request=instance),
            "may_edit": instance.status == AccessStatus.DRAFT and acts_for_department(scope, instance.department),
            "may_opine": instance.status == AccessStatus.CONSULTING and bool(pending_mine),
            "may_decide": instance.status == AccessStatus.DECIDING and scope.can_approve(instance.county),
            "opinion_form": opinion_form,
            "decision_form": DecisionForm(),
        },
    )


# --- public ---------------------------------------------------------------------------------------------------
# Published to anyone: anonymous requests are rate-limited per client address
# (bianzhi.web.ratelimit); the PDF is cached until the list changes (exports).


@login_not_required
@limit_anonymous("public")
def public_duties(request: HttpRequest, township_code: str) -> HttpResponse:
    """The published list (向社会公开, 001 §(一)2): no login, approved records only."""
    region = selectors.public_township(code=township_code)
    return render(
        request,
        "duties/public_duties.html",
        {
            "township": region,
            "county": Region.objects.filter(code=region.county_code).first(),
            "entries": selectors.duty_list(township=region, today=timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


@login_not_required
@limit_anonymous("public")
def public_duties_xlsx(request: HttpRequest, township_code: str) -> HttpResponse:
    region = selectors.public_township(code=township_code)
    return download(exports.duty_list_xlsx(township=region), f"{region.name}权责清单.xlsx", XLSX)


@login_not_required
@limit_anonymous("public")
def public_duties_pdf(request: HttpRequest, township_code: str) -> HttpResponse:
    region = selectors.public_township(code=township_code)
    return download(exports.duty_list_pdf(township=region), f"{region.name}权责清单.pdf", "application/pdf")

