"""Pages of the grids app: thin shells over selectors and services.

A POST carries ``action=...`` looked up in the page's table of handlers; a
handler binds its form, resolves any id through a scoped selector (404
outside the scope), calls one service and returns the success message. A
refusal is a ``ServiceError`` shown as messages; ``PermissionDenied`` stays
a 403."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import Scope, actor_of, scope_of
from bianzhi.core.grids import HALL_TARGET_PERCENT, RULES, VILLAGE_MATTERS_TARGET
from bianzhi.grids import importing, selectors, services
from bianzhi.grids.forms import (
    GridForm,
    GridLinkForm,
    GridTaskForm,
    MatterDeleteForm,
    MatterForm,
    ServicePointForm,
    UploadForm,
    VillageForm,
    WorkerForm,
    WorkerRemoveForm,
)
from bianzhi.kernel.downloads import xlsx_download
from bianzhi.kernel.errors import ServiceError, show_error
from bianzhi.kernel.fields import form_errors
from bianzhi.kernel.ratelimit import limit_anonymous
from bianzhi.regions.models import Level, Region

UNKNOWN_ACTION = "未知的操作，未保存任何内容。"


def _valid(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        raise ServiceError(form_errors(form))
    return form.cleaned_data


def _run(request: HttpRequest, actions: Mapping[str, Callable[[HttpRequest, Scope, Region], str]], region: Region) -> None:
    handler = actions.get(request.POST.get("action", ""))
    if handler is None:
        messages.error(request, UNKNOWN_ACTION)
        return
    try:
        saved = handler(request, scope_of(request), region)
    except ServiceError as error:
        show_error(request, error)
        return
    messages.success(request, saved)


def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    region = scope.region
    if region is not None and region.level == Level.TOWNSHIP:
        return redirect("grids:township", township_code=region.code)
    counties = list(scope.regions().filter(level=Level.COUNTY).order_by("code")[:200])
    if len(counties) == 1:
        return redirect("grids:county", county_code=counties[0].code)
    return render(request, "grids/index.html", {"counties": counties})


# --- the county page ---------------------------------------------------------


def _task_create(request: HttpRequest, scope: Scope, county: Region) -> str:
    data = _valid(GridTaskForm(request.POST))
    task = services.grid_task_create(
        actor=actor_of(request), county=county, department=data["department"], kind=data["kind"],
        name=data["name"], description=data["description"],
    )
    return f"已登记{task.department}的“{task.name}”。"


COUNTY_ACTIONS = {"task_create": _task_create}


def county(request: HttpRequest, county_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = scope.county_or_404(county_code)
    if request.method == "POST":
        _run(request, COUNTY_ACTIONS, region)
        return redirect("grids:county", county_code=region.code)
    figures = selectors.county_figures(scope=scope, county=region)
    return render(
        request,
        "grids/county.html",
        {
            "county": region,
            "figures": figures,
            "tasks": selectors.grid_tasks(scope=scope, county=region),
            "task_form": GridTaskForm(),
            "can_edit": scope.can_edit(region),
            "rules": RULES,
            "hall_target": HALL_TARGET_PERCENT,
            "village_target": VILLAGE_MATTERS_TARGET,
        },
    )


# --- the township page -------------------------------------------------------


def _village_create(request: HttpRequest, scope: Scope, township: Region) -> str:
    data = _valid(VillageForm(request.POST))
    village = services.village_create(actor=actor_of(request), township=township, name=data["name"], kind=data["kind"])
    return f"已添加{village.name}。"


def _point_set(request: HttpRequest, scope: Scope, township: Region) -> str:
    data = _valid(ServicePointForm(request.POST))
    village = selectors.village_get(scope=scope, pk=data["village"])
    point = services.service_point_set(
        actor=actor_of(request), village=village, name=data["name"], address=data["address"],
        phone=data["phone"], online=data["online"],
    )
    return f"已保存{village.name}的便民服务点“{point.name}”。"


def _worker(data: Mapping[str, Any]) -> services.WorkerData:
    return services.WorkerData(
        name=data["worker_name"], post=data["worker_post"], duties=data["worker_duties"], phone=data["worker_phone"]
    )


def _grid_create(request: HttpRequest, scope: Scope, township: Region) -> str:
    data = _valid(GridForm(request.POST))
    village = selectors.village_get(scope=scope, pk=data["village"])
    grid = services.grid_create(
        actor=actor_of(request), village=village, name=data["name"], worker=_worker(data),
        households=data["households"] or 0, enforcement_officer=data["enforcement_officer"],
        village_contact=data["village_contact"],
    )
    return f"已添加{village.name}{grid.name}及其网格员。"


def _link_set(request: HttpRequest, scope: Scope, township: Region) -> str:
    data = _valid(GridLinkForm(request.POST))
    grid = selectors.grid_get(scope=scope, pk=data["grid"])
    services.grid_link_set(
        actor=actor_of(request), grid=grid, enforcement_officer=data["enforcement_officer"],
        village_contact=data["village_contact"], households=data["households"] or 0,
    )
    return f"已保存{grid.name}的“1+1+N”联系人。"


def _worker_add(request: HttpRequest, scope: Scope, township: Region) -> str:
    data = _valid(WorkerForm(request.POST))
    grid = selectors.grid_get(scope=scope, pk=data["grid"])
    worker = services.grid_worker_add(actor=actor_of(request), grid=grid, worker=_worker(data))
    return f"已为{grid.name}添加网格员{worker.name}。"


def _worker_remove(request: HttpRequest, scope: Scope, township: Region) -> str:
    data = _valid(WorkerRemoveForm(request.POST))
    worker = selectors.worker_get(scope=scope, pk=data["worker"])
    name = worker.name
    services.grid_worker_remove(actor=actor_of(request), worker=worker)
    return f"已移除网格员{name}。"


def _matter_save(request: HttpRequest, scope: Scope, township: Region) -> str:
    data = _valid(MatterForm(request.POST))
    matter = services.service_matter_save(
        actor=actor_of(request),
        township=township,
        data=services.MatterData(
            name=data["name"], location=data["location"], category=data["category"],
            department=data["department"], conditions=data["conditions"], materials=data["materials"],
            time_limit_days=data["time_limit_days"], in_hall=data["in_hall"], at_village=data["at_village"],
        ),
    )
    return f"已保存事项“{matter.name}”。"


def _matter_delete(request: HttpRequest, scope: Scope, township: Region) -> str:
    data = _valid(MatterDeleteForm(request.POST))
    matter = selectors.matter_get(scope=scope, pk=data["matter"])
    name = matter.name
    services.service_matter_delete(actor=actor_of(request), matter=matter)
    return f"已删除事项“{name}”。"


def _matters_import(request: HttpRequest, scope: Scope, township: Region) -> str:
    # Before the file is read: only an editor's upload reaches the parser.
    services.require_edit(actor_of(request), township)
    form = UploadForm(request.POST, request.FILES)
    data = _valid(form)
    upload = data["file"]
    changed = importing.matters_import(actor=actor_of(request), township=township, source=upload, filename=upload.name)
    return f"已导入政务服务事项：新增或修改{changed}项。"


def _grids_import(request: HttpRequest, scope: Scope, township: Region) -> str:
    # Before the file is read: only an editor's upload reaches the parser.
    services.require_edit(actor_of(request), township)
    data = _valid(UploadForm(request.POST, request.FILES))
    upload = data["file"]
    grids, workers = importing.grids_import(
        actor=actor_of(request), township=township, source=upload, filename=upload.name
    )
    return f"已导入网格和网格员：新增或修改网格{grids}个、网格员{workers}名。"


TOWNSHIP_ACTIONS = {
    "village_create": _village_create,
    "point_set": _point_set,
    "grid_create": _grid_create,
    "link_set": _link_set,
    "worker_add": _worker_add,
    "worker_remove": _worker_remove,
    "matter_save": _matter_save,
    "matter_delete": _matter_delete,
    "matters_import": _matters_import,
    "grids_import": _grids_import,
}


def township(request: HttpRequest, township_code: str) -> HttpResponse:
    scope = scope_of(request)
    region = scope.township_or_404(township_code)
    if request.method == "POST":
        _run(request, TOWNSHIP_ACTIONS, region)
        return redirect("grids:township", township_code=region.code)
    data = selectors.township_grids(scope=scope, code=region.code)
    return render(
        request,
        "grids/township.html",
        {
            "data": data,
            "township": region,
            "can_edit": services.may_edit(scope, region),
            # Several forms on one page: distinct ids, or a label would point
            # at another form's field (both have a "name").
            "village_form": VillageForm(auto_id="village_%s"),
            "matter_form": MatterForm(initial={"in_hall": True}, auto_id="matter_%s"),
            "upload_form": UploadForm(auto_id="upload_%s"),
            "grid_upload_form": UploadForm(auto_id="grid_upload_%s"),
            "hall_target": HALL_TARGET_PERCENT,
            "village_target": VILLAGE_MATTERS_TARGET,
            "rules": RULES,
        },
    )


def matters_template(request: HttpRequest, township_code: str) -> HttpResponse:
    scope_of(request).township_or_404(township_code)
    return xlsx_download(importing.matter_template(), "政务服务事项导入模板.xlsx")


def matters_xlsx(request: HttpRequest, township_code: str) -> HttpResponse:
    scope = scope_of(request)
    data = selectors.township_grids(scope=scope, code=township_code)
    return xlsx_download(importing.matter_export(data.matters), f"{data.township.name}政务服务事项.xlsx")


def grids_template(request: HttpRequest, township_code: str) -> HttpResponse:
    data = selectors.township_grids(scope=scope_of(request), code=township_code)
    villages = [v.village for v in data.villages]
    return xlsx_download(importing.grid_template(villages=villages), "网格和网格员导入模板.xlsx")


def grids_xlsx(request: HttpRequest, township_code: str) -> HttpResponse:
    data = selectors.township_grids(scope=scope_of(request), code=township_code)
    rows = [(g.grid, g.workers) for v in data.villages for g in v.grids]
    return xlsx_download(importing.grid_export(rows), f"{data.township.name}网格和网格员.xlsx")


# --- published without login (002 §2) -----------------------------------------


@login_not_required
@limit_anonymous("public")
def public_services(request: HttpRequest, township_code: str) -> HttpResponse:
    """The township's service matters, their 办事指南 and where to do them."""
    township = selectors.public_township(code=township_code)
    published = selectors.public_matters(township=township)
    return render(
        request,
        "grids/public_services.html",
        {
            "township": township,
            "county": Region.objects.filter(code=township.county_code).first(),
            "matters": published.matters,
            "points": published.points,
        },
    )
