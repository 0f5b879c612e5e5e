"""Reads of the grids app. Every selector takes a ``Scope`` except
``public_matters``, behind the public page (a township's catalogue is
published by design, 002 §2)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.core.grids import (
    GridFinding,
    GridState,
    MatterCounts,
    VillageState,
    percent,
    township_findings,
)
from bianzhi.grids.models import Grid, GridTask, GridWorker, ServiceMatter, ServicePoint, Village
from bianzhi.regions.models import Level, Region


@dataclass
class GridView:
    grid: Grid
    workers: list[GridWorker]


@dataclass
class VillageView:
    village: Village
    point: ServicePoint | None
    grids: list[GridView] = field(default_factory=list)


@dataclass
class TownshipGrids:
    township: Region
    villages: list[VillageView]
    matters: list[ServiceMatter]
    counts: MatterCounts
    findings: list[GridFinding]

    @property
    def hall_percent(self) -> int | None:
        return percent(self.counts.in_hall, self.counts.total)

    @property
    def coverage_percent(self) -> int | None:
        return percent(sum(1 for v in self.villages if v.point is not None), len(self.villages))


def township_grids(*, scope: Scope, code: str) -> TownshipGrids:
    """One township's villages, service points, grids with workers, matters and findings."""
    township = scope.township_or_404(code)
    villages = list(Village.objects.filter(township=township).order_by("name"))
    points = {p.village_id: p for p in ServicePoint.objects.filter(village__in=villages)}
    views = {v.pk: VillageView(v, points.get(v.pk)) for v in villages}
    grids = list(Grid.objects.filter(village__in=villages).select_related("village").order_by("name"))
    workers: dict[int, list[GridWorker]] = defaultdict(list)
    for worker in GridWorker.objects.filter(grid__in=grids).order_by("id"):
        workers[worker.grid_id].append(worker)
    for grid in grids:
        views[grid.village_id].grids.append(GridView(grid, workers[grid.pk]))
    matters = list(ServiceMatter.objects.filter(township=township).order_by("category", "name"))
    counts = MatterCounts(
        total=len(matters),
        in_hall=sum(1 for m in matters if m.in_hall),
        at_village=sum(1 for m in matters if m.at_village),
    )
    names = {v.pk: v.name for v in villages}
    findings = township_findings(
        villages=[VillageState(v.name, v.pk in points) for v in villages],
        grids=[
            GridState(names[g.village_id], g.name, len(workers[g.pk]), g.enforcement_officer, g.village_contact)
            for g in grids
        ],
        matters=counts,
    )
    return TownshipGrids(township, list(views.values()), matters, counts, findings)


@dataclass(frozen=True)
class TownshipFigures:
    township: Region
    villages: int
    service_points: int
    grids: int
    workers: int
    matters: int
    in_hall: int
    at_village: int

    @property
    def coverage_percent(self) -> int | None:
        return percent(self.service_points, self.villages)

    @property
    def hall_percent(self) -> int | None:
        return percent(self.in_hall, self.matters)


