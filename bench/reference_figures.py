"""The enforcement and asset figures as the dashboard read them before
issue 16 (``bianzhi.enforcement.selectors.figures`` and
``bianzhi.assets.selectors.figures`` at that time, copied unchanged): one
row per township at every level, counted in Python case by case and asset
by asset. The province dashboard's baseline (bench_province) renders them
with the templates of that time (reference_templates/)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from bianzhi.accounts.scope import Scope
from bianzhi.assets.models import Asset, RevitalisationPlan
from bianzhi.core.assets import CATEGORIES, IDLE, REVITALISED, share
from bianzhi.core.enforcement import CaseStatus
from bianzhi.core.tasks import TaskStatus
from bianzhi.enforcement.models import Case
from bianzhi.regions.models import Level, Region
from bianzhi.roster.models import Person, Status


@dataclass
class TownshipFigures:
    code: str
    name: str
    cases: int = 0
    open: int = 0
    closed: int = 0
    transferred: int = 0
    average_days_to_close: float | None = None
    staff: int = 0
    certified: int = 0

    @property
    def certificate_rate(self) -> float | None:
        return round(100 * self.certified / self.staff, 1) if self.staff else None


def enforcement_figures(*, scope: Scope, region: Region, today: dt.date) -> dict[str, Any]:
    """Cases per township and per matter, time to close, certificate rate,
    for the townships under ``region`` (within the scope)."""
    towns = scope.regions().filter(level=Level.TOWNSHIP)
    if region.level == Level.TOWNSHIP:
        towns = towns.filter(code=region.code)
    else:
        towns = towns.filter(**{region.level_field: region.code})
    # The townships as a subquery, not a list of 3,111 ids (a province).
    ids = towns.values("id")
    rows = {pk: TownshipFigures(code, name) for pk, code, name in towns.order_by("code").values_list("id", "code", "name")}
    case_rows = Case.objects.filter(township_id__in=ids)
    days: dict[int, list[int]] = defaultdict(list)
    by_matter: Counter[str] = Counter()
    for township_id, status, filed, closed, matter in case_rows.values_list(
        "township_id", "status", "filed_on", "closed_on", "matter_name"
    ):
        row = rows[township_id]
        row.cases += 1
        by_matter[matter] += 1
        if status == CaseStatus.CLOSED.value:
            row.closed += 1
            if closed is not None:
                days[township_id].append((closed - filed).days)
        elif status == CaseStatus.TRANSFERRED.value:
            row.transferred += 1
        else:
            row.open += 1
    for township_id, values in days.items():
        rows[township_id].average_days_to_close = round(sum(values) / len(values), 1)
    working = Q(exited_on__isnull=True, status__in=[Status.ON_POST, Status.BORROWED_IN], is_enforcement_staff=True)
    for item in (
        Person.objects.filter(working, region_id__in=ids)
        .values("region_id")
        .annotate(
            staff=Count("id"),
            certified=Count("id", filter=Q(certificate_expiry__gte=today)),
        )
    ):
        rows[item["region_id"]].staff = item["staff"]
        rows[item["region_id"]].certified = item["certified"]
    all_days = [d for values in days.values() for d in values]
    staff = sum(r.staff for r in rows.values())
    return {
        "townships": [
            {**r.__dict__, "certificate_rate": r.certificate_rate} for r in rows.values()
        ],
        "matters": [{"name": n, "cases": c} for n, c in by_matter.most_common(20)],
        "totals": {
            "cases": sum(r.cases for r in rows.values()),
            "closed": sum(r.closed for r in rows.values()),
            "average_days_to_close": round(sum(all_days) / len(all_days), 1) if all_days else None,
            "certificate_rate": round(100 * sum(r.certified for r in rows.values()) / staff, 1)
            if staff
            else None,
        },
    }


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


def asset_figures(*, scope: Scope, region: Region) -> dict[str, Any]:
    """Idle and revitalised shares by township and plans by category."""
    towns = scope.regions().filter(level=Level.TOWNSHIP)
    if region.level == Level.TOWNSHIP:
        towns = towns.filter(code=region.code)
    else:
        towns = towns.filter(**{region.level_field: region.code})
    # The townships as a subquery, not a list of 3,111 ids (a province).
    ids = towns.values("id")
    rows = {pk: Figures(code, name) for pk, code, name in towns.order_by("code").values_list("id", "code", "name")}
    for township_id, status in Asset.objects.filter(township_id__in=ids).values_list("township_id", "use_status"):
        row = rows[township_id]
        row.total += 1
        row.idle += status == IDLE
        row.revitalised += status == REVITALISED
    by_category: Counter[str] = Counter()
    closed: Counter[str] = Counter()
    for category, status, township_id in RevitalisationPlan.objects.filter(
        asset__township_id__in=ids
    ).values_list("category", "status", "asset__township_id"):
        by_category[category] += 1
        if status == TaskStatus.CLOSED.value:
            closed[category] += 1
            rows[township_id].closed_plans += 1
    total = sum(r.total for r in rows.values())
    idle = sum(r.idle for r in rows.values())
    revitalised = sum(r.revitalised for r in rows.values())
    return {
        "townships": [r.as_dict() for r in rows.values()],
        "categories": [
            {"name": c, "plans": by_category[c], "closed": closed[c]} for c in CATEGORIES if by_category[c]
        ],
        "totals": {
            "assets": total,
            "idle": idle,
            "revitalised": revitalised,
            "idle_share": share(idle, total),
            "revitalised_share": share(revitalised, idle + revitalised),
        },
    }
