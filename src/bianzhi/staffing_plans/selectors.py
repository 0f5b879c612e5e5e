"""Reads of the staffing-plans app. Every selector takes a ``Scope`` except
``vacancy_table``, which the services call after their own scope check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from bianzhi.accounts.scope import Scope
from bianzhi.core.staffing_plans import Key, PlanProblem, check_plan, vacancy
from bianzhi.regions.models import Level, Region
from bianzhi.roster.models import Person, Status
from bianzhi.staffing_plans.models import PlannedEntry, QuotaTransfer, RecruitmentPlan
from bianzhi.townships.models import ApprovedQuota, QuotaType


@dataclass(frozen=True)
class VacancyRow:
    township: Region
    quota_type: str
    approved: int
    headcount: int

    @property
    def vacancy(self) -> int:
        return vacancy(self.approved, self.headcount)


def vacancy_table(*, county: Region) -> dict[Key, VacancyRow]:
    """(township code, quota type) -> approved quota and staff holding it, for
    every township of ``county``: two GROUP BY queries."""
    townships = {t.pk: t for t in Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code)}
    approved = {
        (q.township_id, q.quota_type): q.count for q in ApprovedQuota.objects.filter(township_id__in=townships)
    }
    held = {
        (row["region_id"], row["quota_type"]): row["n"]
        for row in Person.objects.filter(region_id__in=townships, exited_on__isnull=True)
        .exclude(status=Status.BORROWED_IN)
        .values("region_id", "quota_type")
        .annotate(n=Count("id"))
    }
    table: dict[Key, VacancyRow] = {}
    for pk, township in sorted(townships.items(), key=lambda item: item[1].code):
        for quota_type in QuotaType.values:
            table[(township.code, quota_type)] = VacancyRow(
                township, quota_type, approved.get((pk, quota_type), 0), held.get((pk, quota_type), 0)
            )
    return table


def plan_list(*, scope: Scope, county: Region) -> QuerySet[RecruitmentPlan]:
    return scope.filter(RecruitmentPlan.objects.filter(county=county), "county").order_by("-year")


def plan_get(*, scope: Scope, pk: int) -> RecruitmentPlan:
    plan: RecruitmentPlan | None = scope.filter(RecruitmentPlan.objects.select_related("county"), "county").filter(pk=pk).first()
    if plan is None:
        raise Http404("计划不存在")
    return plan


@dataclass(frozen=True)
class ProgressRow:
    township: Region
    quota_type: str
    approved: int
    headcount: int
    vacancy: int
    planned: int
    entered: int  # persons whose 入编日期 falls in the plan's year

    @property
    def percent(self) -> int | None:
        return None if self.planned == 0 else self.entered * 100 // self.planned


@dataclass
class PlanView:
    plan: RecruitmentPlan
    rows: list[ProgressRow]
    problems: list[PlanProblem]

    @property
    def planned(self) -> int:
        return sum(r.planned for r in self.rows)

    @property
    def entered(self) -> int:
        return sum(r.entered for r in self.rows)


def plan_view(*, scope: Scope, plan: RecruitmentPlan) -> PlanView:
    """The plan's townships in scope, townships with vacancies first, with the
    roster's actual entries of the plan's year against the planned ones."""
    table = vacancy_table(county=plan.county)
    planned = {
        (e.township.code, e.quota_type): e.count
        for e in PlannedEntry.objects.filter(plan=plan).select_related("township")
    }
    entered = {
        (row["region__code"], row["quota_type"]): row["n"]
        for row in Person.objects.filter(region__county_code=plan.county.code, entry_date__year=plan.year)
        .values("region__code", "quota_type")
        .annotate(n=Count("id"))
    }
    visible = set(scope.regions().filter(level=Level.TOWNSHIP, county_code=plan.county.code).values_list("code", flat=True))
    rows = [
        ProgressRow(
            v.township, v.quota_type, v.approved, v.headcount, v.vacancy,
            planned.get(key, 0), entered.get(key, 0),
        )
        for key, v in table.items()
        if key[0] in visible
    ]
    rows.sort(key=lambda r: (-r.vacancy, r.township.code, r.quota_type))
    names = {v.township.code: v.township.name for v in table.values()}
    problems = [
        p for p in check_plan(
            planned=planned, vacancies={k: v.vacancy for k, v in table.items()}, names=names
        )
        if p.township_code in visible
    ]
    return PlanView(plan, rows, problems)


def transfer_list(*, scope: Scope, county: Region) -> QuerySet[QuotaTransfer]:
    return scope.filter(QuotaTransfer.objects.filter(county=county), "township").select_related("township")


@dataclass(frozen=True)
class TransferYear:
    year: int
    quota_type: str
    down: int
    up: int

    @property
    def net(self) -> int:
        return self.down - self.up


def transfer_totals(*, scope: Scope, county: Region) -> list[TransferYear]:
    """Quotas moved down and up per year and quota type (newest year first)."""
    sums: dict[tuple[int, str], dict[str, int]] = defaultdict(lambda: {"down": 0, "up": 0})
    for row in (
        transfer_list(scope=scope, county=county)
        .values("date__year", "quota_type", "direction")
        .annotate(n=Sum("count"))
    ):
        sums[(row["date__year"], row["quota_type"])][row["direction"]] = row["n"] or 0
    return [
        TransferYear(year, quota_type, value["down"], value["up"])
        for (year, quota_type), value in sorted(sums.items(), key=lambda item: (-item[0][0], item[0][1]))
    ]


def plan_totals(*, scope: Scope, county: Region) -> list[tuple[int, int, int]]:
    """(year, planned, entered) per plan of the county, newest first."""
    out: list[tuple[int, int, int]] = []
    for plan in plan_list(scope=scope, county=county):
        planned = (
            scope.filter(PlannedEntry.objects.filter(plan=plan), "township").aggregate(n=Sum("count"))["n"] or 0
        )
        entered = scope.filter(
            Person.objects.filter(region__county_code=county.code, entry_date__year=plan.year), "region"
        ).filter(~Q(quota_type="")).count()
        out.append((plan.year, planned, entered))
    return out


@dataclass(frozen=True)
class TownshipPlanRow:
    year: int
    status: str
    document_number: str
    quota_type: str
    planned: int
    entered: int


def township_plan_rows(*, scope: Scope, township: Region) -> list[TownshipPlanRow]:
    """One township's lines of every plan of its county (what a township user
    sees of the county's plans), with the roster's entries of each year."""
    township = scope.township_or_404(township.code)
    planned = {
        (e.plan_id, e.quota_type): e.count
        for e in scope.filter(PlannedEntry.objects.filter(township=township), "township")
    }
    entered = {
        (row["entry_date__year"], row["quota_type"]): row["n"]
        for row in Person.objects.filter(region=township, entry_date__isnull=False)
        .values("entry_date__year", "quota_type")
        .annotate(n=Count("id"))
    }
    rows: list[TownshipPlanRow] = []
    for plan in RecruitmentPlan.objects.filter(county__code=township.county_code).order_by("-year"):
        for quota_type in QuotaType.values:
            count = planned.get((plan.pk, quota_type), 0)
            done = entered.get((plan.year, quota_type), 0)
            if count or done:
                rows.append(
                    TownshipPlanRow(plan.year, plan.get_status_display(), plan.document_number, quota_type, count, done)
                )
    return rows


def township_transfers(*, scope: Scope, township: Region) -> QuerySet[QuotaTransfer]:
    return scope.filter(QuotaTransfer.objects.filter(township=township), "township")


@dataclass(frozen=True)
class DashboardYear:
    year: int
    planned: int
    entered: int
    down: int
    up: int


def dashboard_years(*, scope: Scope, region: Region) -> list[DashboardYear]:
    """Per year for every township under ``region`` (already in scope): planned
    entries of the plans, the roster's entries that year, quotas moved down and
    up. Newest year first; years with nothing are left out."""
    field = region.level_field
    planned = dict(
        PlannedEntry.objects.filter(**{f"township__{field}": region.code})
        .values("plan__year").annotate(n=Sum("count")).values_list("plan__year", "n")
    )
    transfers: dict[int, dict[str, int]] = defaultdict(lambda: {"down": 0, "up": 0})
    for year, direction, n in (
        QuotaTransfer.objects.filter(**{f"township__{field}": region.code})
        .values("date__year", "direction").annotate(n=Sum("count")).values_list("date__year", "direction", "n")
    ):
        transfers[year][direction] = n or 0
    years = set(planned) | set(transfers)
    entered = dict(
        Person.objects.filter(**{f"region__{field}": region.code}, entry_date__year__in=years)
        .values("entry_date__year").annotate(n=Count("id")).values_list("entry_date__year", "n")
    ) if years else {}
    return [
        DashboardYear(year, planned.get(year, 0) or 0, entered.get(year, 0), transfers[year]["down"], transfers[year]["up"])
        for year in sorted(years, reverse=True)
    ]
