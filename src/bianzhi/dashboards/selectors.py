"""Dashboard figures for a province, city, county (or township), grouped by
the region's children. Every figure comes from a GROUP BY in the database:
one conditional-aggregate query over the roster, one over approved quotas,
one over the institution ledger, one over the stored findings. No Python
loop touches individual persons.

Each figure carries the URL of the list it summarises (drill-down).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse

from bianzhi.accounts.scope import Scope
from bianzhi.core.rules import RULES, Severity
from bianzhi.institutions.models import (
    LEADERSHIP_ITEMS,
    InstitutionLedgerEntry,
    LedgerItem,
    QuotaType,
)
from bianzhi.kernel import clock
from bianzhi.regions.models import Level, Region
from bianzhi.roster.models import Person, PostCategory, Status
from bianzhi.rules.selectors import finding_rule_counts

# The Region column that names a child of a region of this level.
CHILD_FIELD: dict[str, str] = {
    Level.PROVINCE: "city_code",
    Level.CITY: "county_code",
    Level.COUNTY: "code",
    Level.TOWNSHIP: "code",
}
QUOTA_TYPES = [str(v) for v in QuotaType.values]


@dataclass
class Row:
    code: str
    name: str
    approved: dict[str, int] = field(default_factory=dict)
    actual: dict[str, int] = field(default_factory=dict)
    seconded: int = 0
    enforcement: int = 0
    certified: int = 0
    leaders_used: int = 0
    leaders_approved: int = 0


def _roster_url(**params: str) -> str:
    return f"{reverse('roster:list')}?{urlencode(params)}"


def dashboard_data(*, scope: Scope, region: Region, today: date | None = None) -> dict[str, Any]:
    """The figures of `region`'s dashboard as JSON-ready data (the region is
    already checked to be in scope; everything below is scoped by region)."""
    today = today or clock.today()
    child = CHILD_FIELD[region.level]
    under = {f"{region.level_field}": region.code}
    if region.level == Level.TOWNSHIP:
        children = [region]
    else:
        below: dict[str, str] = {Level.PROVINCE: Level.CITY, Level.CITY: Level.COUNTY, Level.COUNTY: Level.TOWNSHIP}
        children = list(Region.objects.filter(level=below[region.level], **under).order_by("code"))
    rows = {r.code: Row(r.code, r.name) for r in children}

    # 1. The roster, one conditional aggregate per child.
    holds = ~Q(status=Status.BORROWED_IN)
    working = Q(status__in=[Status.ON_POST, Status.BORROWED_IN])
    aggregates: dict[str, Any] = {
        f"q{i}": Count("id", filter=holds & Q(quota_type=t)) for i, t in enumerate(QUOTA_TYPES)
    }
    aggregates.update(
        seconded=Count("id", filter=Q(status=Status.SECONDED_OUT)),
        enforcement=Count("id", filter=working & Q(is_enforcement_staff=True)),
        certified=Count("id", filter=working & Q(is_enforcement_staff=True, certificate_expiry__gte=today)),
        leaders=Count("id", filter=holds & Q(post_category=PostCategory.LEADER)),
    )
    persons = (
        Person.objects.filter(exited_on__isnull=True, **{f"region__{k}": v for k, v in under.items()})
        .values(f"region__{child}")
        .annotate(**aggregates)
    )
    for values in persons:
        row = rows.get(values[f"region__{child}"])
        if row is None:
            continue
        row.actual = {t: values[f"q{i}"] for i, t in enumerate(QUOTA_TYPES)}
        row.seconded = values["seconded"]
        row.enforcement = values["enforcement"]
        row.certified = values["certified"]
        row.leaders_used = values["leaders"]

    # 2. Approved quotas (the approved plan) and the institution ledger.
    from bianzhi.townships.models import ApprovedQuota

    for code, quota_type, total in (
        ApprovedQuota.objects.filter(**{f"township__{k}": v for k, v in under.items()})
        .values(f"township__{child}", "quota_type").annotate(total=Sum("count"))
        .values_list(f"township__{child}", "quota_type", "total")
    ):
        if code in rows:
            rows[code].approved[quota_type] = int(total or 0)
    for code, item, total in (
        InstitutionLedgerEntry.objects.filter(**{f"region__{k}": v for k, v in under.items()},
                                   item__in=[*LEADERSHIP_ITEMS, LedgerItem.WORKER])
        .values(f"region__{child}", "item").annotate(total=Sum("delta"))
        .values_list(f"region__{child}", "item", "total")
    ):
        if code not in rows:
            continue
        if item == LedgerItem.WORKER:
            rows[code].approved.setdefault(LedgerItem.WORKER, int(total or 0))
        else:
            rows[code].leaders_approved += int(total or 0)

    # 3. Findings by rule and severity.
    counts = finding_rule_counts(scope=scope, region=region)
    findings_url = reverse("policy_rules:findings")
    findings: list[dict[str, Any]] = [
        {
            "rule": rule.id,
            "title": rule.title,
            "block": counts.get((rule.id, Severity.BLOCK.value), 0),
            "warning": counts.get((rule.id, Severity.WARNING.value), 0),
            "url_block": f"{findings_url}?{urlencode({'region': region.code, 'rule': rule.id, 'severity': 'block'})}",
            "url_warning": f"{findings_url}?{urlencode({'region': region.code, 'rule': rule.id, 'severity': 'warning'})}",
        }
        for rule in RULES
    ]

    types = [t for t in QUOTA_TYPES if any(r.approved.get(t) or r.actual.get(t) for r in rows.values())]
    table: list[dict[str, Any]] = []
    for r in rows.values():
        approved_main = sum(r.approved.get(t, 0) for t in QUOTA_TYPES[:2])
        actual_main = sum(r.actual.get(t, 0) for t in QUOTA_TYPES[:2])
        approved_total = sum(r.approved.values())
        table.append({
            "code": r.code,
            "name": r.name,
            "dashboard": reverse("dashboards:region", args=[r.code]) if r.code != region.code else "",
            "approved": {t: r.approved.get(t, 0) for t in types},
            "actual": {t: r.actual.get(t, 0) for t in types},
            "vacancy": {t: r.approved.get(t, 0) - r.actual.get(t, 0) for t in types},
            "usage": round(100 * actual_main / approved_main, 1) if approved_main else None,
            "seconded": r.seconded,
            "seconded_share": round(100 * r.seconded / approved_total, 1) if approved_total else None,
            "enforcement": r.enforcement,
            "certified": r.certified,
            "certification_rate": round(100 * r.certified / r.enforcement, 1) if r.enforcement else None,
            "leaders_used": r.leaders_used,
            "leaders_approved": r.leaders_approved,
            "urls": {
                **{f"actual:{t}": _roster_url(region=r.code, quota_type=t, headcount="1") for t in types},
                "staff": _roster_url(region=r.code, headcount="1"),
                "seconded": _roster_url(region=r.code, status=Status.SECONDED_OUT),
                "enforcement": _roster_url(region=r.code, enforcement="1"),
                "certified": _roster_url(region=r.code, enforcement="certified"),
                "leaders": _roster_url(region=r.code, post_category=PostCategory.LEADER, headcount="1"),
                "institutions": (
                    reverse("institutions:township", args=[r.code]) if len(r.code) == 9
                    else reverse("institutions:county", args=[r.code]) if len(r.code) == 6 else ""
                ),
            },
        })
    totals = {
        "approved": sum(sum(t["approved"].values()) for t in table),
        "actual": sum(sum(t["actual"].values()) for t in table),
        "seconded": sum(t["seconded"] for t in table),
        "enforcement": sum(t["enforcement"] for t in table),
        "certified": sum(t["certified"] for t in table),
        "leaders_used": sum(t["leaders_used"] for t in table),
        "leaders_approved": sum(t["leaders_approved"] for t in table),
        "block": sum(f["block"] for f in findings),
        "warning": sum(f["warning"] for f in findings),
    }
    return {"region": {"code": region.code, "name": region.name, "level": region.level},
            "types": types, "rows": table, "findings": findings, "totals": totals,
            "staff_url": _roster_url(region=region.code, headcount="1")}
