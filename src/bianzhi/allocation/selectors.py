"""Reads of allocation plans, always through the reader's scope, plus the
what-if re-runs (weight slider) that compute without saving."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import Scope
from bianzhi.allocation import engine
from bianzhi.allocation.models import AllocationPlan, PlanMode, PlanStatus
from bianzhi.core.allocation import (
    MAIN_INDICATORS,
    AllocationError,
    AllocationResult,
    Bound,
    Method,
    SeatExplanation,
    explain_seats,
)
from bianzhi.core.rules import ORDINARY
from bianzhi.core.rules.checks import PlannedTownship, key_town_warnings
from bianzhi.regions.models import Region
from bianzhi.townships.models import ApprovedQuota, CountyReserve, QuotaType
from bianzhi.townships.selectors import county_classes, county_indicators


def plan_list(*, scope: Scope, county: Region | None = None) -> QuerySet[AllocationPlan]:
    qs = scope.filter(AllocationPlan.objects.all()).select_related("region")
    if county is not None:
        qs = qs.filter(region=county)
    return qs.order_by("-year", "-id")


def plans_awaiting_approval(*, scope: Scope) -> QuerySet[AllocationPlan]:
    """Computed (已测算) plans in scope the user may approve (审核人 or superuser),
    oldest computation first; empty for everyone else."""
    if not (scope.is_superuser or Role.APPROVER in scope.roles):
        return AllocationPlan.objects.none()
    return plan_list(scope=scope).filter(status=PlanStatus.COMPUTED).order_by("computed_at", "id")


def plan_get(*, scope: Scope, pk: int) -> AllocationPlan:
    """The plan if the user may view it, else Http404 (no leak of existence)."""
    plan = plan_list(scope=scope).filter(pk=pk).first()
    if plan is None:
        raise Http404("测算方案不存在或无权访问")
    return plan


def plan_region_classes(*, region: Region) -> list[str]:
    """Township classes a plan of ``region`` may set bounds for: the county's
    scheme, or every class used by one of the city's counties (display order)."""
    from bianzhi.allocation.services import plan_counties

    classes: list[str] = []
    for county in plan_counties(region=region):
        classes += [c for c in county_classes(county=county) if c not in classes]
    return classes


def plan_indicator_names(*, region: Region) -> list[str]:
    """Indicators a plan of ``region`` can weight: the county's, or those every
    county of the city has (see ``services.plan_inputs``)."""
    from bianzhi.allocation.services import plan_counties

    counties = plan_counties(region=region)
    if not counties:
        return list(MAIN_INDICATORS)
    per_county = [[i.name for i in county_indicators(county=c)] for c in counties]
    return [n for n in per_county[0] if all(n in names for names in per_county[1:])]


def _default_floors(quota_type: str, classes: tuple[str, ...] | list[str]) -> dict[str, int]:
    # 001 §(三)1: an ordinary township keeps at least 15 admin posts.
    return {"一般乡镇": 15} if quota_type == QuotaType.ADMIN and "一般乡镇" in classes else {}


def plan_default_params(*, region: Region, mode: str = PlanMode.COUNTY) -> dict[str, Any]:
    """Parameters a new plan starts from: both quota types, totals = today's
    approved quotas plus the county reserve pool, 5% reserve, Webster, 人口 40% 面积 30% 经济 30%, and
    for the five-class scheme the 001 floor of 15 admin posts for 一般乡镇.

    A 各县分别控制 city plan gets ``counties``: each county's total (the sum of
    its approved quotas) and floors from its own class scheme; the top-level
    total is their sum and top-level floors/caps stay empty.
    """
    from bianzhi.allocation.services import plan_counties

    counties = plan_counties(region=region)
    county_totals = {c.code: {qt: 0 for qt in QuotaType.values} for c in counties}
    for county_code, quota_type, count in ApprovedQuota.objects.filter(
        township__county_code__in=list(county_totals)
    ).values_list("township__county_code", "quota_type", "count"):
        county_totals[county_code][quota_type] += count
    # The reserve pool (机动编制) is part of the county's total: a new plan
    # re-divides all of it.
    for county_code, quota_type, count in CountyReserve.objects.filter(
        county__code__in=list(county_totals)
    ).values_list("county__code", "quota_type", "count"):
        county_totals[county_code][quota_type] += count
    classes = plan_region_classes(region=region)
    weights = {name: 0.0 for name in plan_indicator_names(region=region)}
    weights.update({"人口": 0.4, "面积": 0.3, "经济": 0.3})
    params = {}
    for quota_type in QuotaType.values:
        p: dict[str, Any] = {
            "total": sum(t[quota_type] for t in county_totals.values()),
            "reserve": "5%",
            "method": "webster",
            "weights": dict(weights),
            "floors": _default_floors(quota_type, classes),
            "caps": {},
            "coefficients": {},
            "no_decrease": False,
            "max_step": None,
        }
        if mode == PlanMode.PER_COUNTY:
            p["floors"] = {}
            p["counties"] = {
                c.code: {
                    "total": county_totals[c.code][quota_type],
                    "floors": _default_floors(quota_type, county_classes(county=c)),
                    "caps": {},
                }
                for c in counties
            }
        params[quota_type] = p
    return params


