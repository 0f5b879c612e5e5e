"""Institution writes run inside the rule guard: a write that would leave a
new block finding is refused with the finding and its source, and nothing of
it is saved (no row, no audit record); a write that leaves the existing block
findings as they were passes and refreshes the stored findings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tests.staffing import PENGLAI, approve, enter

from bianzhi.audit.models import AuditRecord
from bianzhi.institutions.models import Institution, InstitutionLedgerEntry
from bianzhi.institutions.services import (
    InstitutionError,
    InstitutionRuleViolation,
    institution_create,
    ledger_change,
)
from bianzhi.rules.models import StoredFinding

DOC = "大委编发〔2024〕9号"


@pytest.fixture
def ordinary(regions: Any) -> Any:
    """蓬莱镇 as a 一般乡镇 (三类 limits: 4 offices) with quotas above the floors."""
    approve(PENGLAI, admin=20, institution=20, township_class="一般乡镇")
    return regions[PENGLAI]


def _offices(township: Any, count: int) -> None:
    for n in range(count):
        Institution.objects.create(region=township, name=f"办公室{n}", kind="office", established_on=date(2020, 1, 1))


def _create(township: Any, name: str, kind: str = "office") -> Institution:
    return institution_create(
        actor=None, township=township, name=name, kind=kind, established_on=date(2024, 3, 1), document_number=DOC
    )


def test_a_fifth_office_over_the_institution_limit_is_refused_and_nothing_is_written(ordinary: Any) -> None:
    _offices(ordinary, 4)
    audits = AuditRecord.objects.count()
    with pytest.raises(InstitutionRuleViolation) as refused:
        _create(ordinary, "第五个办公室")
    assert isinstance(refused.value, InstitutionError)
    assert [f.rule for f in refused.value.findings] == ["institution-limits"]
    assert str(refused.value).startswith("不能保存：以下阻止级规则将被违反：党政综合办事机构5个")
    assert "（依据：002_3a9e3071a16f65c8.txt §1）" in str(refused.value)
    assert not Institution.objects.filter(name="第五个办公室").exists()
    assert AuditRecord.objects.count() == audits


def test_a_write_leaving_an_existing_block_finding_as_it_was_passes_and_refreshes_findings(ordinary: Any) -> None:
    _offices(ordinary, 5)  # already over the limit before the write
    _create(ordinary, "便民服务中心", kind="public-institution")
    assert Institution.objects.filter(name="便民服务中心").exists()
    assert StoredFinding.objects.filter(rule="institution-limits", severity="block").exists()


def test_a_ledger_cut_below_the_leaders_in_post_is_refused_and_nothing_is_written(ordinary: Any) -> None:
    office = institution_create(
        actor=None, township=ordinary, name="综合办公室", kind="office", established_on=date(2020, 1, 1),
        document_number=DOC, quotas={"行政编制": 3, "leader-deputy": 2},
    )
    enter(1, institution=office, post_category="leader")
    enter(2, institution=office, post_category="leader")
    entries, audits = InstitutionLedgerEntry.objects.count(), AuditRecord.objects.count()
    with pytest.raises(InstitutionRuleViolation, match="领导职数") as refused:
        ledger_change(actor=None, institution=office, item="leader-deputy", delta=-1,
                      effective_on=date(2024, 3, 1), document_number=DOC, reason="精简")
    assert [f.rule for f in refused.value.findings] == ["leadership-posts"]
    assert InstitutionLedgerEntry.objects.count() == entries
    assert AuditRecord.objects.count() == audits


def test_a_ledger_change_creating_no_new_block_finding_is_saved(ordinary: Any) -> None:
    office = institution_create(
        actor=None, township=ordinary, name="综合办公室", kind="office", established_on=date(2020, 1, 1),
        document_number=DOC, quotas={"leader-deputy": 2},
    )
    enter(1, institution=office, post_category="leader")
    ledger_change(actor=None, institution=office, item="leader-deputy", delta=-1,
                  effective_on=date(2024, 3, 1), document_number=DOC, reason="精简")
    assert InstitutionLedgerEntry.objects.filter(item="leader-deputy", delta=-1).exists()


def test_the_unified_offices_are_refused_where_the_office_limit_is_a_block(ordinary: Any) -> None:
    from bianzhi.institutions.services import institutions_create_unified

    with pytest.raises(InstitutionRuleViolation, match="党政综合办事机构6个，超过限额4个"):
        institutions_create_unified(actor=None, township=ordinary, established_on=date(2021, 1, 1), document_number=DOC)
    assert not Institution.objects.exists()


def test_the_unified_offices_action_says_beforehand_when_the_county_limits_forbid_it(
    login: Any, daying_officer: Any, regions: Any
) -> None:
    from django.urls import reverse

    # 一般乡镇 count as 三类: at most 4 offices; the eight unified offices
    # of 001 §(二)1 hold six. The page says so before anyone presses 设立.
    approve(PENGLAI, admin=20, township_class="一般乡镇")
    page = login(daying_officer).get(reverse("institutions:township", args=[PENGLAI])).content.decode()
    assert (
        "设立后党政综合办事机构6个，超过本县机构限额4个（一般乡镇按三类乡镇计），设立会被拒绝；"
        "请先撤并机构或调整本县的机构限额设置（依据：002_3a9e3071a16f65c8.txt §1）"
    ) in page
    # A county that raises its class-3 limit to 6 sees no warning.
    from bianzhi.rules.models import RuleSetting

    RuleSetting.objects.create(region=regions["510923"], rule="institution-limits",
                               parameters={"class3_max_offices": 6})
    page = login(daying_officer).get(reverse("institutions:township", args=[PENGLAI])).content.decode()
    assert "设立会被拒绝" not in page


def _two_middle_managers(township: Any) -> Institution:
    """综合办公室 and 便民服务中心 share the township's 3 中层职数 (003 §一(四)三是:
    the township distributes them); two middle managers hold posts."""
    office = institution_create(
        actor=None, township=township, name="综合办公室", kind="office", established_on=date(2020, 1, 1),
        document_number=DOC, quotas={"行政编制": 3, "middle": 1},
    )
    institution_create(
        actor=None, township=township, name="便民服务中心", kind="public-institution",
        established_on=date(2020, 1, 1), document_number=DOC, quotas={"事业编制": 3, "middle": 2},
    )
    # Both in the office: over its own 1, within the township's 3.
    enter(1, institution=office, post_category="middle")
    enter(2, institution=office, post_category="middle")
    return office


def test_middle_posts_are_counted_per_township_not_per_institution(ordinary: Any) -> None:
    _two_middle_managers(ordinary)
    assert not StoredFinding.objects.filter(rule="middle-posts").exists()


def test_a_ledger_cut_of_middle_posts_below_those_in_post_is_refused(ordinary: Any) -> None:
    _two_middle_managers(ordinary)
    centre = Institution.objects.get(name="便民服务中心")
    entries, audits = InstitutionLedgerEntry.objects.count(), AuditRecord.objects.count()
    with pytest.raises(InstitutionRuleViolation, match="中层干部已配备2名，超过核定中层职数1名") as refused:
        ledger_change(actor=None, institution=centre, item="middle", delta=-2,
                      effective_on=date(2024, 3, 1), document_number=DOC, reason="精简")
    assert [f.rule for f in refused.value.findings] == ["middle-posts"]
    assert "003_9e6110b5b282007e.txt §一(四)三是" in str(refused.value)
    assert InstitutionLedgerEntry.objects.count() == entries
    assert AuditRecord.objects.count() == audits


def test_a_middle_manager_beyond_the_township_total_is_refused_on_entry(ordinary: Any) -> None:
    from bianzhi.roster.models import Person
    from bianzhi.roster.services import RosterError

    office = _two_middle_managers(ordinary)
    enter(3, institution=office, post_category="middle")  # the third of 3
    persons = Person.objects.count()
    with pytest.raises(RosterError, match="中层干部已配备4名，超过核定中层职数3名"):
        enter(4, institution=office, post_category="middle")
    assert Person.objects.count() == persons


def test_middle_posts_pooled_by_the_county_let_a_township_go_over(ordinary: Any, regions: Any) -> None:
    from tests.staffing import HUILONG

    from bianzhi.rules.services import rule_setting_save

    approve(HUILONG, admin=20, institution=20, township_class="一般乡镇")
    institution_create(
        actor=None, township=regions[HUILONG], name="回龙综合办公室", kind="office",
        established_on=date(2020, 1, 1), document_number=DOC, quotas={"行政编制": 3, "middle": 2},
    )
    rule_setting_save(actor=None, region=regions["510923"], rule="middle-posts", parameters={"pooled": 1})
    office = _two_middle_managers(ordinary)
    enter(3, institution=office, post_category="middle")
    enter(4, institution=office, post_category="middle")  # 4 of 蓬莱镇's 3, 4 of the county's 5
    assert not StoredFinding.objects.filter(rule="middle-posts").exists()
