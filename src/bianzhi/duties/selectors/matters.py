"""Reads of the territorial-matters list and its change requests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.duties.models import MatterChange, Responsibility, TerritorialMatter
from bianzhi.duties.selectors.common import _sees_county
from bianzhi.regions.models import Region


def matters(*, county: Region, active: bool = True) -> QuerySet[TerritorialMatter]:
    return TerritorialMatter.objects.filter(county=county, active=active).order_by("domain", "code")


@dataclass(frozen=True)
class DomainStats:
    domain: str
    total: int
    township_lead: int
    township_supporting: int


def matter_stats(*, county: Region) -> list[DomainStats]:
    """Items per domain and how many the township leads (003 reports 81 items
    in 6 domains, townships leading on 15)."""
    counts: dict[str, Counter[str]] = {}
    for domain, role in matters(county=county).values_list("domain", "township_role"):
        counts.setdefault(domain, Counter())[role] += 1
    return [
        DomainStats(
            domain,
            sum(c.values()),
            c[Responsibility.LEAD.value],
            c[Responsibility.SUPPORTING.value],
        )
        for domain, c in sorted(counts.items())
    ]


def matter_changes(*, scope: Scope, county: Region) -> QuerySet[MatterChange]:
    return MatterChange.objects.filter(county=county).select_related("matter")


def matter_change_get(*, scope: Scope, pk: int) -> MatterChange:
    change = MatterChange.objects.select_related("county", "matter").filter(pk=pk).first()
    if change is None or not _sees_county(scope, change.county):
        raise Http404("申请不存在或无权访问")
    return change
