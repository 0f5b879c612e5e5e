"""Reads of townships, indicators and approved quotas, always through a scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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
    ControlNumber,
    CountyReserve,
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
        qs = qs.filter(township__county_code=county.code)  # the county's reserve pool too
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


# --- county totals: reserve pool and control numbers ---------------------------


@dataclass(frozen=True)
class CountyQuotaTotal:
    """One quota type of a county on a day: the townships' approved quotas,
    the reserve pool (机动编制) and the control number in force (上级下达的
    控制数, None when none is recorded). `within` is None without a control
    number, else whether the total (townships + reserve) stays within it."""

    quota_type: str
    townships: int
    reserve: int
    control: ControlNumber | None

    @property
    def total(self) -> int:
        return self.townships + self.reserve

    @property
    def within(self) -> bool | None:
        return None if self.control is None else self.total <= self.control.count

    @property
    def excess(self) -> int:
        return 0 if self.control is None else max(0, self.total - self.control.count)


def _quotas_on(*, county: Region, on: dt.date) -> tuple[dict[tuple[int, str], int], dict[int, bool]]:
    """Every approved quota of the county's townships and its reserve pool as
    it stood at the end of day `on`, replayed from the ledger: each quota
    takes the value after its last entry dated on or before `on`, the value
    before its first entry when all its entries are later, its current value
    when it has no entry. Returns ({(region id, quota type): count},
    {region id: is the county (reserve pool)}). Three queries."""
    current: dict[tuple[int, str], int] = {}
    level_of: dict[int, bool] = {}  # region id -> is the county (reserve pool)
    for region_id, quota_type, count in ApprovedQuota.objects.filter(
        township__county_code=county.code, township__level=Level.TOWNSHIP
    ).values_list("township_id", "quota_type", "count"):
        current[(region_id, quota_type)] = count
        level_of[region_id] = False
    for quota_type, count in CountyReserve.objects.filter(county=county).values_list("quota_type", "count"):
        current[(county.pk, quota_type)] = count
    level_of[county.pk] = True
    value: dict[tuple[int, str], int] = {}
    later: dict[tuple[int, str], int] = {}
    for region_id, level, quota_type, before, after, when in (
        QuotaLedgerEntry.objects.filter(township__county_code=county.code)
        .order_by("date", "id")
        .values_list("township_id", "township__level", "quota_type", "before", "after", "date")
    ):
        key = (region_id, quota_type)
        level_of[region_id] = level == Level.COUNTY
        if when <= on:
            value[key] = after
        elif key not in value and key not in later:
            later[key] = before or 0
    counts = {
        key: value.get(key, later.get(key, current.get(key, 0)))
        for key in set(current) | set(value) | set(later)
    }
    return counts, level_of


def county_totals_on(*, county: Region, on: dt.date) -> dict[str, tuple[int, int]]:
    """(townships' approved total, reserve pool) per quota type as they stood
    at the end of day `on` (see `_quotas_on`). Three queries."""
    counts, level_of = _quotas_on(county=county, on=on)
    totals: dict[str, list[int]] = {qt: [0, 0] for qt in QuotaType.values}
    for (region_id, quota_type), count in counts.items():
        totals.setdefault(quota_type, [0, 0])[1 if level_of.get(region_id) else 0] += count
    return {qt: (t[0], t[1]) for qt, t in totals.items()}


def township_quotas_on(*, county: Region, on: dt.date | None = None) -> dict[int, dict[str, int]]:
    """township region id -> {quota type: approved quota (核定编制)} at the end
    of day `on` (default: today's values), the same replay of the ledger as
    the county totals, so a past date never pairs today's 核定 with past
    ledger sums. Only quotas that existed (had a value or an entry)."""
    if on is None:
        result: dict[int, dict[str, int]] = defaultdict(dict)
        for region_id, quota_type, count in ApprovedQuota.objects.filter(
            township__county_code=county.code, township__level=Level.TOWNSHIP
        ).values_list("township_id", "quota_type", "count"):
            result[region_id][quota_type] = count
        return dict(result)
    counts, level_of = _quotas_on(county=county, on=on)
    result = defaultdict(dict)
    for (region_id, quota_type), count in counts.items():
        if not level_of.get(region_id):
            result[region_id][quota_type] = count
    return dict(result)


def control_numbers_in_force(*, county: Region, on: dt.date) -> dict[str, ControlNumber]:
    """The control number of each quota type in force on `on`: the latest
    recorded one dated on or before it."""
    result: dict[str, ControlNumber] = {}
    for row in ControlNumber.objects.filter(county=county, date__lte=on).order_by("date", "id"):
        result[row.quota_type] = row
    return result


def control_number_check(*, scope: Scope, county_code: str, on: dt.date) -> list[CountyQuotaTotal]:
    """Does the county stay within its control numbers on `on`? One row per
    quota type (行政编制, 事业编制, then any other type with a figure): the
    approved total that day (townships + reserve, from the ledger) against
    the control number in force that day. What a document may state as
    "未突破上级下达的控制数" only when every row's `within` is True.
    Http404 when the county is out of scope."""
    county = scope.county_or_404(county_code)
    totals = county_totals_on(county=county, on=on)
    controls = control_numbers_in_force(county=county, on=on)
    types = list(QuotaType.values) + sorted((set(totals) | set(controls)) - set(QuotaType.values))
    return [
        CountyQuotaTotal(
            quota_type=qt,
            townships=totals.get(qt, (0, 0))[0],
            reserve=totals.get(qt, (0, 0))[1],
            control=controls.get(qt),
        )
        for qt in types
    ]


def control_number_history(*, scope: Scope, county: Region) -> QuerySet[ControlNumber]:
    """Every control number recorded for the county, newest first."""
    if not scope.can_view(county):
        raise Http404("区划不存在或无权访问")
    return ControlNumber.objects.filter(county=county).select_related("created_by").order_by("-date", "-id")
