"""Reads of townships, indicators and approved quotas, always through a scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.regions.models import Level, Region
from bianzhi.townships.models import (
    MAIN_INDICATOR_UNITS,
    SCHEME_CLASSES,
    ApprovedQuota,
    ClassScheme,
    CountySettings,
    IndicatorDefinition,
    IndicatorValue,
    QuotaLedgerEntry,
    QuotaType,
    Township,
)


@dataclass(frozen=True)
class Indicator:
    """One indicator of a county: a main one (人口/面积/经济) or an X indicator."""

    name: str
    unit: str
    is_main: bool


@dataclass
class TownshipRow:
    """A township with its class, approved quotas and (optionally) one year's indicators."""

    region: Region
    township_class: str
    class_is_default: bool
    quotas: dict[str, int | None] = field(default_factory=dict)
    indicators: dict[str, Decimal] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)

    @property
    def code(self) -> str:
        return self.region.code

    @property
    def name(self) -> str:
        return self.region.name


def county_get(*, scope: Scope, code: str) -> Region:
    """The county with ``code`` if in scope, else Http404."""
    return scope.county_or_404(code)


def township_get(*, scope: Scope, code: str) -> Region:
    """The township with ``code`` if in scope, else Http404."""
    return scope.township_or_404(code)


def county_list(*, scope: Scope) -> QuerySet[Region]:
    """Counties the user may view (a township user's own county is not one of them)."""
    return scope.regions().filter(level=Level.COUNTY).order_by("code")


def county_scheme(*, county: Region) -> str:
    settings = CountySettings.objects.filter(county=county).first()
    return settings.class_scheme if settings else ClassScheme.FIVE_CLASSES


def county_classes(*, county: Region) -> tuple[str, ...]:
    """The class names of the county's scheme, in display order."""
    return SCHEME_CLASSES[county_scheme(county=county)]


def county_indicators(*, county: Region) -> list[Indicator]:
    """The three main indicators, then the county's X indicators in creation order."""
    main = [Indicator(name, unit, True) for name, unit in MAIN_INDICATOR_UNITS.items()]
    extra = [
        Indicator(d.name, d.unit, False)
        for d in IndicatorDefinition.objects.filter(county=county).order_by("id")
    ]
    return main + extra


def indicator_definitions(*, county: Region) -> QuerySet[IndicatorDefinition]:
    return IndicatorDefinition.objects.filter(county=county).order_by("id")


def township_regions(*, scope: Scope, county: Region) -> QuerySet[Region]:
    """The county's townships the user may view, by code."""
    return scope.regions().filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code")


def township_rows(*, scope: Scope, county: Region, year: int | None = None) -> list[TownshipRow]:
    """The county's townships (in scope) with class, approved quotas and, when
    ``year`` is given, that year's indicator values. Four queries whatever the size."""
    regions = list(township_regions(scope=scope, county=county))
    classes = county_classes(county=county)
    default_class = classes[-1]
    assigned = dict(
        Township.objects.filter(region__in=regions).values_list("region_id", "township_class")
    )
    rows = {
        r.pk: TownshipRow(
            region=r,
            township_class=assigned.get(r.pk, default_class),
            class_is_default=r.pk not in assigned,
            quotas={qt: None for qt in QuotaType.values},
        )
        for r in regions
    }
    for township_id, quota_type, count in ApprovedQuota.objects.filter(
        township__in=regions
    ).values_list("township_id", "quota_type", "count"):
        rows[township_id].quotas[quota_type] = count
    if year is not None:
        for township_id, indicator, value, source in IndicatorValue.objects.filter(
            township__in=regions, year=year
        ).values_list("township_id", "indicator", "value", "source"):
            rows[township_id].indicators[indicator] = value
            if source:
                rows[township_id].sources.add(source)
    return list(rows.values())


def township_row(*, scope: Scope, township: Region, year: int | None = None) -> TownshipRow:
    county = Region.objects.get(code=township.county_code)
    for row in township_rows(scope=scope, county=county, year=year):
        if row.region.pk == township.pk:
            return row
    raise Http404("乡镇不存在或无权访问")


def indicator_years(*, scope: Scope, county: Region) -> list[int]:
    """Years with indicator values in the county, newest first."""
    return list(
        scope.filter(IndicatorValue.objects.all(), "township")
        .filter(township__county_code=county.code)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def indicator_values(*, scope: Scope, township: Region, year: int | None = None) -> QuerySet[IndicatorValue]:
    qs = scope.filter(IndicatorValue.objects.filter(township=township), "township")
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "id")


def quota_ledger(
    *, scope: Scope, township: Region | None = None, county: Region | None = None
) -> QuerySet[QuotaLedgerEntry]:
    """台账 entries in scope, newest first, for one township or a whole county."""
    qs = scope.filter(QuotaLedgerEntry.objects.all(), "township").select_related(
        "township", "plan", "created_by"
    )
    if township is not None:
        qs = qs.filter(township=township)
    if county is not None:
        qs = qs.filter(township__county_code=county.code)
    return qs.order_by("-date", "-id")


def township_count(*, scope: Scope) -> int:
    """Townships (乡镇、街道) the user may view: one query."""
    return scope.regions().filter(level=Level.TOWNSHIP).count()


def approved_quota_totals(*, scope: Scope) -> dict[str, int]:
    """Approved quotas summed per quota type over the townships in scope: one GROUP BY."""
    rows = (
        scope.filter(ApprovedQuota.objects.all(), "township")
        .values("quota_type")
        .annotate(total=models.Sum("count"))
        .values_list("quota_type", "total")
    )
    return {quota_type: int(total or 0) for quota_type, total in rows}
