from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from bianzhi.accounts.scope import scope_of
from bianzhi.assets.selectors import figures as asset_figures
from bianzhi.dashboards.selectors import dashboard_data
from bianzhi.enforcement.selectors import figures as enforcement_figures
from bianzhi.grids.selectors import dashboard_rows as grid_dashboard_rows
from bianzhi.kernel import clock
from bianzhi.regions.models import Level
from bianzhi.regions.selectors import GROUP_LEVEL
from bianzhi.staffing_plans.selectors import dashboard_years as staffing_dashboard_years

# The first column of the enforcement and asset tables (see _issue15.html):
# the level their rows are grouped by (regions.selectors.GROUP_LEVEL).
GROUP_LABEL: dict[str, str] = {Level.CITY: "市（州）", Level.COUNTY: "县（市、区）", Level.TOWNSHIP: "乡镇"}


def index(request: HttpRequest) -> HttpResponse:
    """The user's own region; a superuser starts from the list of provinces."""
    scope = scope_of(request)
    if scope.region is not None:
        return redirect("dashboards:region", scope.region.code)
    provinces = scope.regions().filter(level=Level.PROVINCE).order_by("code")
    return render(request, "dashboards/index.html", {"provinces": provinces})


def region(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_of(request)
    target = scope.region_or_404(code)
    today = clock.today()
    data = dashboard_data(scope=scope, region=target, today=today)
    # Issue 15: enforcement cases and public assets, by the level below
    # (a province by city, a city by county, a county by township).
    # The roster tally above counted the enforcement staff by the same groups.
    staff = {r["code"]: (r["enforcement"], r["certified"]) for r in data["rows"]}
    data["enforcement"] = enforcement_figures(scope=scope, region=target, today=today, staff=staff)
    data["assets"] = asset_figures(scope=scope, region=target)
    if request.GET.get("format") == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "dashboards/region.html",
        {
            "region": target,
            "data": data,
            # What dashboard.js draws: the figures by child region. The
            # tables of issue 15 are in the page already; no script reads them.
            "chart_data": {k: v for k, v in data.items() if k not in ("enforcement", "assets")},
            "group_label": GROUP_LABEL[GROUP_LEVEL[target.level]],
            # Each row with its 核定/在编/空编 cells in the order of the
            # types (a template cannot index a dict by a variable).
            "table": [
                (r, [(r["approved"][t], r["actual"][t], r["vacancy"][t]) for t in data["types"]])
                for r in data["rows"]
            ],
            # Figures of the grids and staffing-plans registers (issue 15 §3, §4).
            "grid_rows": grid_dashboard_rows(scope=scope, region=target),
            "staffing_years": staffing_dashboard_years(scope=scope, region=target),
        },
    )
