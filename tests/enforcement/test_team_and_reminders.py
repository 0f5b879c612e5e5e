"""The enforcement office (head = a leadership member), the leader in
charge's certificate, certificate expiry reminders 30 days ahead, joint
meetings linked to tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bianzhi.enforcement import services
from bianzhi.enforcement.digest import certificate_digest
from bianzhi.kernel.errors import ServiceError
from bianzhi.roster.models import Person


def _person(region: Any, name: str, id_number: str, **fields: Any) -> Any:
    return Person.objects.create(
        id_number=id_number, name=name, gender="男", birth_date=dt.date(1980, 1, 1), region=region,
        quota_type="行政编制", **fields,
    )


def test_the_office_head_must_be_a_leadership_member(penglai: Any) -> None:
    clerk = _person(penglai, "周一般", "510923198001011234", post_category="general")
    with pytest.raises(ServiceError, match="领导班子成员兼任"):
        services.team_set(actor=None, township=penglai, leader_in_charge=None, office_head=clerk)


def test_an_uncertified_leader_in_charge_is_flagged_with_the_source(
    login: Any, daying_officer: Any, penglai: Any, clock: Any
) -> None:
    clock(dt.date(2026, 3, 1))
    leader = _person(penglai, "钱镇长", "510923198001015678", post_category="leader")
    services.team_set(actor=None, township=penglai, leader_in_charge=leader, office_head=leader)
    page = login(daying_officer).get(reverse("enforcement:township", args=[penglai.code])).content.decode()
    assert "未持有效执法证" in page and "分管执法的领导要率先取证" in page and 'href="/rules/policy/004/' in page
    leader.certificate_number, leader.certificate_expiry = "川执001", dt.date(2027, 1, 1)
    leader.save()
    page = login(daying_officer).get(reverse("enforcement:township", args=[penglai.code])).content.decode()
    assert "持有效执法证" in page and "未持有效执法证" not in page


def test_a_certificate_is_announced_30_days_before_it_expires(
    daying_officer: Any, penglai_user: Any, tongwei_officer: Any, penglai: Any
) -> None:
    _person(penglai, "孙执法", "51092319800101901X", is_enforcement_staff=True,
            certificate_number="川执002", certificate_expiry=dt.date(2026, 4, 30))
    today = dt.date(2026, 3, 31)  # 30 days before
    items = list(certificate_digest(user=penglai_user, today=today, warn_days=None))
    assert [i.title for i in items] == ["执法证即将到期：蓬莱镇 孙执法（有效期至 2026-04-30）"]
    assert list(certificate_digest(user=daying_officer, today=today, warn_days=None))
    assert not list(certificate_digest(user=tongwei_officer, today=today, warn_days=None))
    assert not list(certificate_digest(user=penglai_user, today=today - dt.timedelta(days=1), warn_days=None))


def test_a_joint_meeting_links_tasks_of_its_region_only(penglai: Any, regions: Any) -> None:
    from bianzhi.tasks.models import Task, WorkPlan

    own = Task.objects.create(plan=WorkPlan.objects.create(region=penglai, title="执法方案"), seq=1,
                              content="建立移送机制", lead_units=["综合执法办"])
    foreign_region = regions["621121"]
    foreign = Task.objects.create(plan=WorkPlan.objects.create(region=foreign_region, title="方案"), seq=1,
                                  content="x", lead_units=["x"])
    args = dict(actor=None, region=penglai, held_on=dt.date(2026, 3, 5), title="联席会议",
                participants="综合执法办、县市场监管局", decisions="建立移送机制")
    with pytest.raises(ServiceError, match="不属于蓬莱镇"):
        services.meeting_create(**args, tasks=[foreign])
    meeting = services.meeting_create(**args, tasks=[own])
    assert list(meeting.tasks.all()) == [own]


def test_the_rule_flags_an_uncertified_leader_in_charge_with_its_source(penglai: Any, clock: Any) -> None:
    from bianzhi.rules.models import StoredFinding

    clock(dt.date(2026, 3, 1))
    leader = _person(penglai, "钱镇长", "510923198001015678", post_category="leader",
                     certificate_expiry=dt.date(2026, 2, 28))
    services.team_set(actor=None, township=penglai, leader_in_charge=leader, office_head=None)
    finding = StoredFinding.objects.get(rule="enforcement-leader-certified")
    assert finding.message == "分管执法的领导钱镇长未持有效执法证"
    assert "004_650ebb92df68bbb8.txt" in finding.source and finding.severity == "warning"
    leader.certificate_expiry = dt.date(2026, 3, 1)  # the last valid day still counts
    leader.save()
    services.team_set(actor=None, township=penglai, leader_in_charge=leader, office_head=None)
    assert not StoredFinding.objects.filter(rule="enforcement-leader-certified").exists()
