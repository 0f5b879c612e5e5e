"""Reads of the enforcement app. Every read takes a ``Scope`` except the
public ones (``public_*``): the matters list and the published decisions of
a township are disclosed to everyone (002 §5: 谁执法谁公示)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DurationField, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import Scope
from bianzhi.core.credit_code import mask_credit_code
from bianzhi.core.enforcement import (
    CERTIFICATE_WARN_DAYS,
    ENFORCEMENT_POWER_TYPES,
    CaseStatus,
    mask_name,
)
from bianzhi.core.idnumber import mask_id_number
from bianzhi.duties.selectors.duty_list import DutyEntry, duty_list
from bianzhi.enforcement.models import Case, CaseFile, EnforcementTeam, JointMeeting, PartyKind
from bianzhi.regions.models import Level, Region
from bianzhi.regions.selectors import figure_groups
from bianzhi.roster.models import Person, PostCategory, Status

WRITER_ROLES = frozenset({Role.OFFICER, Role.TOWNSHIP})


def may_write(scope: Scope, township: Region | None) -> bool:
    """编办管理员 over the township, or the township's own 乡镇用户."""
    if scope.is_superuser:
        return True
    return scope.can_view(township) and bool(scope.roles & WRITER_ROLES)


# --- the matters list ---------------------------------------------------------------


def matter_list(*, township: Region, today: dt.date) -> list[DutyEntry]:
    """The township's enforcement matters (执法事项清单): the 处罚、检查、强制
    items of its powers list (statutory, delegated and taken up, admitted)."""
    return [e for e in duty_list(township=township, today=today) if e.power_type in ENFORCEMENT_POWER_TYPES]


def matter_by_code(*, township: Region, today: dt.date) -> dict[str, DutyEntry]:
    return {e.code: e for e in matter_list(township=township, today=today)}


# --- townships, team ----------------------------------------------------------------


def townships(*, scope: Scope) -> QuerySet[Region]:
    return scope.regions().filter(level=Level.TOWNSHIP).order_by("code")


def township_get(*, scope: Scope, code: str) -> Region:
    return scope.township_or_404(code)


def team_of(*, township: Region) -> EnforcementTeam | None:
    return (
        EnforcementTeam.objects.select_related("leader_in_charge", "office_head")
        .filter(township=township)
        .first()
    )


def enforcement_staff(*, township: Region) -> QuerySet[Person]:
    """Persons working in the township (在岗 or 借入) who do enforcement work."""
    return Person.objects.filter(
        region=township,
        exited_on__isnull=True,
        status__in=[Status.ON_POST, Status.BORROWED_IN],
        is_enforcement_staff=True,
    ).order_by("name")


def leadership(*, township: Region) -> QuerySet[Person]:
    """The township's leadership members (领导 posts) working there."""
    return Person.objects.filter(
        region=township,
        exited_on__isnull=True,
        status__in=[Status.ON_POST, Status.BORROWED_IN],
        post_category=PostCategory.LEADER,
    ).order_by("name")


def certified(person: Person | None, today: dt.date) -> bool:
    """As the rules count it (``PersonState.has_valid_certificate``): an
    expiry date on or after ``today``."""
    return person is not None and person.certificate_expiry is not None and person.certificate_expiry >= today


def expiring_certificates(
    *, scope: Scope, today: dt.date, days: int = CERTIFICATE_WARN_DAYS
) -> QuerySet[Person]:
    """Enforcement staff in scope whose certificate expires within ``days``
    days (or has expired)."""
    return scope.filter(
        Person.objects.select_related("region").filter(
            exited_on__isnull=True,
            is_enforcement_staff=True,
            certificate_expiry__isnull=False,
            certificate_expiry__lte=today + dt.timedelta(days=days),
        )
    ).order_by("certificate_expiry", "id")


# --- cases --------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    township: str = ""
    status: str = ""
    matter: str = ""


def cases(*, scope: Scope, filters: CaseFilter | None = None) -> QuerySet[Case]:
    rows = scope.filter(Case.objects.select_related("township"), "township")
    f = filters or CaseFilter()
    if f.township:
        rows = rows.filter(township__code=f.township)
    if f.status:
        rows = rows.filter(status=f.status)
    if f.matter:
        rows = rows.filter(Q(matter_name__contains=f.matter) | Q(matter_code=f.matter))
    return rows


def case_get(*, scope: Scope, pk: int) -> Case:
    case: Case = get_object_or_404(
        scope.filter(Case.objects.select_related("township"), "township"), pk=pk
    )
    return case


def case_file_get(*, scope: Scope, pk: int) -> CaseFile:
    item: CaseFile = get_object_or_404(
        scope.filter(CaseFile.objects.select_related("record__case__township"), "record__case__township"),
        pk=pk,
    )
    return item


