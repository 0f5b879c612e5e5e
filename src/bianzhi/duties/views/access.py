"""Pages of duty access: the request list, a department's form, and the
request page where townships give opinions and the county decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.models import Department, Role
from bianzhi.accounts.scope import actor_of, acts_for_township, scope_of
from bianzhi.core.duties import AccessStatus
from bianzhi.duties.forms import DecisionForm, DutyRequestForm, OpinionForm
from bianzhi.duties.models import DutyAccessRequest
from bianzhi.duties.selectors.access import (
    access_request_get,
    access_request_history,
    access_request_overdue,
    access_requests,
    awaiting_opinion,
)
from bianzhi.duties.services.access import (
    duty_opinion_give,
    duty_request_create,
    duty_request_decide,
    duty_request_submit,
    duty_request_update,
)
from bianzhi.duties.services.common import DutyError, acts_for_department
from bianzhi.duties.views.common import _error
from bianzhi.kernel import clock
from bianzhi.regions.models import Level, Region


def _choices(form: Any, name: str, choices: list[tuple[str, str]]) -> None:
    form.fields[name].choices = choices


def request_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    today = clock.today()
    rows = []
    for r in access_requests(scope=scope).prefetch_related("townships", "opinions")[:500]:
        rows.append((r, r.status_on(today), access_request_overdue(request=r, today=today)))
    status = request.GET.get("status", "")
    if status:
        rows = [row for row in rows if row[1].value == status]
    context = {
        "rows": rows,
        "statuses": list(AccessStatus),
        "status": status,
        "may_file": scope.is_superuser or Role.DEPARTMENT in scope.roles or Role.OFFICER in scope.roles,
        "awaiting": awaiting_opinion(scope=scope),
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
    scope = scope_of(request)
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
            created = duty_request_create(actor=actor_of(request), department=department, fields=form.request_fields())
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已保存为草稿。核对无误后请点击“提交”征求乡镇意见。")
            return redirect("duties:request-detail", request_id=created.pk)
    return render(request, "duties/request_form.html", {"form": form, "instance": None})


def request_edit(request: HttpRequest, request_id: int) -> HttpResponse:
    instance = access_request_get(scope=scope_of(request), pk=request_id)
    if not acts_for_department(scope_of(request), instance.department) or instance.status != AccessStatus.DRAFT:
        raise PermissionDenied("只能修改本部门的草稿")
    form = _request_form(request, instance)
    if request.method == "POST" and form.is_valid():
        try:
            duty_request_update(actor=actor_of(request), request=instance, fields=form.request_fields())
        except DutyError as exc:
            _error(request, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("duties:request-detail", request_id=instance.pk)
    return render(request, "duties/request_form.html", {"form": form, "instance": instance})


def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    scope = scope_of(request)
    instance = access_request_get(scope=scope, pk=request_id)
    townships = list(instance.townships.order_by("code"))
    my_townships = [t for t in townships if acts_for_township(scope, t)]
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit":
                duty_request_submit(actor=actor_of(request), request=instance)
                messages.success(request, "已提交，正在征求乡镇意见。")
            elif action == "opinion":
                form = OpinionForm(request.POST)
                _choices(form, "township", [(t.code, t.name) for t in my_townships])
                if not form.is_valid():
                    raise DutyError("请选择意见并填写书面意见")
                duty_opinion_give(
                    actor=actor_of(request),
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
                duty_request_decide(actor=actor_of(request), request=instance, **decision.cleaned_data)
                messages.success(request, "已审定。")
        except DutyError as exc:
            _error(request, exc)
        return redirect("duties:request-detail", request_id=instance.pk)
    today = clock.today()
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
            "overdue": access_request_overdue(request=instance, today=today),
            "records": access_request_history(request=instance),
            "may_edit": instance.status == AccessStatus.DRAFT and acts_for_department(scope, instance.department),
            "may_opine": instance.status == AccessStatus.CONSULTING and bool(pending_mine),
            "may_decide": instance.status == AccessStatus.DECIDING and scope.can_approve(instance.county),
            "opinion_form": opinion_form,
            "decision_form": DecisionForm(),
        },
    )
