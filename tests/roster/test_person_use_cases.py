from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tests.staffing import HUILONG, PENGLAI, approve, enter, id_number

from bianzhi.audit.models import AuditRecord
from bianzhi.roster.models import Person, Status
from bianzhi.roster.services import (
    RosterError,
    RuleViolation,
    person_exit,
    person_second,
    person_secondment_end,
    person_transfer,
    person_update,
)
from bianzhi.rules.models import RuleSetting, StoredFinding


def test_entry_derives_gender_and_birth_date_and_masks_the_audit(penglai: Any) -> None:
    person = enter(1, born="19880315")
    assert person.gender == "男" and person.birth_date == date(1988, 3, 15)
    assert person.service_period_end == date(2018, 9, 1)  # entry + 3 years (003)
    record = AuditRecord.objects.get(object_type="roster.person", object_id=str(person.pk))
    assert person.id_number not in str(record.after)
    assert "********" in record.after["身份证号"]


def test_an_invalid_identity_number_is_refused_in_chinese(penglai: Any) -> None:
    from bianzhi.roster.services import person_enter

    bad = id_number(1)[:-1] + ("0" if id_number(1)[-1] != "0" else "1")
    with pytest.raises(RosterError, match="校验码错误"):
        person_enter(actor=None, id_number=bad, name="甲", township=penglai, quota_type="行政编制",
                     entry_date=date(2020, 1, 1), document_number="x")
    assert not Person.objects.exists()


def test_one_person_cannot_hold_two_quotas(penglai: Any) -> None:
    enter(1)
    with pytest.raises(RosterError, match="同一人不能占用两个编制"):
        enter(1, quota_type="事业编制")


def test_entry_without_a_vacancy_is_refused_when_over_quota_blocks(regions: Any) -> None:
    approve(PENGLAI, admin=1, institution=0)
    enter(1)
    with pytest.raises(RuleViolation, match="入编后行政编制在编2人，超过核定1名"):
        enter(2)
    assert Person.objects.count() == 1


def test_entry_without_a_vacancy_is_saved_with_a_warning_when_the_region_says_so(regions: Any) -> None:
    from bianzhi.roster.services import person_enter

    approve(PENGLAI, admin=1)
    RuleSetting.objects.create(region=regions["510923"], rule="over-quota", severity="warning")
    enter(1)
    result = person_enter(actor=None, id_number=id_number(2), name="乙", township=regions[PENGLAI],
                          quota_type="行政编制", entry_date=date(2020, 1, 1), document_number="x")
    assert [f.rule for f in result.warnings] == ["over-quota"]
    assert StoredFinding.objects.filter(rule="over-quota", severity="warning").exists()


def test_secondment_inside_the_service_period_is_refused(penglai: Any) -> None:
    person = enter(1, entry_date=date(2024, 9, 1))
    with pytest.raises(RuleViolation, match="处于服务期内"):
        person_second(actor=None, person=person, unit="县委办", start=date(2025, 1, 1), document_number="x", township_consent="蓬莱镇党委会议纪要〔2024〕3号")
    person.refresh_from_db()
    assert person.status == Status.ON_POST


def test_secondment_beyond_the_share_is_refused_and_ending_it_restores(penglai: Any) -> None:
    # 20 quotas: 5% allows one seconded person. (Three persons on 20 quotas
    # is understaffed; that rule has its own tests.)
    _understaffed_off()
    people = [enter(i) for i in range(1, 4)]
    person_second(actor=None, person=people[0], unit="县委办", start=date(2024, 1, 1), document_number="x", township_consent="蓬莱镇党委会议纪要〔2024〕3号")
    with pytest.raises(RuleViolation, match="借出人员2人"):
        person_second(actor=None, person=people[1], unit="县委办", start=date(2024, 1, 1), document_number="x", township_consent="蓬莱镇党委会议纪要〔2024〕3号")
    person_secondment_end(actor=None, person=people[0], returned_on=date(2024, 6, 1))
    person_second(actor=None, person=people[1], unit="县委办", start=date(2024, 7, 1), document_number="x", township_consent="蓬莱镇党委会议纪要〔2024〕3号")


def test_transfer_checks_the_vacancy_of_the_target_township(penglai: Any) -> None:
    approve(HUILONG, admin=1)
    from bianzhi.regions.models import Region

    target = Region.objects.get(code=HUILONG)
    first, second = enter(1), enter(2)
    person_transfer(actor=None, person=first, to_township=target, effective_on=date(2024, 1, 1),
                    document_number="x")
    assert Person.objects.get(pk=first.pk).region == target
    with pytest.raises(RuleViolation):
        person_transfer(actor=None, person=second, to_township=target, effective_on=date(2024, 1, 1),
                        document_number="x")


def test_exit_keeps_the_record_and_frees_the_quota(regions: Any) -> None:
    approve(PENGLAI, admin=1)
    person = enter(1)
    person_exit(actor=None, person=person, exited_on=date(2024, 1, 1), reason="退休")
    enter(2)  # the vacancy is free again
    assert Person.objects.get(pk=person.pk).exited_on == date(2024, 1, 1)


def test_an_edit_that_creates_a_block_finding_is_refused(penglai: Any) -> None:
    # 5 staff: 20% allows one 优秀.
    people = [enter(i) for i in range(1, 6)]
    person_update(actor=None, person=people[0], changes={"assessment_grade": "优秀"})
    with pytest.raises(RuleViolation, match="年度考核优秀2人"):
        person_update(actor=None, person=people[1], changes={"assessment_grade": "优秀"})
    assert Person.objects.filter(assessment_grade="优秀").count() == 1


def _understaffed_off() -> None:
    from bianzhi.regions.models import Region

    RuleSetting.objects.create(region=Region.objects.get(code="510923"), rule="secondment-understaffed", enabled=False)
