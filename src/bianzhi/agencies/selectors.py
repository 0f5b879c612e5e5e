"""Reads of the agencies app, scoped to the reader."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.accounts.models import Department
from bianzhi.accounts.scope import Scope
from bianzhi.agencies.models import (
    AgencyAssessment,
    AssessmentFloor,
    DepartmentAssessment,
    Direction,
    DispatchedAgency,
    Evaluation,
    HeadChange,
)
from bianzhi.core.duties import (
    AGENCY_TOWNSHIP_WEIGHT_FLOOR,
    DEPARTMENT_TOWNSHIP_WEIGHT_FLOOR,
    EvaluationScore,
    EvaluationSummary,
    Ranked,
    evaluation_summaries,
    rank_scores,
)
from bianzhi.regions.models import Region


@dataclass(frozen=True)
class Floors:
    agency: Decimal
    department: Decimal
    agency_region: str = ""  # the region that set it, "" = policy default
    department_region: str = ""

    @property
    def agency_is_default(self) -> bool:
        return not self.agency_region

    @property
    def department_is_default(self) -> bool:
        return not self.department_region


def effective_floors(*, region: Region) -> Floors:
    """The floors in force for ``region``: the nearest region up the tree
    (the region itself first) that sets one, else the policy defaults."""
    codes = [region.code, *reversed(region.ancestor_codes())]
    rows = {f.region.code: f for f in AssessmentFloor.objects.filter(region__code__in=codes).select_related("region")}
    agency, agency_region = AGENCY_TOWNSHIP_WEIGHT_FLOOR, ""
    department, department_region = DEPARTMENT_TOWNSHIP_WEIGHT_FLOOR, ""
    for code in reversed(codes):  # root first; nearer regions override
        row = rows.get(code)
        if row is None:
            continue
        if row.agency_floor is not None:
            agency, agency_region = row.agency_floor, row.region.name
        if row.department_floor is not None:
            department, department_region = row.department_floor, row.region.name
    return Floors(agency, department, agency_region, department_region)


def agencies(*, scope: Scope) -> QuerySet[DispatchedAgency]:
    return scope.filter(
        DispatchedAgency.objects.select_related("township", "managing_department", "institution"), "township"
    )


def agency_get(*, scope: Scope, pk: int) -> DispatchedAgency:
    """An agency in scope: of a township the user sees, or serving one (a
    片区 agency's other townships give their opinions on its page)."""
    agency = agencies(scope=scope).filter(pk=pk).first()
    if agency is None:
        agency = (
            DispatchedAgency.objects.select_related("township", "managing_department", "institution")
            .filter(scope.q("served_townships"), pk=pk)
            .first()
        )
    if agency is None:
        raise Http404("派驻机构不存在或无权访问")
    return agency


def head_changes(*, agency: DispatchedAgency) -> QuerySet[HeadChange]:
    return HeadChange.objects.filter(agency=agency)


def head_change_get(*, scope: Scope, pk: int) -> HeadChange:
    change = HeadChange.objects.select_related("agency__township").filter(pk=pk).first()
    if change is None or not scope.can_view(change.agency.township):
        raise Http404("任免记录不存在或无权访问")
    return change


@dataclass(frozen=True)
class AgencyStaffing:
    quotas: dict[str, int]  # by the ledger item's label (科级正职职数, not leader-chief)
    staff: int


def agency_staffing(*, agency: DispatchedAgency) -> AgencyStaffing:
    """Quotas (ledger balances) and staff (roster) of the agency's institution."""
    if agency.institution_id is None:
        return AgencyStaffing({}, 0)
    from bianzhi.institutions.models import LedgerItem
    from bianzhi.institutions.selectors import ledger_balances
    from bianzhi.roster.models import Person

    balances = ledger_balances(institution_ids=[agency.institution_id]).get(agency.institution_id, {})
    staff = Person.objects.filter(institution_id=agency.institution_id, exited_on__isnull=True).count()
    labels = dict(LedgerItem.choices)
    return AgencyStaffing({str(labels.get(k, k)): v for k, v in balances.items() if v}, staff)


def agency_ranking(*, county: Region, year: int) -> list[Ranked[AgencyAssessment]]:
    rows = AgencyAssessment.objects.filter(agency__township__county_code=county.code, year=year).select_related(
        "agency__township", "agency__managing_department"
    )
    return rank_scores([(a, a.total) for a in rows.order_by("agency__township__code", "agency__name")])


def department_ranking(*, county: Region, year: int) -> list[Ranked[DepartmentAssessment]]:
    rows = DepartmentAssessment.objects.filter(department__county=county, year=year).select_related("department")
    return rank_scores([(a, a.total) for a in rows.order_by("department__name")])


def _summaries(county: Region, year: int, direction: str, key: str) -> dict[int, EvaluationSummary]:
    scores = [
        EvaluationScore(evaluator, target, score)
        for evaluator, target, score in Evaluation.objects.filter(
            year=year, direction=direction, department__county=county
        ).values_list(*(("township_id", "department_id") if key == "department" else ("department_id", "township_id")), "score")
    ]
    return evaluation_summaries(scores)


def township_scores_of_departments(*, county: Region, year: int) -> dict[int, EvaluationSummary]:
    """Department id -> mean score the townships gave it (乡镇评议部门)."""
    return _summaries(county, year, Direction.TOWNSHIP_TO_DEPARTMENT, "department")


def department_scores_of_townships(*, county: Region, year: int) -> dict[int, EvaluationSummary]:
    """Township region id -> mean score the departments gave it (部门评议乡镇)."""
    return _summaries(county, year, Direction.DEPARTMENT_TO_TOWNSHIP, "township")


@dataclass(frozen=True)
class EvaluationRow:
    name: str
    count: int
    mean: Decimal
    rank: int


def evaluation_rankings(*, county: Region, year: int) -> tuple[list[EvaluationRow], list[EvaluationRow]]:
    """(departments as scored by townships, townships as scored by departments), ranked."""
    departments = {d.pk: d.name for d in Department.objects.filter(county=county)}
    townships = {r.pk: r.name for r in Region.objects.filter(county_code=county.code, level="township")}
    result = []
    for summaries, names in (
        (township_scores_of_departments(county=county, year=year), departments),
        (department_scores_of_townships(county=county, year=year), townships),
    ):
        ranked = rank_scores(sorted(((k, s.mean) for k, s in summaries.items()), key=lambda p: names.get(p[0], "")))
        result.append([EvaluationRow(names.get(r.key, "?"), summaries[r.key].count, r.score, r.rank) for r in ranked])
    return result[0], result[1]


def assessment_years(*, county: Region) -> list[int]:
    years = set(
        AgencyAssessment.objects.filter(agency__township__county_code=county.code).values_list("year", flat=True)
    ) | set(DepartmentAssessment.objects.filter(department__county=county).values_list("year", flat=True))
    years |= set(Evaluation.objects.filter(department__county=county).values_list("year", flat=True))
    return sorted(years, reverse=True)
