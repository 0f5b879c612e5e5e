"""Filling ``SandingData`` from the apps that own the facts.

* township class: ``bianzhi.townships`` (Township.township_class);
* approved quotas: ``bianzhi.townships`` (ApprovedQuota);
* institutions, their quotas (ledger balances on the date), nameplates and
  post counts: ``bianzhi.institutions``;
* main duties: ``bianzhi.duties.selectors.duty_list`` (the township's
  powers-and-duties list on the date), territorial matters of the county
  split by the township's role (主体责任 / 配合责任);
* 派驻机构 (kind dispatched-agency) are named apart, not as the township's own;
* enforcement staff and certificates on the date: ``bianzhi.roster``; the
  minimum from the rule enforcement-staff in force; the unified offices
  (``bianzhi.institutions.models.UNIFIED_OFFICES``) the township lacks;
* 文号 and date: the township's latest quota approval on or before the date
  (``bianzhi.townships`` QuotaLedgerEntry); none = a draft.

``sanding_load_county`` loads every township of a county with a fixed number
of queries (not per township), for the batch.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from bianzhi.core.sanding import (
    AFFILIATED_INSTITUTION,
    PARTY_GOVERNMENT_OFFICE,
    SandingData,
    SandingInstitution,
    SandingLeadershipPost,
)
from bianzhi.regions.models import Level, Region

KIND_LABELS = {"office": PARTY_GOVERNMENT_OFFICE, "public-institution": AFFILIATED_INSTITUTION}
# Duties shown one by one in 一、主要职责; a longer list is summarised by source.
MAX_LISTED_DUTIES = 40


def issuer_of(county: Region) -> str:
    return f"中共{county.name}委机构编制委员会"


def _duties(
    township: Region, on: dt.date
) -> tuple[tuple[str, ...], int, tuple[tuple[str, int], ...]]:
    from bianzhi.duties.selectors.duty_list import duty_list

    entries = duty_list(township=township, today=on)
    counts: dict[str, int] = defaultdict(int)
    for e in entries:
        counts[e.source] += 1
    sources = tuple(counts.items())
    if len(entries) <= MAX_LISTED_DUTIES:
        return tuple(f"{e.name}（{e.source}）" for e in entries), len(entries), sources
    by_source: dict[str, list[str]] = defaultdict(list)
    for e in entries:
        by_source[e.source].append(e.name)
    summary = tuple(
        f"依法承担{source}{len(names)}项，主要包括{'、'.join(names[:8])}等。"
        for source, names in by_source.items()
    )
    return summary, len(entries), sources


def sanding_load_county(
    *, county: Region, on: dt.date, only: Region | None = None
) -> list[SandingData]:
    """The 三定方案 data of every township of ``county`` (or only ``only``) on ``on``, by code."""
    from bianzhi.core.rules.checks import rule_in_force
    from bianzhi.duties.models import TerritorialMatter
    from bianzhi.institutions.models import UNIFIED_OFFICES, Institution, Kind, LedgerItem
    from bianzhi.institutions.selectors import ledger_balances, nameplates_of
    from bianzhi.reports.models import MainDuty
    from bianzhi.roster.models import Person, Status
    from bianzhi.rules.facts import settings_for
    from bianzhi.townships.models import ApprovedQuota, QuotaLedgerEntry, Township

    townships = list(
        Region.objects.filter(county_code=county.code, level=Level.TOWNSHIP).order_by("code")
        if only is None
        else [only]
    )
    classes = dict(
        Township.objects.filter(region__in=townships).values_list("region_id", "township_class")
    )
    approved: dict[int, dict[str, int]] = defaultdict(dict)
    for region_id, quota_type, count in ApprovedQuota.objects.filter(
        township__in=townships
    ).values_list("township_id", "quota_type", "count"):
        approved[region_id][quota_type] = count
    institutions = list(
        Institution.objects.filter(region__in=townships, established_on__lte=on)
        .filter(Q(abolished_on__isnull=True) | Q(abolished_on__gt=on))
        .order_by("kind", "id")
    )
    balances = ledger_balances(institution_ids=[i.pk for i in institutions], as_of=on)
    plates = nameplates_of(institutions=institutions, as_of=on)
    functional: dict[int, list[tuple[str, str]]] = defaultdict(list)
    of_institution: dict[int, list[str]] = defaultdict(list)
    for township_id, institution_id, area, text in MainDuty.objects.filter(
        township__in=townships
    ).values_list("township_id", "institution_id", "area", "text"):
        if institution_id is None:
            functional[township_id].append((area, text))
        else:
            of_institution[institution_id].append(f"{area}：{text}")
    by_township: dict[int, list[SandingInstitution]] = defaultdict(list)
    dispatched: dict[int, list[str]] = defaultdict(list)
    names: dict[int, set[str]] = defaultdict(set)
    leaders: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for inst in institutions:
        names[inst.region_id].add(inst.name)
        if inst.kind == Kind.DISPATCHED_AGENCY:
            dispatched[inst.region_id].append(inst.name)
            continue
        b = balances.get(inst.pk, {})
        by_township[inst.region_id].append(
            SandingInstitution(
                name=inst.name,
                kind=KIND_LABELS.get(inst.kind, inst.get_kind_display()),
                admin_quota=b.get(LedgerItem.ADMIN, 0),
                institution_quota=b.get(LedgerItem.INSTITUTION, 0),
                nameplates=tuple(plates.get(inst.pk, [])),
                duties="；".join(d.rstrip("。；") for d in of_institution.get(inst.pk, [])),
                leadership_posts=b.get(LedgerItem.MIDDLE, 0),
            )
        )
        for item in (LedgerItem.LEADER_CHIEF, LedgerItem.LEADER_DEPUTY):
            leaders[inst.region_id][item] += b.get(item, 0)
    roles = dict(
        TerritorialMatter.objects.filter(county=county, active=True)
        .values_list("township_role")
        .annotate(n=Count("id"))
        .values_list("township_role", "n")
    )
    matters = sum(roles.values())
    on_roster = (
        Person.objects.filter(region__in=townships, is_enforcement_staff=True)
        .exclude(status__in=[Status.BORROWED_IN])
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gt=on))
        .filter(Q(entry_date__isnull=True) | Q(entry_date__lte=on))
    )
    enforcement = dict(
        on_roster.values_list("region_id").annotate(n=Count("id")).values_list("region_id", "n")
    )
    certified = dict(
        on_roster.filter(certificate_expiry__gte=on)
        .exclude(certificate_number="")
        .values_list("region_id")
        .annotate(n=Count("id"))
        .values_list("region_id", "n")
    )
    rule = rule_in_force("enforcement-staff", settings_for(county.code))
    minimum = int(rule.parameters["min_staff"]) if rule else None
    approvals: dict[int, tuple[str, dt.date]] = {}
    for township_id, number, date in (
        QuotaLedgerEntry.objects.filter(township__in=townships, date__lte=on)
        .order_by("date", "id")
        .values_list("township_id", "document_number", "date")
    ):
        approvals[township_id] = (number, date)  # the latest wins
    result = []
    for township in townships:
        duties, size, sources = _duties(township, on)
        posts = tuple(
            SandingLeadershipPost(label, leaders[township.pk][item])
            for item, label in (
                (LedgerItem.LEADER_CHIEF, "科级正职"),
                (LedgerItem.LEADER_DEPUTY, "科级副职"),
            )
            if leaders[township.pk][item]
        )
        quotas = approved.get(township.pk)
        number, approved_on = approvals.get(township.pk, ("", None))
        result.append(
            SandingData(
                township_code=township.code,
                township_name=township.name,
                county_name=county.name,
                issuer=issuer_of(county),
                date=on,
                township_class=classes.get(township.pk, ""),
                duties=duties,
                institutions=tuple(by_township.get(township.pk, [])),
                leadership_posts=posts,
                duty_list_size=size or None,
                territorial_list_size=matters or None,
                approved_admin_quota=quotas.get("行政编制", 0) if quotas else None,
                approved_institution_quota=quotas.get("事业编制", 0) if quotas else None,
                territorial_lead=roles.get("lead", 0) if matters else None,
                territorial_supporting=roles.get("supporting", 0) if matters else None,
                dispatched=tuple(dispatched.get(township.pk, [])),
                enforcement_staff=enforcement.get(township.pk, 0),
                enforcement_certified=certified.get(township.pk, 0),
                enforcement_minimum=minimum,
                missing_unified_offices=tuple(
                    name for name, _ in UNIFIED_OFFICES if name not in names[township.pk]
                ),
                document_number=number,
                approved_on=approved_on,
                functional_duties=tuple(functional.get(township.pk, [])),
                duty_sources=sources,
            )
        )
    return result


def sanding_load(*, township: Region, on: dt.date) -> SandingData:
    """The 三定方案 data of one township on ``on``."""
    county = Region.objects.get(code=township.county_code)
    return sanding_load_county(county=county, on=on, only=township)[0]
