"""Reads of institutions and the quota ledger, always through a scope.

"As of" a date: an institution exists on `d` when it was set up on or before
`d` and not abolished on or before `d`; its name is the name of its latest
设立/更名 event on or before `d`; a ledger balance is the sum of the entries
effective on or before `d`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.institutions.models import (
    QUOTA_ITEMS,
    EventKind,
    Institution,
    InstitutionEvent,
    InstitutionLedgerEntry,
    LedgerItem,
    Nameplate,
)
from bianzhi.regions.models import Level, Region


def institution_list(
    *, scope: Scope, region: Region | None = None, as_of: date | None = None
) -> QuerySet[Institution]:
    """Institutions in scope under `region` (any level), existing on `as_of`
    (default: existing now, i.e. not abolished)."""
    qs = scope.filter(Institution.objects.all()).select_related("region")
    if region is not None:
        qs = qs.filter(**{f"region__{region.level_field}": region.code})
    if as_of is None:
        qs = qs.filter(abolished_on__isnull=True)
    else:
        qs = qs.filter(established_on__lte=as_of).filter(
            Q(abolished_on__isnull=True) | Q(abolished_on__gt=as_of)
        )
    return qs.order_by("region__code", "kind", "id")


def institution_get(*, scope: Scope, pk: int) -> Institution:
    """The institution if in scope, else Http404 (no leak of its existence)."""
    institution: Institution | None = (
        scope.filter(Institution.objects.all()).select_related("region").filter(pk=pk).first()
    )
    if institution is None:
        raise Http404("机构不存在或无权访问")
    return institution


def names_as_of(*, institutions: list[Institution], as_of: date) -> dict[int, str]:
    """Each institution's name on `as_of` (one query)."""
    names: dict[int, str] = {}
    events = InstitutionEvent.objects.filter(
        institution__in=institutions,
        kind__in=[EventKind.ESTABLISH, EventKind.RENAME],
        effective_on__lte=as_of,
    ).order_by("effective_on", "id")
    for institution_id, name in events.values_list("institution_id", "name"):
        names[institution_id] = name  # later events overwrite earlier ones
    return names


def nameplates_of(*, institutions: list[Institution], as_of: date | None = None) -> dict[int, list[str]]:
    qs = Nameplate.objects.filter(institution__in=institutions)
    if as_of is None:
        qs = qs.filter(removed_on__isnull=True)
    else:
        qs = qs.filter(added_on__lte=as_of).filter(
            Q(removed_on__isnull=True) | Q(removed_on__gt=as_of)
        )
    result: dict[int, list[str]] = defaultdict(list)
    for institution_id, name in qs.order_by("id").values_list("institution_id", "name"):
        result[institution_id].append(name)
    return result


def ledger_balances(
    *, institution_ids: list[int] | None = None, region: Region | None = None, as_of: date | None = None
) -> dict[int, dict[str, int]]:
    """institution id -> {ledger item: balance} on `as_of` (default: all
    entries). One GROUP BY query. Callers pass ids or a region they have
    already scoped."""
    qs = InstitutionLedgerEntry.objects.all()
    if institution_ids is not None:
        qs = qs.filter(institution_id__in=institution_ids)
    if region is not None:
        qs = qs.filter(**{f"region__{region.level_field}": region.code})
    if as_of is not None:
        qs = qs.filter(effective_on__lte=as_of)
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for institution_id, item, total in (
        qs.values("institution_id", "item").annotate(total=Sum("delta")).values_list(
            "institution_id", "item", "total"
        )
    ):
        result[institution_id][item] = int(total or 0)
    return result


def ledger_entries(*, scope: Scope, institution: Institution) -> QuerySet[InstitutionLedgerEntry]:
    return scope.filter(InstitutionLedgerEntry.objects.filter(institution=institution)).select_related(
        "created_by"
    ).order_by("-effective_on", "-id")


