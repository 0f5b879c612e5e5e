"""The monitoring indicators (监测指标) and how each is measured for a township.

Every figure is read from the app that owns it, through its models, on a
given date: approved quotas (townships), persons (roster), enforcement
certificates (roster), rule findings (rules), list sizes (duties), task
completion (tasks). An app with no data for the township gives None, and the
report says "—" instead of inventing a zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from bianzhi.core.tasks import Better, Indicator, completion
from bianzhi.regions.models import Region

ADMIN, INSTITUTION = "行政编制", "事业编制"

INDICATORS: tuple[Indicator, ...] = (
    Indicator("admin_quota", "核定行政编制", "名", Better.NEUTRAL),
    Indicator("institution_quota", "核定事业编制", "名", Better.NEUTRAL),
    Indicator("staff", "实有人员", "人", Better.UP),
    Indicator("vacancies", "空编", "名", Better.DOWN),
    Indicator("over_quota", "超编", "名", Better.DOWN),
    Indicator("usage_rate", "编制使用率", "%", Better.UP, is_rate=True),
    Indicator("seconded_out", "借调出人员", "人", Better.DOWN),
    Indicator("enforcement_staff", "综合执法人员", "人", Better.UP),
    Indicator("certification_rate", "执法持证率", "%", Better.UP, is_rate=True),
    Indicator("institutions", "机构数", "个", Better.NEUTRAL),
    Indicator("findings", "规则检查问题", "条", Better.DOWN),
    Indicator("duty_list_size", "权责清单事项", "项", Better.NEUTRAL),
    Indicator("territorial_list_size", "属地事项", "项", Better.NEUTRAL),
    Indicator("tasks_total", "工作任务", "项", Better.NEUTRAL),
    Indicator("tasks_closed", "已销号任务", "项", Better.UP),
    Indicator("tasks_overdue", "逾期任务", "项", Better.DOWN),
    Indicator("task_completion", "任务完成率", "%", Better.UP, is_rate=True),
)
INDICATOR_BY_KEY = {i.key: i for i in INDICATORS}
# Figures of the county, not of each township: the territorial matters list is
# one list per county, so a county total takes it once instead of summing it.
COUNTY_WIDE = ("territorial_list_size",)
# Figures that add up over townships (rates are recomputed from these).
SUMMABLE = tuple(i.key for i in INDICATORS if not i.is_rate and i.key not in COUNTY_WIDE)


def _quotas(township: Region) -> dict[str, int] | None:
    from bianzhi.townships.models import ApprovedQuota

    rows = dict(ApprovedQuota.objects.filter(township=township).values_list("quota_type", "count"))
    return rows or None


def _people(township: Region, on: dt.date) -> dict[str, int]:
    from bianzhi.roster.models import Person, Status

    on_roster = (
        Person.objects.filter(region=township)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gt=on))
        .filter(Q(entry_date__isnull=True) | Q(entry_date__lte=on))
    )
    # 借入 persons hold another township's quota: not counted against this one.
    holding = on_roster.exclude(status=Status.BORROWED_IN)
    enforcement = holding.filter(is_enforcement_staff=True)
    return {
        "staff": holding.count(),
        "seconded_out": holding.filter(status=Status.SECONDED_OUT).count(),
        "enforcement_staff": enforcement.count(),
        "certified": enforcement.filter(certificate_expiry__gte=on)
        .exclude(certificate_number="")
        .count(),
    }


def _institutions(township: Region, on: dt.date) -> int:
    from bianzhi.institutions.models import Institution

    return (
        Institution.objects.filter(region=township, established_on__lte=on)
        .filter(Q(abolished_on__isnull=True) | Q(abolished_on__gt=on))
        .count()
    )


def _findings(township: Region) -> int:
    from bianzhi.rules.models import StoredFinding

    return StoredFinding.objects.filter(township=township).count()


def county_findings(county: Region) -> list[dict[str, str]]:
    """The stored findings about the county as a whole (no township: e.g. the
    county totals of 两个不减少), as plain values for a snapshot."""
    from bianzhi.rules.models import StoredFinding

    return [
        {"rule": f.rule, "severity": f.severity, "message": f.message, "source": f.source}
        for f in StoredFinding.objects.filter(county=county, township__isnull=True).order_by(
            "rule", "id"
        )
    ]


def _lists(township: Region, on: dt.date) -> tuple[int, int]:
    from bianzhi.duties.models import TerritorialMatter
    from bianzhi.duties.selectors.duty_list import duty_list

    duties = len(duty_list(township=township, today=on))
    matters = TerritorialMatter.objects.filter(
        county__code=township.county_code, active=True
    ).count()
    return duties, matters


def _tasks(township: Region, on: dt.date) -> tuple[int, int, int]:
    from bianzhi.core.tasks import TaskStatus
    from bianzhi.tasks.models import Task

    result = completion(
        (
            (deadline, TaskStatus(status))
            for deadline, status in Task.objects.filter(plan__region=township).values_list(
                "deadline", "status"
            )
        ),
        today=on,
    )
    return result.total, result.closed, result.overdue


def township_figures(*, township: Region, on: dt.date) -> dict[str, Any]:
    """The figures of ``township`` on ``on`` (keys of ``INDICATORS``; None = no data)."""
    quotas = _quotas(township)
    people = _people(township, on)
    admin = quotas.get(ADMIN, 0) if quotas else None
    institution = quotas.get(INSTITUTION, 0) if quotas else None
    approved = (admin or 0) + (institution or 0) if quotas else None
    duties, matters = _lists(township, on)
    total, closed, overdue = _tasks(township, on)
    figures: dict[str, Any] = {
        "admin_quota": admin,
        "institution_quota": institution,
        **{k: people[k] for k in ("staff", "seconded_out", "enforcement_staff")},
        "certified": people["certified"],
        "institutions": _institutions(township, on),
        "findings": _findings(township),
        "duty_list_size": duties,
        "territorial_list_size": matters,
        "tasks_total": total,
        "tasks_closed": closed,
        "tasks_overdue": overdue,
    }
    # 空编 and 超编 apart: a township 3 over and another 3 short are not "0 vacant".
    balance = approved - people["staff"] if approved is not None else None
    figures["vacancies"] = max(balance, 0) if balance is not None else None
    figures["over_quota"] = max(-balance, 0) if balance is not None else None
    return with_rates(figures, approved=approved)


def normalized(figures: dict[str, Any]) -> dict[str, Any]:
    """``figures`` of a stored snapshot in today's terms: snapshots taken before
    超编 was measured apart hold a negative 空编 for a township over its quota."""
    result = dict(figures)
    vacancies = result.get("vacancies")
    if "over_quota" not in result and vacancies is not None:
        result["vacancies"], result["over_quota"] = max(vacancies, 0), max(-vacancies, 0)
    return result


def with_rates(figures: dict[str, Any], *, approved: int | None = None) -> dict[str, Any]:
    """Add the rates computed from the counts (so sums over townships stay right)."""
    if approved is None and figures.get("admin_quota") is not None:
        approved = (figures.get("admin_quota") or 0) + (figures.get("institution_quota") or 0)
    staff = figures.get("staff") or 0
    figures["usage_rate"] = staff / approved if approved else None
    enforcement = figures.get("enforcement_staff") or 0
    figures["certification_rate"] = (
        (figures.get("certified") or 0) / enforcement if enforcement else None
    )
    total = figures.get("tasks_total") or 0
    figures["task_completion"] = (figures.get("tasks_closed") or 0) / total if total else None
    return figures


def county_totals(per_township: list[dict[str, Any]], *, once: bool = True) -> dict[str, Any]:
    """Sums of the summable figures over townships (None when no township has data).

    The county-wide figures are taken once (``once``); summing the totals of
    several counties (a city) passes ``once=False`` to add them up instead.
    """
    totals: dict[str, Any] = {}
    for key in (*SUMMABLE, "certified"):
        values = [f.get(key) for f in per_township if f.get(key) is not None]
        totals[key] = sum(values) if values else None
    for key in COUNTY_WIDE:
        counts: list[int] = [f[key] for f in per_township if f.get(key) is not None]
        totals[key] = (max(counts) if once else sum(counts)) if counts else None
    return with_rates(totals)
