"""Demo step: dispatched agencies, a head change and a year of assessments
and two-way evaluations for 大英县 and 通渭县 (示例数据: plausible, not official).

Idempotent: each part is skipped when the county already has it. Written
through the services (actor None = 系统), so it is audited. Runs right after
the duties step, whose county departments manage the agencies and are
evaluated here.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from bianzhi.accounts.models import Department
from bianzhi.agencies import services
from bianzhi.agencies.models import Direction, DispatchedAgency, Evaluation
from bianzhi.duties.demo import DEPARTMENTS_SHARED, demo_departments
from bianzhi.duties.selectors.common import townships_of
from bianzhi.kernel import clock
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.models import Region

AGENCY_KINDS = (
    ("派出所", "县公安局"),
    ("司法所", "县司法局"),
    ("市场监管所", "县市场监管局"),
    ("自然资源和规划所", "县自然资源和规划局"),
)


def _score(*parts: object, low: int = 75, high: int = 98) -> Decimal:
    """A stable pseudo-random score: the demo must give the same data every run."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return Decimal(low + digest[0] % (high - low + 1)) + Decimal(digest[1] % 10) / 10


def _agencies(county: Region, short: str, departments: dict[str, Department]) -> None:
    year = clock.today().year - 1
    townships = list(townships_of(county=county))[:4]
    if not DispatchedAgency.objects.filter(township__county_code=county.code).exists():
        for t_index, township in enumerate(townships):
            for a_index, (kind, department) in enumerate(AGENCY_KINDS):
                if (t_index + a_index) % 4 == 3:
                    continue  # not every township has every agency
                base = township.name.removesuffix("镇").removesuffix("乡").removesuffix("街道")
                agency = services.agency_create(
                    actor=None,
                    township=township,
                    name=f"{base}{kind}",
                    agency_type=kind,
                    managing_department=departments[department],
                    head_name=("张", "李", "王", "刘")[a_index] + ("建华", "志强", "丽", "军")[t_index],
                )
                services.agency_assessment_record(
                    actor=None,
                    agency=agency,
                    year=year,
                    township_weight=Decimal(50 + 10 * (a_index % 2)),
                    township_score=_score(agency.name, "乡镇"),
                    department_score=_score(agency.name, "部门"),
                )
        first = DispatchedAgency.objects.filter(township__county_code=county.code).order_by("id").first()
        if first is not None:
            done = services.head_change_start(actor=None, agency=first, kind="appoint", person_name="赵明")
            services.head_opinion_record(actor=None, change=done, agrees=True, text="经镇党委会研究，同意（示例数据）")
            services.head_change_complete(actor=None, change=done, document_number=f"{short}组任〔{year}〕12号")
            services.head_change_start(actor=None, agency=first, kind="remove", person_name="赵明")
    if Evaluation.objects.filter(department__county=county, year=year).exists():
        return
    for evaluated in list(departments.values())[:6]:
        for township in townships:
            for direction in (Direction.TOWNSHIP_TO_DEPARTMENT, Direction.DEPARTMENT_TO_TOWNSHIP):
                services.evaluation_record(
                    actor=None,
                    year=year,
                    direction=direction,
                    township=township,
                    department=evaluated,
                    score=_score(evaluated.name, township.code, direction),
                )
        services.department_assessment_record(
            actor=None,
            department=evaluated,
            year=year,
            township_weight=Decimal(30 + 5 * (len(evaluated.name) % 2)),
            other_score=_score(evaluated.name, "其他"),
        )


# Same order as the duties step, which must run first (it creates the
# departments): steps of one order run by name, and "派…" sorts after "权…".
@demo_step("派驻机构与考核评价（示例数据）", order=70)
def agencies_demo(ctx: DemoContext) -> None:
    shared = ctx.shared.get(DEPARTMENTS_SHARED, {})
    for code in ctx.county_codes:
        county = Region.objects.filter(code=code).first()
        if county is None:
            continue
        # The duties step's own mapping, so "the first six" departments are
        # the same ones it would have picked.
        departments = shared.get(county.code) or demo_departments(county)
        _agencies(county, county.name[0], departments)