def party_id_shown(case: Case, *, full: bool) -> str:
    if full:
        return case.party_id
    if case.party_kind == PartyKind.PERSON:
        return mask_id_number(case.party_id)
    return mask_credit_code(case.party_id)


def party_name_shown(case: Case, *, full: bool) -> str:
    if full or case.party_kind == PartyKind.ORGANISATION:
        return case.party_name
    return mask_name(case.party_name)


def public_cases(*, township: Region) -> QuerySet[Case]:
    """The township's published decisions (decided or closed, published)."""
    return Case.objects.filter(
        township=township,
        published_at__isnull=False,
        status__in=[CaseStatus.DECIDED.value, CaseStatus.CLOSED.value],
    ).order_by("-decided_on", "-id")


# --- joint meetings -----------------------------------------------------------------


def meetings(*, scope: Scope) -> QuerySet[JointMeeting]:
    return scope.filter(JointMeeting.objects.select_related("region").prefetch_related("tasks__plan"))


def meeting_get(*, scope: Scope, pk: int) -> JointMeeting:
    return get_object_or_404(meetings(scope=scope), pk=pk)


# --- figures ------------------------------------------------------------------------


@dataclass
class GroupFigures:
    """The figures of one row: a city, county or township (see ``figures``)."""

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


def figures(
    *, scope: Scope, region: Region, today: dt.date, staff: Mapping[str, tuple[int, int]] | None = None
) -> dict[str, Any]:
    """Cases, time to close and certificate rate for the townships under
    ``region`` (within the scope), one row per group (``figure_groups``: a
    province by city, a city by county, a county by township), and cases
    per matter. Each table is one GROUP BY in the database.

    ``staff``: the enforcement staff and how many of them are certified
    (on ``today``), by group code, when the caller has counted them already
    in the same request (the dashboard's roster tally counts the same
    persons by the same groups); otherwise counted here."""
    column, groups = figure_groups(scope=scope, region=region)
    towns = scope.regions().filter(level=Level.TOWNSHIP, **{region.level_field: region.code})
    # The townships as a subquery, not a list of 3,111 ids (a province).
    ids = towns.values("id")
    rows = {g.code: GroupFigures(g.code, g.name) for g in groups}
    closed = Q(status=CaseStatus.CLOSED.value)
    timed = closed & Q(closed_on__isnull=False)
    cases = Case.objects.filter(township_id__in=ids).order_by()
    # Days to close as a sum and a count, so that a group's average and the
    # total's are each one division of whole days, as before grouping.
    days_total = 0
    timed_total = 0
    for item in cases.values(group := f"township__{column}").annotate(
        cases=Count("id"),
        closed=Count("id", filter=closed),
        transferred=Count("id", filter=Q(status=CaseStatus.TRANSFERRED.value)),
        timed=Count("id", filter=timed),
        days=Sum(F("closed_on") - F("filed_on"), filter=timed, output_field=DurationField()),
    ):
        row = rows.get(item[group])
        if row is None:
            continue
        row.cases, row.closed, row.transferred = item["cases"], item["closed"], item["transferred"]
        row.open = row.cases - row.closed - row.transferred
        if item["timed"]:
            days = item["days"].days
            row.average_days_to_close = round(days / item["timed"], 1)
            days_total += days
            timed_total += item["timed"]
    if staff is None:
        working = Q(exited_on__isnull=True, status__in=[Status.ON_POST, Status.BORROWED_IN], is_enforcement_staff=True)
        group = f"region__{column}"
        staff = {
            item[group]: (item["staff"], item["certified"])
            for item in Person.objects.filter(working, region_id__in=ids).order_by()
            .values(group)
            .annotate(staff=Count("id"), certified=Count("id", filter=Q(certificate_expiry__gte=today)))
        }
    for code, (count, certified_count) in staff.items():
        row = rows.get(code)
        if row is not None:
            row.staff, row.certified = count, certified_count
    matters = cases.values("matter_name").annotate(n=Count("id")).order_by("-n", "matter_name")[:20]
    staff_total = sum(r.staff for r in rows.values())
    return {
        "rows": [{**r.__dict__, "certificate_rate": r.certificate_rate} for r in rows.values()],
        "matters": [{"name": m["matter_name"], "cases": m["n"]} for m in matters],
        "totals": {
            "cases": sum(r.cases for r in rows.values()),
            "closed": sum(r.closed for r in rows.values()),
            "average_days_to_close": round(days_total / timed_total, 1) if timed_total else None,
            "certificate_rate": round(100 * sum(r.certified for r in rows.values()) / staff_total, 1)
            if staff_total
            else None,
        },
    }