def plan_groups(*, plan: AllocationPlan, quota_type: str) -> tuple[engine.Group, ...]:
    """The stored result of one quota type as the engine's groups (one, or one
    per county), re-derived from the stored inputs (the engine is
    deterministic; the allocations are checked against the stored result).
    Http404 if the plan has no such result."""
    if not plan.inputs or not plan.results or quota_type not in plan.results:
        raise Http404("方案没有该编制类型的测算结果")
    groups = engine.run_one(quota_type, plan.params[quota_type], plan.inputs, plan.mode)
    stored = {t["code"]: t["allocation"] for t in plan.results[quota_type]["townships"]}
    if {t.code: t.allocation for g in groups for t in g.result.townships} != stored:
        raise RuntimeError(f"plan {plan.pk}: re-derived result differs from the stored one")
    return groups


def plan_result(*, plan: AllocationPlan, quota_type: str, county: str = "") -> AllocationResult:
    """One group's result of one quota type: the plan's only group, or for a
    各县分别控制 plan the county with code ``county`` (default the first).
    Http404 if there is no such result or county."""
    groups = plan_groups(plan=plan, quota_type=quota_type)
    if not county:
        return groups[0].result
    for group in groups:
        if group.code == county:
            return group.result
    raise Http404("方案没有该县的测算结果")


@dataclass
class Warning:
    level: str  # "error" | "warn" | "info"
    text: str


def plan_warnings(*, plan: AllocationPlan) -> list[Warning]:
    """What the officer should look at before approving, in Chinese."""
    warnings = [Warning("error", p) for p in plan.problems]
    for quota_type, doc in (plan.results or {}).items():
        townships = doc["townships"]
        if doc["ties"]:
            names = "、".join(t["name"] for t in townships if t["tied"])
            warnings.append(
                Warning("warn", f"{quota_type}：{names} 得分并列，按“得分高者优先、再按代码”规则决定最后一个编制")
            )
        for bound, label in ((Bound.CAP, "达到类别上限"), (Bound.TOWNSHIP_MAX, "达到乡镇上限")):
            capped = [t["name"] for t in townships if t["bound"] == bound.value]
            if capped:
                warnings.append(Warning("info", f"{quota_type}：{'、'.join(capped)} {label}"))
        floored = [t["name"] for t in townships if t["bound"] == Bound.FLOOR.value]
        if floored:
            warnings.append(Warning("info", f"{quota_type}：{'、'.join(floored)} 按类别下限（保底）测算"))
        down = [f"{t['name']}（{t['change']:+d}）" for t in townships if (t["change"] or 0) < 0]
        if down:
            warnings.append(Warning("warn", f"{quota_type}：{'、'.join(down)} 编制减少"))
        if doc["reserve"]:
            warnings.append(Warning("info", f"{quota_type}：预留机动编制 {doc['reserve']} 名"))
        warnings += [Warning("warn", text) for text in _key_town_warnings(quota_type, doc)]
    return warnings


