"""Build the rule engine's input (bianzhi.core.rules.CountyFacts) from the
database, and a region's layered rule settings.

A fixed number of queries whatever the region's size: for a province every
county's snapshot comes out of the same queries (fourteen with the roster
tallied), split in Python.

Where the numbers come from:

* township class: bianzhi.townships (a township without a class row takes
  the last class of its county's scheme, as the townships app does);
* approved quotas: the township's approved quota (核定编制, set by the
  approved allocation plan); a quota type with no approved quota (e.g. 工勤编制)
  takes the township's institution-ledger total instead;
* previous quotas (两个不减少, per township): the value before the latest
  change in the township quota ledger;
* county figures per quota type: the reserve pool (``CountyReserve``); the
  county total as last approved (``county_previous_totals``); the control
  number in force today (``ControlNumber``, latest dated on or before today);
* leadership posts approved: the ledger total of 科级正职 + 科级副职 职数;
  used: persons on the roster with post category 领导 holding the township's
  quota; middle posts the same with 中层职数 and post category 中层;
* institutions: those not abolished, with their ledger admin/institution quotas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum

from bianzhi.core.rules import (
    EXCELLENT,
    ApprovedTotal,
    CountyFacts,
    InstitutionKind,
    InstitutionState,
    PersonState,
    PersonStatus,
    PersonTally,
    RuleSettings,
    Severity,
    TownshipState,
    layer_settings,
)
from bianzhi.enforcement.models import EnforcementTeam
from bianzhi.institutions.models import (
    LEADERSHIP_ITEMS,
    QUOTA_ITEMS,
    Institution,
    InstitutionLedgerEntry,
    LedgerItem,
)
from bianzhi.kernel import clock
from bianzhi.regions.models import Level, Region
from bianzhi.roster.models import Person, PostCategory, Status
from bianzhi.rules.models import RuleSetting


def _under(region: Region, prefix: str = "") -> dict[str, str]:
    """Filter kwargs: rows whose region (through `prefix`) lies under `region`."""
    return {f"{prefix}{region.level_field}": region.code}


def _rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values() query of ids, strings and integer totals, read
    through the cursor without the ORM's per-value converters (a province's
    GROUP BYs return thousands of rows; these columns need none)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def counties_facts(
    region: Region, *, today: date | None = None, tally: bool = False
) -> list[CountyFacts]:
    """One snapshot per county under (or equal to) `region`, in code order.
    A township region gives its county's snapshot.

    With `tally`, the persons no rule names one by one come as
    `person_tallies` (one GROUP BY instead of a row and an object per person:
    a province has 150,000); only the seconded-out and the enforcement
    leaders are listed. For the rule engine (`evaluate`) only: the checks
    that count persons one by one (core.rules.checks) need `tally=False`."""
    from bianzhi.townships.models import (
        SCHEME_CLASSES,
        ApprovedQuota,
        ClassScheme,
        ControlNumber,
        CountyReserve,
        CountySettings,
        QuotaLedgerEntry,
        Township,
    )

    if region.level == Level.TOWNSHIP:
        region = Region.objects.get(code=region.county_code)
    counties = list(
        Region.objects.filter(level=Level.COUNTY, **_under(region)).order_by("code").values_list(
            "code", "name"
        )
    )
    townships = list(
        Region.objects.filter(level=Level.TOWNSHIP, **_under(region))
        .order_by("code")
        .values_list("id", "code", "name", "county_code")
    )
    code_of = {pk: code for pk, code, _, _ in townships}

    # 1. Classes: the township's own, else the last class of the county scheme.
    schemes = dict(
        CountySettings.objects.filter(county__level=Level.COUNTY, **_under(region, "county__"))
        .values_list("county__code", "class_scheme")
    )
    classes = dict(
        Township.objects.filter(**_under(region, "region__")).values_list(
            "region_id", "township_class"
        )
    )

    # 2. Approved quotas and the previous approval.
    approved: dict[int, dict[str, int]] = defaultdict(dict)
    for township_id, quota_type, count in ApprovedQuota.objects.filter(
        **_under(region, "township__")
    ).values_list("township_id", "quota_type", "count"):
        approved[township_id][quota_type] = count
    previous: dict[int, dict[str, int]] = defaultdict(dict)
    latest = QuotaLedgerEntry.objects.filter(**_under(region, "township__")).order_by("date", "id")
    for township_id, quota_type, before in latest.values_list("township_id", "quota_type", "before"):
        if before is None:
            previous[township_id].pop(quota_type, None)
        else:
            previous[township_id][quota_type] = before

    # 2b. County figures: reserve pools, control numbers in force, the total
    # as last approved (from the ledger, which also holds the pools' changes).
    reserves: dict[str, dict[str, int]] = defaultdict(dict)
    for county_code, quota_type, count in CountyReserve.objects.filter(
        **_under(region, "county__")
    ).values_list("county__code", "quota_type", "count"):
        reserves[county_code][quota_type] = count
    controls: dict[str, dict[str, ApprovedTotal]] = defaultdict(dict)
    on = today or clock.today()
    for county_code, quota_type, count, number, when in (
        ControlNumber.objects.filter(**_under(region, "county__"), date__lte=on)
        .order_by("date", "id")
        .values_list("county__code", "quota_type", "count", "document_number", "date")
    ):
        controls[county_code][quota_type] = ApprovedTotal(count, number, when)  # latest wins

    # 3. Ledger totals per township and per institution: one GROUP BY on
    # both (an entry without an institution counts for its township only).
    ledger_township: dict[int, dict[str, int]] = defaultdict(dict)
    # (institution id, item) -> total: no dict per institution.
    ledger_institution: dict[tuple[int, str], int] = {}
    institution_items = (LedgerItem.ADMIN, LedgerItem.INSTITUTION)
    for township_id, institution_id, item, total in _rows(
        InstitutionLedgerEntry.objects.filter(**_under(region, "region__"))
        .values("region_id", "institution_id", "item")
        .annotate(total=Sum("delta"))
        .order_by()
    ):
        totals = ledger_township[township_id]
        totals[item] = totals.get(item, 0) + int(total or 0)
        if institution_id is not None and item in institution_items:
            ledger_institution[institution_id, item] = int(total or 0)

    # 4. Leaders and middle managers on the roster, per township: one GROUP BY
    # here, or (with `tally`) counted in the roster's GROUP BY below instead.
    leaders: dict[int, int] = {}
    middle: dict[int, int] = {}
    if not tally:
        for region_id, post, n in (
            Person.objects.filter(
                **_under(region, "region__"),
                exited_on__isnull=True,
                post_category__in=[PostCategory.LEADER, PostCategory.MIDDLE],
            )
            .exclude(status=Status.BORROWED_IN)
            .values("region_id", "post_category")
            .annotate(n=Count("id"))
            .values_list("region_id", "post_category", "n")
        ):
            (leaders if post == PostCategory.LEADER else middle)[region_id] = n

    # 5. The leader in charge of enforcement named per township (issue 15).
    enforcement_leaders = dict(
        EnforcementTeam.objects.filter(
            **_under(region, "township__"), leader_in_charge__isnull=False
        ).values_list("township_id", "leader_in_charge_id")
    )

    # 5b. Persons, split by county through the township code.
    persons: dict[str, list[PersonState]] = defaultdict(list)
    on_roster = Person.objects.filter(**_under(region, "region__"), exited_on__isnull=True)
    tallies: dict[str, list[PersonTally]] = defaultdict(list)
    statuses = {s.value: s for s in PersonStatus}
    if tally:
        # One GROUP BY on the township and quota type, every count a filtered
        # COUNT: SQLite then reads the roster in the order of its (region,
        # quota type) index with no sort, and the townships come as a
        # subquery rather than a join.
        named = Q(status=Status.SECONDED_OUT) | Q(id__in=list(enforcement_leaders.values()))
        township_ids = Region.objects.filter(level=Level.TOWNSHIP, **_under(region)).values("id")
        holding = ~Q(status=Status.BORROWED_IN)
        working = Q(is_enforcement_staff=True, status__in=[Status.ON_POST, Status.BORROWED_IN])
        grouped = (
            Person.objects.filter(region_id__in=township_ids, exited_on__isnull=True)
            .exclude(named)
            .values("region_id", "quota_type")
            .annotate(
                n=Count("id"),
                borrowed=Count("id", filter=~holding),
                excellent=Count("id", filter=holding & Q(assessment_grade=EXCELLENT)),
                leaders=Count("id", filter=holding & Q(post_category=PostCategory.LEADER)),
                middles=Count("id", filter=holding & Q(post_category=PostCategory.MIDDLE)),
                working=Count("id", filter=working),
                certified=Count("id", filter=working & Q(certificate_expiry__gte=on)),
            )
            .order_by()
        )
        for (region_id, quota_type, count, borrowed, excellent, leader_count, middle_count, working_count,
             certified) in _rows(grouped):
            code = code_of[region_id]
            if leader_count:
                leaders[region_id] = leaders.get(region_id, 0) + leader_count
            if middle_count:
                middle[region_id] = middle.get(region_id, 0) + middle_count
            tallies[code[:6]].append(
                PersonTally(code, quota_type, count, borrowed, excellent, working_count, certified, on)
            )
        on_roster = on_roster.filter(named)
    rows = (
        on_roster.order_by("id")
        .values_list(
            "id",
            "name",
            "region_id",
            "quota_type",
            "institution_id",
            "post_category",
            "is_enforcement_staff",
            "certificate_expiry",
            "status",
            "service_period_end",
            "secondment_start",
            "assessment_grade",
        )
    )
    # Tallied, the listed persons are few: fetched at once, not through a
    # server-side cursor (PostgreSQL's costs a round trip and a copy).
    for (pk, name, region_id, quota_type, institution_id, post, enforcement, expiry, status,
         service_end, secondment_start, grade) in (rows if tally else rows.iterator(chunk_size=5000)):
        code = code_of[region_id]
        if tally and status != Status.BORROWED_IN:
            if post == PostCategory.LEADER:
                leaders[region_id] = leaders.get(region_id, 0) + 1
            elif post == PostCategory.MIDDLE:
                middle[region_id] = middle.get(region_id, 0) + 1
        persons[code[:6]].append(
            PersonState(
                id=str(pk),
                name=name,
                township_code=code,
                quota_type=quota_type,
                institution_id=str(institution_id) if institution_id else None,
                post_category=post,
                is_enforcement_staff=enforcement,
                enforcement_certificate_expiry=expiry,
                status=statuses[status],
                service_period_end=service_end,
                secondment_start=secondment_start,
                assessment_grade=grade or None,
            )
        )

    township_states: dict[str, list[TownshipState]] = defaultdict(list)
    no_totals: dict[str, int] = {}
    for pk, code, name, county_code in townships:
        scheme = schemes.get(county_code, ClassScheme.FIVE_CLASSES)
        quotas = approved.get(pk, {})
        totals = ledger_township.get(pk, no_totals)
        for item in QUOTA_ITEMS:
            if item not in quotas and item in totals:
                quotas = {**quotas, item: totals[item]}
        township_states[county_code].append(
            TownshipState(
                code=code,
                name=name,
                township_class=classes.get(pk, SCHEME_CLASSES[scheme][-1]),
                approved_quotas=quotas,
                leadership_posts_approved=sum(totals.get(i, 0) for i in LEADERSHIP_ITEMS),
                leadership_posts_used=leaders.get(pk, 0),
                middle_posts_approved=totals.get(LedgerItem.MIDDLE, 0),
                middle_posts_used=middle.get(pk, 0),
                previous_quotas=previous.get(pk, {}),
                enforcement_leader_id=(
                    str(enforcement_leaders[pk]) if pk in enforcement_leaders else None
                ),
            )
        )

    # 6. Institutions, split by county through the township code.
    institutions: dict[str, list[InstitutionState]] = defaultdict(list)
    kinds = {k.value: k for k in InstitutionKind}
    for pk, name, region_id, kind in (
        Institution.objects.filter(**_under(region, "region__"), abolished_on__isnull=True)
        .order_by("region__code", "id")
        .values_list("id", "name", "region_id", "kind")
    ):
        code = code_of[region_id]
        institutions[code[:6]].append(
            InstitutionState(
                id=str(pk),
                name=name,
                township_code=code,
                kind=kinds[kind],
                admin_quota=ledger_institution.get((pk, LedgerItem.ADMIN), 0),
                institution_quota=ledger_institution.get((pk, LedgerItem.INSTITUTION), 0),
            )
        )
    # Township codes start with their county's code (6 digits), so code[:6]
    # splits institutions and persons by county without another lookup.
    snapshots = [
        CountyFacts(
            region_code=code,
            region_name=name,
            townships=township_states.get(code, []),
            institutions=institutions.get(code, []),
            persons=persons.get(code, []),
            reserve=reserves.get(code, {}),
            control_numbers=controls.get(code, {}),
            person_tallies=tallies.get(code, []),
        )
        for code, name in counties
    ]
    previous_totals = county_previous_totals(region, {s.region_code: s for s in snapshots})
    return [replace(s, previous_totals=previous_totals.get(s.region_code, {})) for s in snapshots]


def county_previous_totals(
    region: Region, snapshots: dict[str, CountyFacts]
) -> dict[str, dict[str, ApprovedTotal]]:
    """Per county and quota type, the county total (townships + reserve pool)
    as last approved: the total now minus the net change of the latest
    approval, with the document of the approval before it.

    An approval is the ledger entries of one county and quota type sharing
    the 文号 and date of the latest entry (in registration order): a quota
    moved between townships under one 文号, even in several steps, is one
    approval with no net change. `snapshots` (by county code) give the total
    now. A county whose only approval is its first one (nothing held
    before) has none."""
    from bianzhi.townships.models import QuotaLedgerEntry

    rows: dict[tuple[str, str], list[tuple[int, int, str, date]]] = defaultdict(list)
    for county_code, quota_type, before, after, number, when in (
        QuotaLedgerEntry.objects.filter(**_under(region, "township__"))
        .order_by("id")
        .values_list("township__county_code", "quota_type", "before", "after", "document_number", "date")
    ):
        rows[(county_code, quota_type)].append((before or 0, after, number, when))
    result: dict[str, dict[str, ApprovedTotal]] = defaultdict(dict)
    for (county_code, quota_type), entries in rows.items():
        latest = (entries[-1][2], entries[-1][3])
        net = sum(after - before for before, after, number, when in entries if (number, when) == latest)
        earlier = [(number, when) for _, _, number, when in entries if (number, when) != latest]
        snapshot = snapshots.get(county_code)
        if snapshot is None:
            continue
        previous = snapshot.county_total(quota_type) - net
        if not earlier and previous <= 0:
            continue
        cited = ApprovedTotal(previous, *earlier[-1]) if earlier else ApprovedTotal(previous)
        result[county_code][quota_type] = cited
    return result


def county_facts(county: Region, *, today: date | None = None) -> CountyFacts:
    """The snapshot of one county (a township region gives its county's)."""
    snapshots = counties_facts(county, today=today)
    if not snapshots:
        return CountyFacts(region_code=county.code, region_name=county.name, townships=[])
    return snapshots[0]


def _setting(row: RuleSetting) -> RuleSettings:
    return RuleSettings(
        enabled=row.enabled,
        severity=Severity(row.severity) if row.severity else None,
        parameters=dict(row.parameters or {}),
        scope=tuple(row.scope) if row.scope is not None else None,
    )


def settings_for(county_code: str) -> dict[str, RuleSettings]:
    """The settings in force for a county: province, then city, then county
    overrides, later levels winning field by field."""
    return settings_by_county([county_code])[county_code]


def settings_by_county(county_codes: Iterable[str]) -> dict[str, dict[str, RuleSettings]]:
    """settings_for() of many counties with one query."""
    county_codes = list(county_codes)
    ancestry = {c: [c[:2], c[:4], c] for c in county_codes}
    wanted = {code for codes in ancestry.values() for code in codes}
    by_region: dict[str, dict[str, RuleSettings]] = defaultdict(dict)
    for row in RuleSetting.objects.filter(region__code__in=wanted).select_related("region"):
        by_region[row.region.code][row.rule] = _setting(row)
    return {
        c: layer_settings(*(by_region.get(code, {}) for code in ancestry[c])) for c in county_codes
    }
