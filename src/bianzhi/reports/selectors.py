"""Reads of the reports app, scoped to the reader."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from bianzhi.accounts.scope import Scope
from bianzhi.regions.models import Level, Region
from bianzhi.reports.models import Snapshot


def county_list(*, scope: Scope) -> QuerySet[Region]:
    return scope.regions().filter(level=Level.COUNTY).order_by("code")


def county_get(*, scope: Scope, code: str) -> Region:
    return scope.county_or_404(code)


def township_get(*, scope: Scope, code: str) -> Region:
    return scope.township_or_404(code)


def snapshot_dates(*, scope: Scope, county: Region) -> list[dt.date]:
    qs: QuerySet[Snapshot] = scope.filter(Snapshot.objects.filter(region__county_code=county.code))
    return sorted(set(qs.values_list("taken_on", flat=True)), reverse=True)


def snapshots_on(*, scope: Scope, county: Region, on: dt.date) -> QuerySet[Snapshot]:
    qs: QuerySet[Snapshot] = scope.filter(
        # Township rows only: the county's own row holds its county-wide findings.
        Snapshot.objects.filter(
            region__county_code=county.code, region__level=Level.TOWNSHIP, taken_on=on
        ).select_related("region")
    )
    return qs.order_by("region__code")


def townships_of(*, scope: Scope, county: Region) -> QuerySet[Region]:
    return scope.regions().filter(county_code=county.code, level=Level.TOWNSHIP).order_by("code")