def _key_town_warnings(quota_type: str, doc: Mapping[str, Any]) -> list[str]:
    """Key towns given less than ordinary townships (001 §(三)1), county by
    county (a city plan's townships carry their county; a 各县分别控制 plan
    has each county's floors in its group)."""
    default = 15 if quota_type == QuotaType.ADMIN else None  # 001 §(三)1: 一般乡镇行政编制不低于15名

    def floor_of(plan: Mapping[str, Any] | None) -> int | None:
        value = (plan or {}).get("floors", {}).get(ORDINARY)
        return int(value) if value is not None else default

    group_floors = {g["code"]: floor_of(g.get("plan")) for g in doc.get("groups") or []}
    by_county: dict[str, list[PlannedTownship]] = {}
    for t in doc["townships"]:
        by_county.setdefault(t.get("county") or "", []).append(
            PlannedTownship(t["name"], t["class"], float(t["score"]), int(t["allocation"]))
        )
    texts: list[str] = []
    for county, townships in by_county.items():
        floor = group_floors[county] if county in group_floors else floor_of(doc.get("plan"))
        texts += key_town_warnings(townships, quota_type=quota_type, ordinary_floor=floor)
    return texts


@dataclass
class WhatIfRow:
    code: str
    name: str
    stored: int | None
    proposed: int
    current: int | None

    @property
    def delta(self) -> int | None:
        return None if self.stored is None else self.proposed - self.stored


