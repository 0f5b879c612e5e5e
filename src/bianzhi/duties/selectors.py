"""Reads of the duties app, scoped to the reader.

The one unscoped read is ``duty_list`` for the public page: a township's
powers-and-duties list is published to everyone (001 §(一)2: 及时向社会公开),
and it is built only from approved records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import Scope
from bianzhi.audit.models import AuditRecord
from bianzhi.audit.services import object_type_of
from bianzhi.core.duties import (
    FEATURED_LISTS,
    AccessStatus,
    ListKind,
    ListModel,
    OverdueStep,
    StepLimits,
    TakeUpChoice,
    overdue_steps,
)
from bianzhi.duties.models import (
    CatalogueItem,
    DelegationCatalogue,
    DutyAccessRequest,
    MatterChange,
    Responsibility,
    StatutoryItem,
    TakeUp,
    TakeUpChange,
    TakeUpRound,
    TerritorialMatter,
)
from bianzhi.regions.models import Level, Region


def township_class_of(township: Region) -> str:
    """The township's class as the townships app records it (its county's
    last class when none is set: 一般乡镇 or 三类)."""
    from bianzhi.townships.models import Township
    from bianzhi.townships.selectors import county_classes

    profile = Township.objects.filter(region=township).first()
    if profile is not None:
        return profile.township_class
    county = Region.objects.get(code=township.county_code)
    return county_classes(county=county)[-1]


def catalogue_list_model(catalogue: DelegationCatalogue) -> ListModel:
    return ListModel(
        featured_classes={
            kind: tuple(catalogue.featured_classes.get(kind.value, ())) for kind in FEATURED_LISTS
        }
    )


def public_township(*, code: str) -> Region:
    """Any township by code (public pages), else Http404."""
    region = Region.objects.filter(code=code, level=Level.TOWNSHIP).first()
    if region is None:
        raise Http404("乡镇不存在")
    return region


def county_of(*, scope: Scope, code: str) -> Region:
    region = scope.region_or_404(code)
    if region.level != Level.COUNTY:
        raise Http404("不是县级区划")
    return region


def counties(*, scope: Scope) -> QuerySet[Region]:
    """Counties the reader sees whole (a township user sees none)."""
    return scope.regions().filter(level=Level.COUNTY)


def townships_of(*, county: Region) -> QuerySet[Region]:
    return Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code")


# --- catalogue and take-up ----------------------------------------------------------


def catalogue_of(*, county: Region) -> DelegationCatalogue | None:
    return DelegationCatalogue.objects.filter(county=county).first()


def catalogue_items(*, catalogue: DelegationCatalogue, active: bool = True) -> QuerySet[CatalogueItem]:
    return catalogue.items.filter(active=active).order_by("list_kind", "code")


@dataclass(frozen=True)
class TakeUpRow:
    item: CatalogueItem
    applies: bool  # the item's list serves the township's class
    choice: str  # approved TakeUpChoice value, "" if none yet
    document_number: str


def take_up_rows(*, township: Region) -> list[TakeUpRow]:
    """Every active item of the county's catalogue with the township's approved take-up."""
    catalogue = DelegationCatalogue.objects.filter(county__code=township.county_code).first()
    if catalogue is None:
        return []
    lists = set(catalogue_list_model(catalogue).lists_for(township_class_of(township)))
    approved = {t.item_id: t for t in TakeUp.objects.filter(township=township)}
    rows = []
    for item in catalogue_items(catalogue=catalogue):
        take_up = approved.get(item.pk)
        rows.append(
            TakeUpRow(
                item=item,
                applies=ListKind(item.list_kind) in lists,
                choice=take_up.choice if take_up else "",
                document_number=take_up.document_number if take_up else "",
            )
        )
    return rows


def take_up_rounds(*, township: Region) -> QuerySet[TakeUpRound]:
    return TakeUpRound.objects.filter(township=township).select_related("proposed_by", "decided_by")


def take_up_changes(*, township: Region) -> QuerySet[TakeUpChange]:
    return TakeUpChange.objects.filter(township=township).select_related("item")


def pending_rounds(*, scope: Scope) -> QuerySet[TakeUpRound]:
    return scope.filter(TakeUpRound.objects.filter(status="pending"), "township").select_related(
        "township"
    )


@dataclass(frozen=True)
class TakeUpSummary:
    township: Region
    township_class: str
    taken_up: int
    deferred: int
    pending: bool


def take_up_summary(*, county: Region) -> list[TakeUpSummary]:
    counts = Counter(
        TakeUp.objects.filter(township__county_code=county.code, item__active=True).values_list(
            "township_id", "choice"
        )
    )
    pending = set(
        TakeUpRound.objects.filter(township__county_code=county.code, status="pending").values_list(
            "township_id", flat=True
        )
    )
    return [
        TakeUpSummary(
            township=t,
            township_class=township_class_of(t),
            taken_up=counts[(t.pk, TakeUpChoice.TAKE_UP.value)],
            deferred=counts[(t.pk, TakeUpChoice.DEFER.value)],
            pending=t.pk in pending,
        )
        for t in townships_of(county=county)
    ]


# --- the powers-and-duties list ---------------------------------------------------------


@dataclass(frozen=True)
class DutyEntry:
    """One line of a township's powers-and-duties list."""

    source: str  # 法定事项 / 赋权事项 / 准入事项
    code: str
    name: str
    power_type: str
    legal_basis: str
    department: str  # delegating or requesting department, "" for statutory
    basis_document: str  # the 文号 that put it on the list
    note: str = ""


SOURCE_STATUTORY = "法定事项"
SOURCE_DELEGATED = "赋权事项"
SOURCE_ADMITTED = "准入事项"