@dataclass
class LedgerComparison:
    """One township: ledger totals per quota type against the approved
    quotas (核定编制), and its institutions by kind."""

    region: Region
    ledger: dict[str, int] = field(default_factory=dict)
    approved: dict[str, int | None] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # institution kind -> number

    def difference(self, quota_type: str) -> int | None:
        approved = self.approved.get(quota_type)
        if approved is None:
            return None
        return self.ledger.get(quota_type, 0) - approved

    @property
    def differs(self) -> bool:
        return any(self.difference(t) for t in self.approved)


def ledger_comparison(*, scope: Scope, county: Region, as_of: date | None = None) -> list[LedgerComparison]:
    """Per township of the county (in scope): the ledger totals of each quota
    type over the institutions existing on `as_of` (what the township's own
    page adds up), the number of those institutions by kind, and the approved
    quota (核定编制) on the same date replayed from the quota ledger (today's
    when `as_of` is None); a non-zero difference is flagged on the page."""
    from bianzhi.townships.selectors import township_quotas_on

    townships = list(
        scope.regions().filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code")
    )
    rows = {t.pk: LedgerComparison(region=t) for t in townships}
    institutions = list(
        institution_list(scope=scope, region=county, as_of=as_of).values_list("pk", "region_id", "kind")
    )
    balances = ledger_balances(region=county, as_of=as_of)  # one GROUP BY for the county
    for pk, region_id, kind in institutions:
        row = rows.get(region_id)
        if row is None:
            continue
        row.counts[kind] = row.counts.get(kind, 0) + 1
        for item, balance in balances.get(pk, {}).items():
            if item in QUOTA_ITEMS:
                row.ledger[item] = row.ledger.get(item, 0) + balance
    approved = township_quotas_on(county=county, on=as_of)
    for township_id, row in rows.items():
        row.approved.update(approved.get(township_id, {}))
    return list(rows.values())


QUOTA_LABELS = {item: LedgerItem(item).label for item in QUOTA_ITEMS}


def unified_offices_limit_problems(*, township: Region, missing: list[str]) -> list[str]:
    """What setting up the `missing` unified offices (001 §(二)1) would break
    under the county's own `institution-limits` settings, said before anyone
    presses the button (the write itself would be refused by the rule
    guard): one Chinese sentence per kind over its limit, with the source."""
    from bianzhi.core.rules import InstitutionKind, class_002_of, rule_in_force
    from bianzhi.kernel.hooks import rule_guard

    guard = rule_guard()
    rule = rule_in_force("institution-limits", guard.settings([township.county_code])[township.county_code])
    snapshot = guard.county_facts(township)
    state = next((t for t in snapshot.townships if t.code == township.code), None)
    if rule is None or state is None or not rule.applies_to(state.township_class):
        return []
    as_class = class_002_of(state.township_class, rule)
    if as_class is None:
        return []
    n = ("一类", "二类", "三类").index(as_class) + 1
    from bianzhi.institutions.models import UNIFIED_OFFICES

    kinds = dict(UNIFIED_OFFICES)
    problems = []
    for label, kind, parameter in (
        ("党政综合办事机构", InstitutionKind.OFFICE, f"class{n}_max_offices"),
        ("直属事业单位", InstitutionKind.PUBLIC_INSTITUTION, f"class{n}_max_public_institutions"),
    ):
        now = sum(1 for i in snapshot.institutions if i.township_code == township.code and i.kind == kind)
        after = now + sum(1 for name in missing if kinds.get(name) == kind.value)
        limit = rule.int_param(parameter)
        if after > limit:
            counted = as_class if as_class == state.township_class else f"{state.township_class}按{as_class}乡镇计"
            problems.append(
                f"设立后{label}{after}个，超过本县机构限额{limit}个（{counted}），设立会被拒绝；"
                f"请先撤并机构或调整本县的机构限额设置（依据：{rule.source}）"
            )
    return problems