@dataclass
class WhatIf:
    weights: dict[str, float]
    rows: list[WhatIfRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[WhatIfRow]:
        return [r for r in self.rows if r.delta]


def plan_whatif(
    *, plan: AllocationPlan, quota_type: str, weights: Mapping[str, float]
) -> WhatIf:
    """Re-run one quota type with other weights on the plan's inputs (the stored
    snapshot, or the county's data now for a draft) without saving anything;
    rows compare with the stored result (None when there is none)."""
    from bianzhi.allocation.services import plan_inputs

    if quota_type not in plan.params:
        raise Http404("方案没有该编制类型")
    inputs = plan.inputs or plan_inputs(region=plan.region, year=plan.year)
    params = dict(plan.params[quota_type])
    params["weights"] = {k: float(v) for k, v in weights.items()}
    whatif = WhatIf(weights=dict(params["weights"]))
    try:
        groups = engine.run_one(quota_type, params, inputs, plan.mode)
    except AllocationError as exc:
        whatif.problems = list(exc.problems)
        return whatif
    stored = {}
    if plan.results and quota_type in plan.results:
        stored = {t["code"]: t["allocation"] for t in plan.results[quota_type]["townships"]}
    whatif.rows = [
        WhatIfRow(t.code, t.name, stored.get(t.code), t.allocation, t.current)
        for g in groups
        for t in g.result.townships
    ]
    return whatif


@dataclass
class CompareRow:
    code: str
    name: str
    # per quota type (in the order returned with the rows): (plan a, plan b, b − a)
    cells: list[tuple[int | None, int | None, int | None]]


def plan_compare(*, a: AllocationPlan, b: AllocationPlan) -> tuple[list[str], list[CompareRow]]:
    """Quota types of either plan and one row per township of either plan."""
    results = (a.results or {}, b.results or {})
    quota_types = [qt for qt in QuotaType.values if any(qt in r for r in results)]
    names: dict[str, str] = {}
    allocations: dict[tuple[int, str, str], int] = {}
    for index, plan_results in enumerate(results):
        for quota_type, doc in plan_results.items():
            for t in doc["townships"]:
                names[t["code"]] = t["name"]
                allocations[(index, quota_type, t["code"])] = t["allocation"]
    rows = []
    for code in sorted(names):
        cells = []
        for quota_type in quota_types:
            x, y = allocations.get((0, quota_type, code)), allocations.get((1, quota_type, code))
            cells.append((x, y, None if x is None or y is None else y - x))
        rows.append(CompareRow(code, names[code], cells))
    return quota_types, rows


@dataclass
class MethodRow:
    """One township under every method: numbers in ``Method`` order and the
    difference of each from the plan's own method."""

    code: str
    name: str
    allocations: list[int]
    differences: list[int]

    @property
    def differs(self) -> bool:
        return any(self.differences)

    @property
    def cells(self) -> list[tuple[int, int]]:
        return list(zip(self.allocations, self.differences, strict=True))


@dataclass
class MethodComparison:
    """The plan's inputs and parameters allocated by each of the five methods."""

    methods: list[tuple[str, str]]  # (value, label), Method order
    chosen: str  # the plan's method
    rows: list[MethodRow] = field(default_factory=list)
    max_deviation: list[float] = field(default_factory=list)  # per method, over all groups
    disproportionality: list[float | None] = field(default_factory=list)  # None: several groups
    problems: dict[str, list[str]] = field(default_factory=dict)  # method -> why it could not run

    @property
    def changed(self) -> int:
        return sum(1 for r in self.rows if r.differs)


def method_comparison(*, plan: AllocationPlan, quota_type: str) -> MethodComparison | None:
    """Five methods side by side on the plan's stored inputs (nothing saved),
    for the plan page: what the CLI's ``allocate --compare`` shows. None
    before the plan is computed."""
    if not plan.inputs or quota_type not in (plan.results or {}) or quota_type not in plan.params:
        return None
    chosen = str(plan.params[quota_type].get("method", Method.WEBSTER.value))
    comparison = MethodComparison(methods=[(m.value, m.label) for m in Method], chosen=chosen)
    by_method: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for method in Method:
        params = {**plan.params[quota_type], "method": method.value}
        try:
            groups = engine.run_one(quota_type, params, plan.inputs, plan.mode)
        except AllocationError as exc:
            comparison.problems[method.value] = list(exc.problems)
            by_method[method.value] = {}
            comparison.max_deviation.append(float("nan"))
            comparison.disproportionality.append(None)
            continue
        allocations: dict[str, int] = {}
        for g in groups:
            rows = g.result.townships
            names.update(zip(rows.codes, rows.names, strict=True))
            allocations.update(zip(rows.codes, rows.allocation.tolist(), strict=True))
        by_method[method.value] = allocations
        comparison.max_deviation.append(max(g.result.max_deviation for g in groups))
        comparison.disproportionality.append(groups[0].result.disproportionality if len(groups) == 1 else None)
    base = by_method.get(chosen, {})
    for code in sorted(names):
        numbers = [by_method[m.value].get(code) for m in Method]
        comparison.rows.append(
            MethodRow(
                code=code,
                name=names[code],
                allocations=[n if n is not None else 0 for n in numbers],
                differences=[
                    0 if n is None or code not in base else n - base[code] for n in numbers
                ],
            )
        )
    return comparison


def chart_data(*, plan: AllocationPlan, quota_type: str) -> dict[str, Any]:
    """ECharts series of current against proposed for one quota type."""
    doc = (plan.results or {}).get(quota_type)
    if not doc:
        return {}
    townships = doc["townships"]
    return {
        "title": f"{quota_type}：现有与测算",
        "names": [t["name"] for t in townships],
        "current": [t["current"] for t in townships],
        "proposed": [t["allocation"] for t in townships],
    }


def weight_names(*, plan: AllocationPlan) -> list[str]:
    """Indicators a weight can be set for: the plan's inputs, or the region's now."""
    if plan.inputs:
        return [i["name"] for i in plan.inputs["indicators"]]
    return plan_indicator_names(region=plan.region) or list(MAIN_INDICATORS)



# Plan-level figures of a result document a township may read with its own
# row; everything else (other townships' rows, per-township bounds) stays out.
_PLAN_FIGURES = ("name", "total", "reserve", "distributable", "divisor", "divisor_interval")
_PLAN_PARAMS = ("total", "reserve", "method", "method_label")


def _bound_label(value: str) -> str:
    bound = Bound(value)
    return "" if bound is Bound.NONE else bound.label


@dataclass
class TownshipExplanation:
    """One township's stored result row of one quota type, with what is needed
    to read it: the figures of the group it was allocated in (the plan, or its
    county for a 各县分别控制 plan) and no other township's numbers."""

    quota_type: str
    row: dict[str, Any]
    doc: dict[str, Any]
    indicators: list[dict[str, Any]]
    area_label: str
    seats: SeatExplanation | None = None  # why this number: held seats, d, q, rounding

    @property
    def lower_label(self) -> str:
        return _bound_label(self.row["lower_source"])

    @property
    def upper_label(self) -> str:
        return _bound_label(self.row["upper_source"])

    def context(self) -> dict[str, Any]:
        """The context of ``allocation/_explain.html``."""
        return {
            "quota_type": self.quota_type,
            "t": self.row,
            "doc": self.doc,
            "indicators": self.indicators,
            "area_label": self.area_label,
            "lower_label": self.lower_label,
            "upper_label": self.upper_label,
            "seats": self.seats.sentences() if self.seats is not None else (),
        }

    @property
    def seat_steps_unnamed(self) -> tuple[str, ...]:
        """The steps without other townships' names, for the township's own page."""
        return self.seats.sentences(named=False) if self.seats is not None else ()


def township_explanation(
    *, plan: AllocationPlan, quota_type: str, township_code: str
) -> TownshipExplanation | None:
    """The explanation of one township from the plan's stored results (the
    engine is not re-run); None if the plan has no such row."""
    doc = (plan.results or {}).get(quota_type)
    row = next((t for t in doc["townships"] if t["code"] == township_code), None) if doc else None
    if doc is None or row is None:
        return None
    # A 各县分别控制 township was allocated within its county: explain it with
    # the county's own figures (distributable, method, bounds).
    doc = next((g for g in doc.get("groups", []) if g["code"] == row.get("county")), doc)
    figures: dict[str, Any] = {k: doc.get(k) for k in _PLAN_FIGURES}
    figures["plan"] = {k: doc.get("plan", {}).get(k) for k in _PLAN_PARAMS}
    units = {i["name"]: i["unit"] for i in (plan.inputs or {}).get("indicators", [])}
    indicators = [
        {"name": name, "unit": units.get(name, ""), "share_pct": 100 * c["share"], **c}
        for name, c in row["indicators"].items()
    ]
    area = "全市" if plan.mode == PlanMode.POOLED else "全县"
    return TownshipExplanation(
        quota_type=quota_type,
        row=row,
        doc=figures,
        indicators=indicators,
        area_label=area,
        seats=_seat_explanation(plan=plan, quota_type=quota_type, row=row, group=doc, area=area),
    )


def _seat_explanation(
    *, plan: AllocationPlan, quota_type: str, row: dict[str, Any], group: dict[str, Any], area: str
) -> SeatExplanation | None:
    """The engine's step-by-step explanation from the stored rows of the
    group the township was allocated in (its county in a 各县分别控制 plan)."""
    whole = (plan.results or {})[quota_type]
    rows = [t for t in whole["townships"] if "groups" not in whole or t.get("county") == row.get("county")]
    method = (group.get("plan") or {}).get("method")
    if not method or any("bound" not in t or "score" not in t for t in rows):
        return None
    return explain_seats(
        names=[t["name"] for t in rows],
        scores=[t["score"] for t in rows],
        quotas=[t["quota"] for t in rows],
        allocations=[t["allocation"] for t in rows],
        bounds=[t["bound"] for t in rows],
        index=rows.index(row),
        method=method,
        distributable=group["distributable"],
        divisor=group.get("divisor"),
        lower=row["lower"],
        upper=row.get("upper"),
        tied=bool(row.get("tied")),
        area=area,
    )


@dataclass
class TownshipPlan:
    plan: AllocationPlan
    explanations: list[TownshipExplanation]


def township_plan_explanations(*, scope: Scope, township: Region) -> list[TownshipPlan]:
    """Every approved plan that allocated quotas to ``township`` (newest
    approval first), each with the township's explanation per quota type,
    read from the stored results.

    Readable by the township's own users and anyone whose scope contains the
    township: a 乡镇用户 sees no county plan through ``plan_list``, but may
    read how its own number came about. Draft and computed plans never show.
    Http404 outside the scope.
    """
    if not scope.can_view(township):
        raise Http404("区划不存在或无权访问")
    plans = (
        AllocationPlan.objects.filter(status=PlanStatus.APPROVED, allocations__township=township)
        .distinct()
        .order_by("-approval_date", "-id")
    )
    items = []
    for plan in plans:
        explanations = [
            e
            for quota_type in plan.results or {}
            if (e := township_explanation(plan=plan, quota_type=quota_type, township_code=township.code))
        ]
        if explanations:
            items.append(TownshipPlan(plan=plan, explanations=explanations))
    return items
