"""Reads of the public-asset registers; every read takes a ``Scope``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import Scope
from bianzhi.assets.models import (
    Asset,
    AssetFile,
    InventoryLine,
    InventoryReturn,
    InventoryRound,
    RevitalisationPlan,
)
from bianzhi.core.assets import CATEGORIES, IDLE, REVITALISED, share
from bianzhi.core.tasks import TaskStatus
from bianzhi.regions.models import Level, Region
from bianzhi.regions.selectors import figure_groups

WRITER_ROLES = frozenset({Role.OFFICER, Role.TOWNSHIP})


def may_write(scope: Scope, region: Region | None) -> bool:
    """编办管理员 over the region, or the township's own 乡镇用户."""
    if scope.is_superuser:
        return True
    return scope.can_view(region) and bool(scope.roles & WRITER_ROLES)


def townships(*, scope: Scope) -> QuerySet[Region]:
    return scope.regions().filter(level=Level.TOWNSHIP).order_by("code")


@dataclass(frozen=True)
class AssetFilter:
    township: str = ""
    asset_class: str = ""
    use_status: str = ""


def assets(*, scope: Scope, filters: AssetFilter | None = None) -> QuerySet[Asset]:
    rows = scope.filter(Asset.objects.select_related("township", "plan"), "township")
    f = filters or AssetFilter()
    if f.township:
        rows = rows.filter(township__code=f.township)
    if f.asset_class:
        rows = rows.filter(asset_class=f.asset_class)
    if f.use_status:
        rows = rows.filter(use_status=f.use_status)
    return rows


def asset_get(*, scope: Scope, pk: int) -> Asset:
    asset: Asset = get_object_or_404(assets(scope=scope), pk=pk)
    return asset


def file_get(*, scope: Scope, pk: int) -> AssetFile:
    item: AssetFile = get_object_or_404(
        scope.filter(AssetFile.objects.select_related("asset__township"), "asset__township"), pk=pk
    )
    return item


def rounds(*, scope: Scope) -> QuerySet[InventoryRound]:
    return scope.filter(InventoryRound.objects.select_related("county"), "county")


def round_get(*, scope: Scope, pk: int) -> InventoryRound:
    # A township user sees the rounds of their county (they report to it).
    visible = InventoryRound.objects.select_related("county")
    item: InventoryRound = get_object_or_404(visible, pk=pk)
    if not (scope.can_view(item.county) or any(scope.can_view(t) for t in _townships_of(item.county))):
        from django.http import Http404

        raise Http404("清查不存在或无权访问")
    return item


def _townships_of(county: Region) -> list[Region]:
    return list(Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code))


def rounds_for(*, scope: Scope) -> list[InventoryRound]:
    """Rounds of the counties the user sees, or of the county of their township."""
    if scope.is_superuser:
        return list(InventoryRound.objects.select_related("county")[:200])
    if scope.region is None or not scope.sees_anything:
        return []
    county_code = scope.region.county_code if scope.region.level == Level.TOWNSHIP else None
    if county_code:
        return list(InventoryRound.objects.select_related("county").filter(county__code=county_code))
    return list(rounds(scope=scope)[:200])


@dataclass
class Figures:
    code: str
    name: str
    total: int = 0
    idle: int = 0
    revitalised: int = 0
    closed_plans: int = 0

    def as_dict(self) -> dict[str, Any]:
        # Idle share: idle now / all assets; revitalised share: revitalised / (idle + revitalised).
        return {
            **self.__dict__,
            "idle_share": share(self.idle, self.total),
            "revitalised_share": share(self.revitalised, self.idle + self.revitalised),
        }


def figures(*, scope: Scope, region: Region) -> dict[str, Any]:
    """Idle and revitalised shares for the townships under ``region`` (within
    the scope), one row per group (``figure_groups``: a province by city, a
    city by county, a county by township), and plans by category. Each
    table is one GROUP BY in the database."""
    column, groups = figure_groups(scope=scope, region=region)
    towns = scope.regions().filter(level=Level.TOWNSHIP, **{region.level_field: region.code})
    # The townships as a subquery, not a list of 3,111 ids (a province).
    ids = towns.values("id")
    rows = {g.code: Figures(g.code, g.name) for g in groups}
    for item in (
        Asset.objects.filter(township_id__in=ids).order_by()
        .values(group := f"township__{column}")
        .annotate(total=Count("id"), idle=Count("id", filter=Q(use_status=IDLE)),
                  revitalised=Count("id", filter=Q(use_status=REVITALISED)))
    ):
        row = rows.get(item[group])
        if row is not None:
            row.total, row.idle, row.revitalised = item["total"], item["idle"], item["revitalised"]
    plans = RevitalisationPlan.objects.filter(asset__township_id__in=ids).order_by()
    closed = Q(status=TaskStatus.CLOSED.value)
    for item in plans.filter(closed).values(group := f"asset__township__{column}").annotate(n=Count("id")):
        row = rows.get(item[group])
        if row is not None:
            row.closed_plans = item["n"]
    by_category = {
        item["category"]: item
        for item in plans.values("category").annotate(plans=Count("id"), closed=Count("id", filter=closed))
    }
    total = sum(r.total for r in rows.values())
    idle = sum(r.idle for r in rows.values())
    revitalised = sum(r.revitalised for r in rows.values())
    return {
        "rows": [r.as_dict() for r in rows.values()],
        "categories": [
            {"name": c, "plans": by_category[c]["plans"], "closed": by_category[c]["closed"]}
            for c in CATEGORIES
            if c in by_category
        ],
        "totals": {
            "assets": total,
            "idle": idle,
            "revitalised": revitalised,
            "idle_share": share(idle, total),
            "revitalised_share": share(revitalised, idle + revitalised),
        },
    }


def today_status(plan: RevitalisationPlan, today: dt.date) -> str:
    if plan.task_status is TaskStatus.CLOSED:
        return "已销号"
    return "已逾期" if plan.deadline < today else plan.get_status_display()


@dataclass(frozen=True)
class ReturnRows:
    """One township of a round: its reported 清理统计表 lines, None when not reported."""

    township: str
    submitted_on: dt.date | None
    lines: list[InventoryLine] | None


def round_returns(*, scope: Scope, round: InventoryRound) -> list[ReturnRows]:
    """Every township of the round's county the user sees, in code order,
    with its reported 清理统计表 lines (None: not reported yet)."""
    towns = scope.filter(Region.objects.filter(level=Level.TOWNSHIP, county_code=round.county.code), "").order_by("code")
    returns = {
        r.township_id: r for r in InventoryReturn.objects.filter(round=round).prefetch_related("lines")
    }
    out = []
    for town in towns:
        ret = returns.get(town.pk)
        out.append(
            ReturnRows(
                township=town.name,
                submitted_on=timezone.localdate(ret.submitted_at) if ret else None,
                lines=list(ret.lines.all()) if ret else None,
            )
        )
    return out