def duty_list(*, township: Region, today: date) -> list[DutyEntry]:
    """The township's list on ``today``: statutory items of its county, delegated
    items it took up (approved, still in the catalogue) and duties admitted
    through duty access that have not expired by date."""
    entries = [
        DutyEntry(SOURCE_STATUTORY, s.code, s.name, s.power_type, s.legal_basis, "", "")
        for s in StatutoryItem.objects.filter(county__code=township.county_code, active=True)
    ]
    take_ups = (
        TakeUp.objects.filter(township=township, choice=TakeUpChoice.TAKE_UP, item__active=True)
        .select_related("item")
        .order_by("item__list_kind", "item__code")
    )
    entries += [
        DutyEntry(
            SOURCE_DELEGATED,
            t.item.code,
            t.item.name,
            t.item.power_type,
            t.item.legal_basis,
            t.item.delegating_department,
            t.document_number,
            t.item.get_list_kind_display(),
        )
        for t in take_ups
    ]
    admitted = (
        DutyAccessRequest.objects.filter(townships=township, status=AccessStatus.APPROVED)
        .filter(Q(is_temporary=False) | Q(end_date__gte=today))
        .select_related("department")
        .order_by("decided_on", "id")
    )
    entries += [
        DutyEntry(
            SOURCE_ADMITTED,
            f"ZR-{r.pk}",
            r.matter,
            "其他行政权力",
            r.legal_basis,
            r.department.name,
            r.document_number,
            f"临时性事项，至{r.end_date.isoformat()}" if r.is_temporary and r.end_date else "",
        )
        for r in admitted
    ]
    return entries


def statutory_items(*, county: Region, active: bool = True) -> QuerySet[StatutoryItem]:
    """The county's statutory items in force (``active=False``: the retired ones)."""
    return StatutoryItem.objects.filter(county=county, active=active).order_by("code")


def statutory_item_get(*, scope: Scope, pk: int) -> StatutoryItem:
    """A statutory item of a county the reader may read county-wide lists of, else 404."""
    item = StatutoryItem.objects.select_related("county").filter(pk=pk).first()
    if item is None or not _sees_county(scope, item.county):
        raise Http404("事项不存在或无权访问")
    return item


# --- territorial matters -------------------------------------------------------------------


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


def _sees_county(scope: Scope, county: Region) -> bool:
    """Whole-county readers, and township users of that county (the
    territorial list concerns every township of it)."""
    if scope.can_view(county):
        return True
    return (
        Role.TOWNSHIP in scope.roles
        and scope.region is not None
        and scope.region.county_code == county.code
    )


def county_for_reader(*, scope: Scope, code: str) -> Region:
    """A county the reader may read county-wide lists of (township users: their own)."""
    county = Region.objects.filter(code=code, level=Level.COUNTY).first()
    if county is None or not _sees_county(scope, county):
        raise Http404("区划不存在或无权访问")
    return county


# --- duty access -------------------------------------------------------------------------------


def access_requests(*, scope: Scope) -> QuerySet[DutyAccessRequest]:
    """Requests the reader may see: everything of the counties in scope; a
    township user sees the submitted requests that concern their township."""
    qs = DutyAccessRequest.objects.select_related("county", "department")
    if scope.is_superuser:
        return qs
    if scope.region is None or not scope.roles:
        return qs.none()
    if scope.region.level == Level.TOWNSHIP:
        return qs.filter(townships=scope.region).exclude(status=AccessStatus.DRAFT)
    return scope.filter(qs, "county")


def access_request_get(*, scope: Scope, pk: int) -> DutyAccessRequest:
    request = access_requests(scope=scope).filter(pk=pk).first()
    if request is None:
        raise Http404("申请不存在或无权访问")
    return request


def access_request_history(*, request: DutyAccessRequest) -> QuerySet[AuditRecord]:
    """Every audited step of the request and its opinions, newest first.

    Read without the audit trail's region filter on purpose: whoever may see
    the request sees all of its steps (the department, the townships and the
    county alike), which the issue requires.
    """
    opinion_ids = [str(pk) for pk in request.opinions.values_list("pk", flat=True)]
    return AuditRecord.objects.filter(
        Q(object_type=object_type_of(request), object_id=str(request.pk))
        | Q(object_type="duties.townshipopinion", object_id__in=opinion_ids)
    ).order_by("-at", "-id")


# Step limits in days; a county-level setting can replace this later.
DEFAULT_LIMITS = StepLimits()


def access_request_overdue(
    *, request: DutyAccessRequest, today: date, limits: StepLimits = DEFAULT_LIMITS
) -> list[OverdueStep]:
    answered = set(request.opinions.values_list("township_id", flat=True))
    pending = [t.name for t in request.townships.order_by("code") if t.pk not in answered]
    return overdue_steps(
        status=AccessStatus(request.status),
        submitted_on=request.submitted_on,
        opinions_complete_on=request.opinions_complete_on,
        pending_townships=pending,
        today=today,
        limits=limits,
    )


def awaiting_opinion(*, scope: Scope) -> QuerySet[DutyAccessRequest]:
    """Requests waiting for the reader's township's opinion."""
    if scope.region is None or scope.region.level != Level.TOWNSHIP:
        return DutyAccessRequest.objects.none()
    return (
        access_requests(scope=scope)
        .filter(status=AccessStatus.CONSULTING)
        .exclude(opinions__township=scope.region)
    )


def request_status_counts(requests: Sequence[DutyAccessRequest], today: date) -> Counter[str]:
    return Counter(r.status_on(today).label for r in requests)


def requests_awaiting_decision(*, scope: Scope) -> QuerySet[DutyAccessRequest]:
    """Duty-access requests in scope with every township opinion in, waiting
    for the county's decision (待县审定)."""
    return access_requests(scope=scope).filter(status=AccessStatus.DECIDING).order_by("id")
