"""Reads of the reports app, scoped to the reader."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.regions.models import Level, Region
from bianzhi.reports.models import MainDuty, Snapshot


def county_list(*, scope: Scope) -> QuerySet[Region]:
    return scope.regions().filter(level=Level.COUNTY).order_by("code")


def county_get(*, scope: Scope, code: str) -> Region:
    return scope.county_or_404(code)


def city_list(*, scope: Scope) -> QuerySet[Region]:
    """Cities the reader sees whole (a city's officer or viewer, and above)."""
    return scope.regions().filter(level=Level.CITY).order_by("code")


def area_get(*, scope: Scope, code: str) -> Region:
    """A county or a city in scope (the evaluation and filing reports exist
    for both, one row per county for a city), else Http404."""
    region = scope.region_or_404(code)
    if region.level not in (Level.COUNTY, Level.CITY):
        raise Http404("区划不存在或无权访问")
    return region


def township_get(*, scope: Scope, code: str) -> Region:
    return scope.township_or_404(code)


def snapshot_dates(*, scope: Scope, county: Region) -> list[dt.date]:
    """Dates of the snapshots under ``county`` (a county or a city)."""
    qs: QuerySet[Snapshot] = scope.filter(
        Snapshot.objects.filter(**{f"region__{county.level_field}": county.code})
    )
    return sorted(set(qs.values_list("taken_on", flat=True)), reverse=True)


def snapshots_on(*, scope: Scope, county: Region, on: dt.date) -> QuerySet[Snapshot]:
    qs: QuerySet[Snapshot] = scope.filter(
        # Township rows only: the county's own row holds its county-wide findings.
        Snapshot.objects.filter(
            **{f"region__{county.level_field}": county.code}, region__level=Level.TOWNSHIP, taken_on=on
        ).select_related("region")
    )
    return qs.order_by("region__code")


def main_duties_of(*, scope: Scope, township: Region, institution: Any = None) -> QuerySet[MainDuty]:
    """The 主要职责 of one part of ``township`` (its own: ``institution`` None)."""
    qs: QuerySet[MainDuty] = scope.filter(MainDuty.objects.filter(township=township), "township")
    return qs.filter(institution=institution).order_by("position", "id")


def institution_get(*, scope: Scope, pk: int) -> Any:
    """A township institution in scope, else Http404."""
    from bianzhi.institutions.models import Institution

    institution = scope.filter(Institution.objects.select_related("region"), "region").filter(pk=pk).first()
    if institution is None:
        raise Http404("机构不存在或无权访问")
    return institution


def main_duty_history(*, scope: Scope, township: Region) -> QuerySet[Any]:
    """The 变更记录 of the township's 主要职责 (imports and edits, every part)."""
    from bianzhi.audit.selectors import audit_record_list

    return audit_record_list(scope=scope, object_type="reports.mainduty", object_id=str(township.pk))


def townships_of(*, scope: Scope, county: Region) -> QuerySet[Region]:
    return scope.regions().filter(
        **{county.level_field: county.code}, level=Level.TOWNSHIP
    ).order_by("code")
