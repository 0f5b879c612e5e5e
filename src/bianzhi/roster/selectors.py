"""Reads of the roster, always through a scope, and who may see full
identity numbers.

Identity numbers are shown in full only to the 编办管理员 and 审核人 of the
person's region or a region above it (and superusers): they maintain and
approve the roster. 乡镇用户, 部门用户 and 只读 users see them masked
(510923********123X) in pages, exports and the audit trail.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.core.idnumber import mask_id_number
from bianzhi.institutions.models import QuotaType
from bianzhi.kernel import clock
from bianzhi.kernel.hooks import StaffCount
from bianzhi.regions.models import Region
from bianzhi.roster.models import Education, EntryWay, Person, PostCategory, Status


def id_numbers_visible(*, scope: Scope, region: Region | None) -> bool:
    """True when the user may see full identity numbers of persons in `region`."""
    return scope.can_edit(region) or scope.can_approve(region)


def id_number_shown(*, person: Person, visible: bool) -> str:
    return person.id_number if visible else mask_id_number(person.id_number)


@dataclass(frozen=True)
class RosterFilter:
    """The filters of the roster list; dashboards link here with the same
    names in the query string (region, quota_type, status, …)."""

    region: str = ""  # region code: province, city, county or township
    quota_type: str = ""
    status: str = ""
    post_category: str = ""
    enforcement: str = ""  # "1": enforcement staff; "certified" / "uncertified"
    grade: str = ""
    institution: str = ""  # institution id
    q: str = ""  # name or the last digits of the identity number
    include_exited: bool = False
    # "1": persons holding a quota (staff/headcount: excludes 借入)
    headcount: str = ""

    @classmethod
    def from_query(cls, data: dict[str, str]) -> RosterFilter:
        fields = cls.__dataclass_fields__
        values = {k: (data.get(k) or "").strip() for k in fields if k != "include_exited"}
        return cls(**values, include_exited=data.get("include_exited") == "1")


def person_list(
    *, scope: Scope, filters: RosterFilter, today: date | None = None, id_search: bool = False
) -> QuerySet[Person]:
    """Persons in scope matching `filters`. `q` matches names, and identity
    numbers only with `id_search` (users who may see them: a masked user must
    not be able to probe numbers)."""
    qs = scope.filter(Person.objects.all()).select_related("region", "institution")
    f = filters
    if f.region:
        region = Region.objects.filter(code=f.region).first()
        if region is None:
            return qs.none()
        qs = qs.filter(**{f"region__{region.level_field}": region.code})
    if not f.include_exited:
        qs = qs.filter(exited_on__isnull=True)
    if f.quota_type:
        qs = qs.filter(quota_type=f.quota_type)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.post_category:
        qs = qs.filter(post_category=f.post_category)
    if f.grade:
        qs = qs.filter(assessment_grade=f.grade)
    if f.institution.isdigit():
        qs = qs.filter(institution_id=int(f.institution))
    if f.headcount == "1":
        qs = qs.exclude(status=Status.BORROWED_IN)
    if f.enforcement:
        # Counted as the rules count: working in the township (在岗 or 借入).
        qs = qs.filter(is_enforcement_staff=True, status__in=[Status.ON_POST, Status.BORROWED_IN])
        today = today or clock.today()
        if f.enforcement == "certified":
            qs = qs.filter(certificate_expiry__gte=today)
        elif f.enforcement == "uncertified":
            qs = qs.filter(Q(certificate_expiry__isnull=True) | Q(certificate_expiry__lt=today))
    if f.q:
        match = Q(name__contains=f.q)
        if id_search:
            match |= Q(id_number__endswith=f.q.upper())
        qs = qs.filter(match)
    return qs.order_by("region__code", "id")


def _label(choices: type[Status] | type[PostCategory] | type[EntryWay] | type[Education], value: str) -> str:
    return str(choices(value).label) if value else ""


def person_export_row(person: Person, *, show_id_number: bool) -> list[object]:
    """One row of the roster export in ``importing.COLUMNS`` order, choices as
    their Chinese labels (the export re-imports unchanged); the identity
    number masked unless `show_id_number`. A masked export cannot be
    re-imported (the import rejects masked numbers)."""
    return [
        person.id_number if show_id_number else mask_id_number(person.id_number),
        person.name,
        person.region.code,
        person.institution.name if person.institution_id and person.institution else "",
        person.quota_type,
        _label(PostCategory, person.post_category),
        "是" if person.is_enforcement_staff else "否",
        _label(Status, person.status),
        person.secondment_unit,
        person.secondment_start,
        person.entry_date,
        _label(EntryWay, person.entry_way),
        person.service_period_end,
        _label(Education, person.education),
        person.certificate_number,
        person.certificate_expiry,
        person.assessment_grade,
    ]


def person_get(*, scope: Scope, pk: int) -> Person:
    person: Person | None = (
        scope.filter(Person.objects.select_related("region", "institution")).filter(pk=pk).first()
    )
    if person is None:
        raise Http404("人员不存在或无权访问")
    return person


@dataclass(frozen=True)
class PersonLinks:
    """The records before and after `person` of the same person (出编 in one
    county, 入编 again in another), as far as the reader may see them.
    `elsewhere_later` says a later record exists outside the reader's scope;
    pages say so without naming the region or linking to it."""

    previous: Person | None
    later: list[Person]
    elsewhere_later: bool


def person_links(*, scope: Scope, person: Person) -> PersonLinks:
    previous = None
    if person.previous_id is not None:
        previous = scope.filter(Person.objects.select_related("region")).filter(pk=person.previous_id).first()
    later_all = Person.objects.filter(previous=person)
    later = list(scope.filter(later_all.select_related("region")).order_by("id"))
    return PersonLinks(previous=previous, later=later, elsewhere_later=later_all.count() > len(later))


def roster_counts(*, scope: Scope) -> dict[str, Any]:
    """Persons on the roster in scope (not exited) and, per quota type, how many
    hold a quota of it (a borrowed-in person holds none here). One aggregate query;
    ``{"persons": n, "holding": {quota_type: n}}``."""
    holds = ~Q(status=Status.BORROWED_IN)
    aggregates: dict[str, Any] = {"persons": Count("id")}
    types = [str(t) for t in QuotaType.values]
    aggregates.update({f"q{i}": Count("id", filter=holds & Q(quota_type=t)) for i, t in enumerate(types)})
    values = scope.filter(Person.objects.filter(exited_on__isnull=True)).aggregate(**aggregates)
    return {
        "persons": values["persons"],
        "holding": {t: values[f"q{i}"] for i, t in enumerate(types)},
    }


def staff_counts(*, institution_ids: Collection[int]) -> dict[int, StaffCount]:
    """Persons on the roster (not exited) per institution, in one GROUP BY;
    institutions with nobody are absent. Leaders and middle managers count
    only when they hold a quota (not 借入), as the dashboards count posts used.

    No scope: the callers pass institutions they already read through one (an
    institution's persons are in its township). Registered in
    ``RosterConfig.ready()`` as ``kernel.hooks.staff_counts``, which is how the
    institution pages, API and services get the counts (institutions sits
    below roster and does not import it)."""
    holds = ~Q(status=Status.BORROWED_IN)
    rows = (
        Person.objects.filter(institution_id__in=list(institution_ids), exited_on__isnull=True)
        .values("institution_id")
        .annotate(
            persons=Count("id"),
            leaders=Count("id", filter=holds & Q(post_category=PostCategory.LEADER)),
            middle=Count("id", filter=holds & Q(post_category=PostCategory.MIDDLE)),
        )
    )
    return {
        row["institution_id"]: StaffCount(
            on_roster=row["persons"], leaders=row["leaders"], middle=row["middle"]
        )
        for row in rows
    }
