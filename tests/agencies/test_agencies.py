"""Dispatched agencies: handover to local management moving quotas and staff
through the ledger and roster, head changes gated by the township's written
opinion, assessments with weight floors, two-way evaluation and rankings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from tests.conftest import DAYING, PENGLAI
from tests.duty_actors import LONGSHENG
from tests.staffing import approve, enter

from bianzhi.agencies import selectors, services
from bianzhi.agencies.models import Direction, Mode
from bianzhi.agencies.services import AgencyError

D = Decimal


@pytest.fixture
def market(regions: Any, department: Any) -> Any:
    """市场监管所 of 蓬莱镇 with 3 institution quotas on the ledger."""
    approve(PENGLAI, admin=10, institution=10)
    return services.agency_create(
        actor=None,
        township=regions[PENGLAI],
        name="蓬莱市场监管所",
        agency_type="市场监管所",
        managing_department=department,
        established_on=date(2019, 1, 1),
        document_number="大编发〔2019〕1号",
        quotas={"事业编制": 3},
    )


def test_a_handover_moves_quotas_and_staff_in_the_ledger(market: Any, daying_officer: Any) -> None:
    from bianzhi.institutions.models import Institution

    old = market.institution
    enter(1, institution=old, quota_type="事业编制")
    enter(2, institution=old, quota_type="事业编制")
    assert selectors.agency_staffing(agency=market) == selectors.AgencyStaffing({"事业编制": 3}, 2)
    result = services.agency_hand_over(
        actor=daying_officer, agency=market, handed_over_on=date(2025, 1, 1), document_number="大委编发〔2025〕1号"
    )
    assert (result.quota_moved, result.staff_moved) == (3, 2)
    market.refresh_from_db()
    assert market.mode == Mode.LOCAL
    new = market.institution
    assert new.pk != old.pk and new.kind == "public-institution" and new.name == "蓬莱市场监管所"
    assert Institution.objects.get(pk=old.pk).abolished_on == date(2025, 1, 1)
    assert selectors.agency_staffing(agency=market) == selectors.AgencyStaffing({"事业编制": 3}, 2)
    with pytest.raises(AgencyError, match="已实行属地管理"):
        services.agency_hand_over(actor=None, agency=market, handed_over_on=date(2025, 2, 1), document_number="x")


def test_a_head_change_cannot_complete_without_the_townships_written_opinion(
    market: Any, daying_officer: Any, penglai_user: Any
) -> None:
    change = services.head_change_start(actor=daying_officer, agency=market, kind="appoint", person_name="王明")
    with pytest.raises(AgencyError, match="尚未登记蓬莱镇的书面意见"):
        services.head_change_complete(actor=daying_officer, change=change, document_number="大组任〔2025〕3号")
    services.head_opinion_record(actor=penglai_user, change=change, agrees=False, text="该同志不熟悉本镇情况")
    with pytest.raises(AgencyError, match="应征得驻地乡镇同意"):
        services.head_change_complete(actor=daying_officer, change=change, document_number="大组任〔2025〕3号")
    services.head_opinion_record(actor=penglai_user, change=change, agrees=True, text="经党委会研究，同意")
    services.head_change_complete(actor=daying_officer, change=change, document_number="大组任〔2025〕3号")
    market.refresh_from_db()
    assert market.head_name == "王明"


def test_another_township_cannot_give_the_opinion(market: Any, daying_officer: Any, longsheng_user: Any) -> None:
    change = services.head_change_start(actor=daying_officer, agency=market, kind="remove", person_name="李强")
    with pytest.raises(PermissionDenied):
        services.head_opinion_record(actor=longsheng_user, change=change, agrees=True, text="同意")


def test_an_agency_assessment_below_the_floor_is_refused(market: Any, daying_officer: Any) -> None:
    with pytest.raises(AgencyError) as err:
        services.agency_assessment_record(
            actor=daying_officer, agency=market, year=2024, township_weight=D(40), township_score=D(90), department_score=D(80)
        )
    assert str(err.value) == (
        "派驻机构考核中乡镇评价结果的权重为40%，低于规定的50%"
        "（000 §二.2；004《优化机构编制资源配置工作方案》§二(二)），请提高乡镇评价权重"
    )
    assessment = services.agency_assessment_record(
        actor=daying_officer, agency=market, year=2024, township_weight=D(50), township_score=D(90), department_score=D(80)
    )
    assert assessment.total == D("85.00")


def test_a_county_floor_raises_the_policy_floor(market: Any, daying_officer: Any, regions: Any) -> None:
    services.floor_set(actor=daying_officer, region=regions[DAYING], agency_floor=D(60), department_floor=None)
    floors = selectors.effective_floors(region=regions[PENGLAI])
    assert (floors.agency, floors.department, floors.agency_region) == (D(60), D(30), "大英县")
    with pytest.raises(AgencyError, match="低于规定的60%（大英县设定）"):
        services.agency_assessment_record(
            actor=None, agency=market, year=2024, township_weight=D(55), township_score=D(90), department_score=D(80)
        )
    with pytest.raises(AgencyError, match="50%～100%"):
        services.floor_set(actor=daying_officer, region=regions[DAYING], agency_floor=D(45), department_floor=None)


def test_two_way_evaluation_feeds_the_department_assessment_and_rankings(
    regions: Any, department: Any, daying_officer: Any, penglai_user: Any, dept_user: Any
) -> None:
    from bianzhi.accounts.services import department_create

    other = department_create(county=regions[DAYING], name="县住房城乡建设局")
    t2d = Direction.TOWNSHIP_TO_DEPARTMENT
    services.evaluation_record(actor=penglai_user, year=2024, direction=t2d, township=regions[PENGLAI], department=department, score=D(90))
    services.evaluation_record(actor=None, year=2024, direction=t2d, township=regions[LONGSHENG], department=department, score=D(85))
    services.evaluation_record(actor=None, year=2024, direction=t2d, township=regions[PENGLAI], department=other, score=D(95))
    services.evaluation_record(
        actor=dept_user, year=2024, direction=Direction.DEPARTMENT_TO_TOWNSHIP, township=regions[PENGLAI], department=department, score=D(88)
    )
    with pytest.raises(PermissionDenied):
        services.evaluation_record(actor=penglai_user, year=2024, direction=t2d, township=regions[LONGSHENG], department=other, score=D(60))
    with pytest.raises(AgencyError, match="不能重复评议"):
        services.evaluation_record(actor=None, year=2024, direction=t2d, township=regions[PENGLAI], department=department, score=D(10))
    with pytest.raises(AgencyError, match="低于规定的30%"):
        services.department_assessment_record(actor=daying_officer, department=department, year=2024, township_weight=D(20), other_score=D(80))
    a = services.department_assessment_record(actor=daying_officer, department=department, year=2024, township_weight=D(30), other_score=D(80))
    assert (a.township_score, a.total) == (D("87.50"), D("82.25"))
    services.department_assessment_record(actor=daying_officer, department=other, year=2024, township_weight=D(30), other_score=D(80))
    ranking = selectors.department_ranking(county=regions[DAYING], year=2024)
    assert [(r.key.department.name, r.rank) for r in ranking] == [("县住房城乡建设局", 1), ("县农业农村局", 2)]
    by_townships, by_departments = selectors.evaluation_rankings(county=regions[DAYING], year=2024)
    assert [(r.name, r.count, r.mean) for r in by_townships] == [("县住房城乡建设局", 1, D("95.00")), ("县农业农村局", 2, D("87.50"))]
    assert [(r.name, r.rank) for r in by_departments] == [("蓬莱镇", 1)]


def test_outsiders_cannot_register_or_assess(market: Any, tongwei_officer: Any, regions: Any, department: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.agency_create(
            actor=tongwei_officer, township=regions[PENGLAI], name="X所", agency_type="司法所", managing_department=department
        )
    with pytest.raises(PermissionDenied):
        services.agency_assessment_record(
            actor=tongwei_officer, agency=market, year=2024, township_weight=D(50), township_score=D(1), department_score=D(1)
        )


def test_a_handover_over_the_public_institution_limit_is_refused_and_nothing_is_written(
    market: Any, daying_officer: Any
) -> None:
    from bianzhi.agencies.services import AgencyRuleViolation
    from bianzhi.audit.models import AuditRecord
    from bianzhi.institutions.models import Institution
    from bianzhi.townships.models import Township

    Township.objects.update_or_create(region=market.township, defaults={"township_class": "一般乡镇"})
    for n in range(5):  # 三类 limit: 5 直属事业单位
        Institution.objects.create(region=market.township, name=f"中心{n}", kind="public-institution",
                                   established_on=date(2020, 1, 1))
    audits = AuditRecord.objects.count()
    with pytest.raises(AgencyRuleViolation, match="直属事业单位6个，超过限额5个") as refused:
        services.agency_hand_over(actor=daying_officer, agency=market, handed_over_on=date(2025, 1, 1),
                                  document_number="大委编发〔2025〕1号")
    assert isinstance(refused.value, AgencyError)
    market.refresh_from_db()
    assert market.mode != Mode.LOCAL and market.institution.abolished_on is None
    assert AuditRecord.objects.count() == audits


def test_an_agency_kept_dispatched_by_001_cannot_be_handed_over(regions: Any, department: Any, daying_officer: Any) -> None:
    approve(PENGLAI, admin=10, institution=10)
    police = services.agency_create(actor=None, township=regions[PENGLAI], name="蓬莱派出所", agency_type="派出所",
                                    managing_department=department)
    assert police.vertical
    with pytest.raises(AgencyError, match=r"属党中央、省级明确规定实行派驻的机构，不作调整，不能划转属地管理（001 §\(二\)2）"):
        services.agency_hand_over(actor=daying_officer, agency=police, handed_over_on=date(2025, 1, 1),
                                  document_number="大委编发〔2025〕1号")
    police.refresh_from_db()
    assert police.mode == Mode.DISPATCHED


def test_the_agency_staffing_names_posts_by_their_labels(market: Any) -> None:
    from bianzhi.institutions.models import InstitutionLedgerEntry, LedgerItem

    # Written directly: the ledger service refuses direct changes to a
    # dispatched agency's quota (002 §3); this test reads labels only.
    InstitutionLedgerEntry.objects.create(
        institution=market.institution, region=market.township, item=LedgerItem.LEADER_CHIEF, delta=1,
        effective_on=date(2019, 1, 2), document_number="大编发〔2019〕2号", reason="所长职数",
    )
    assert selectors.agency_staffing(agency=market).quotas == {"事业编制": 3, "科级正职职数": 1}