def county_figures(*, scope: Scope, county: Region) -> list[TownshipFigures]:
    """Per township of ``county`` in scope: villages, service points, grids,
    workers, matters (in the hall, in villages). A fixed number of queries."""
    townships = list(scope.regions().filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code"))
    ids = [t.pk for t in townships]
    villages = dict(
        Village.objects.filter(township_id__in=ids).values("township_id").annotate(n=Count("id")).values_list("township_id", "n")
    )
    points = dict(
        ServicePoint.objects.filter(village__township_id__in=ids)
        .values("village__township_id").annotate(n=Count("id")).values_list("village__township_id", "n")
    )
    grids = dict(
        Grid.objects.filter(village__township_id__in=ids)
        .values("village__township_id").annotate(n=Count("id")).values_list("village__township_id", "n")
    )
    workers = dict(
        GridWorker.objects.filter(grid__village__township_id__in=ids)
        .values("grid__village__township_id").annotate(n=Count("id")).values_list("grid__village__township_id", "n")
    )
    matters = {
        row["township_id"]: row
        for row in ServiceMatter.objects.filter(township_id__in=ids).values("township_id").annotate(
            n=Count("id"), hall=Count("id", filter=Q(in_hall=True)), village=Count("id", filter=Q(at_village=True))
        )
    }
    return [
        TownshipFigures(
            township=t,
            villages=villages.get(t.pk, 0),
            service_points=points.get(t.pk, 0),
            grids=grids.get(t.pk, 0),
            workers=workers.get(t.pk, 0),
            matters=matters.get(t.pk, {}).get("n", 0),
            in_hall=matters.get(t.pk, {}).get("hall", 0),
            at_village=matters.get(t.pk, {}).get("village", 0),
        )
        for t in townships
    ]


def grid_tasks(*, scope: Scope, county: Region) -> QuerySet[GridTask]:
    return scope.filter(GridTask.objects.filter(county=county), "county").order_by("department", "kind", "id")


def village_get(*, scope: Scope, pk: int) -> Village:
    village: Village | None = scope.filter(Village.objects.select_related("township"), "township").filter(pk=pk).first()
    if village is None:
        raise Http404("村（社区）不存在")
    return village


def grid_get(*, scope: Scope, pk: int) -> Grid:
    grid: Grid | None = scope.filter(Grid.objects.select_related("village__township"), "village__township").filter(pk=pk).first()
    if grid is None:
        raise Http404("网格不存在")
    return grid


def worker_get(*, scope: Scope, pk: int) -> GridWorker:
    worker: GridWorker | None = (
        scope.filter(GridWorker.objects.select_related("grid__village__township"), "grid__village__township")
        .filter(pk=pk)
        .first()
    )
    if worker is None:
        raise Http404("网格员不存在")
    return worker


def matter_get(*, scope: Scope, pk: int) -> ServiceMatter:
    matter: ServiceMatter | None = scope.filter(ServiceMatter.objects.select_related("township"), "township").filter(pk=pk).first()
    if matter is None:
        raise Http404("事项不存在")
    return matter


def public_township(*, code: str) -> Region:
    """Any township by code (public page), else Http404."""
    region = Region.objects.filter(code=code, level=Level.TOWNSHIP).first()
    if region is None:
        raise Http404("乡镇不存在")
    return region


@dataclass(frozen=True)
class PublicMatters:
    township: Region
    matters: list[ServiceMatter]
    points: list[ServicePoint]


def public_matters(*, township: Region) -> PublicMatters:
    """The published catalogue: every matter with its 办事指南 and where to do
    it, and the village service points (no scope: public by design)."""
    return PublicMatters(
        township=township,
        matters=list(ServiceMatter.objects.filter(township=township).order_by("category", "name")),
        points=list(
            ServicePoint.objects.filter(village__township=township).select_related("village").order_by("village__name")
        ),
    )


# The column of a township that names its child of a region at each level
# (the same grouping as the dashboards' other figures).
_CHILD_FIELD: dict[str, str] = {Level.PROVINCE: "city_code", Level.CITY: "county_code", Level.COUNTY: "code", Level.TOWNSHIP: "code"}


@dataclass(frozen=True)
class DashboardRow:
    code: str
    name: str
    villages: int
    service_points: int
    grids: int
    workers: int
    matters: int
    in_hall: int
    at_village: int

    @property
    def coverage_percent(self) -> int | None:
        return percent(self.service_points, self.villages)

    @property
    def hall_percent(self) -> int | None:
        return percent(self.in_hall, self.matters)


def dashboard_rows(*, scope: Scope, region: Region) -> list[DashboardRow]:
    """Grid and service figures per child region of ``region`` (a township:
    itself), one GROUP BY per register; ``region`` is already in scope."""
    child = _CHILD_FIELD[region.level]
    under = {f"township__{region.level_field}": region.code}
    if region.level == Level.TOWNSHIP:
        children = [region]
    else:
        below: dict[str, str] = {Level.PROVINCE: Level.CITY, Level.CITY: Level.COUNTY, Level.COUNTY: Level.TOWNSHIP}
        children = list(
            scope.regions().filter(level=below[region.level], **{region.level_field: region.code}).order_by("code")
        )

    def counts(qs: QuerySet[Any], path: str) -> dict[str, int]:
        return dict(qs.values(f"{path}__{child}").annotate(n=Count("id")).values_list(f"{path}__{child}", "n"))

    villages = counts(Village.objects.filter(**under), "township")
    points = counts(ServicePoint.objects.filter(**{f"village__{k}": v for k, v in under.items()}), "village__township")
    grids = counts(Grid.objects.filter(**{f"village__{k}": v for k, v in under.items()}), "village__township")
    workers = counts(
        GridWorker.objects.filter(**{f"grid__village__{k}": v for k, v in under.items()}), "grid__village__township"
    )
    matters = {
        row[f"township__{child}"]: row
        for row in ServiceMatter.objects.filter(**under).values(f"township__{child}").annotate(
            n=Count("id"), hall=Count("id", filter=Q(in_hall=True)), village=Count("id", filter=Q(at_village=True))
        )
    }
    return [
        DashboardRow(
            code=c.code, name=c.name, villages=villages.get(c.code, 0), service_points=points.get(c.code, 0),
            grids=grids.get(c.code, 0), workers=workers.get(c.code, 0),
            matters=matters.get(c.code, {}).get("n", 0), in_hall=matters.get(c.code, {}).get("hall", 0),
            at_village=matters.get(c.code, {}).get("village", 0),
        )
        for c in children
    ]
