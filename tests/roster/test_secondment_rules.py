"""Secondment as 002 §9 and 000 §二.3 state it: the township Party committee's
consent and the organisation/HR approval 文号 are both required; no
secondment from an understaffed township; a secondment starting later is
not in force (在岗) until its start date, and the service period is judged
at the start date."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tests.staffing import enter

from bianzhi.audit.models import AuditRecord
from bianzhi.roster.models import Person, Status
from bianzhi.roster.services import RosterError, RuleViolation, person_second, secondments_begin

CONSENT = "蓬莱镇党委会议纪要〔2024〕3号"


def _staffed(n: int = 19) -> list[Any]:
    """19 of 蓬莱镇's 20 quotas filled (95%): not understaffed."""
    return [enter(i, quota_type="行政编制" if i <= 10 else "事业编制") for i in range(1, n + 1)]


def test_a_secondment_without_the_township_party_committee_consent_is_refused(penglai: Any) -> None:
    person = _staffed()[0]
    with pytest.raises(RosterError, match="借调须征得乡镇党委同意（002 §9）"):
        person_second(actor=None, person=person, unit="县委办", start=date(2024, 1, 1),
                      document_number="大组通〔2024〕5号", township_consent=" ")
    assert Person.objects.get(pk=person.pk).status == Status.ON_POST


def test_consent_and_approval_are_recorded(penglai: Any) -> None:
    person = _staffed()[0]
    person_second(actor=None, person=person, unit="县委办", start=date(2024, 1, 1),
                  document_number="大组通〔2024〕5号", township_consent=CONSENT)
    record = AuditRecord.objects.filter(object_id=str(person.pk)).latest("pk")
    assert record.after["乡镇党委同意"] == CONSENT
    assert record.after["组织人社部门批准文号"] == "大组通〔2024〕5号"


def test_no_secondment_from_an_understaffed_township(penglai: Any) -> None:
    people = _staffed(18)  # 18 of 20 = 90% < 95%
    with pytest.raises(RuleViolation) as refused:
        person_second(actor=None, person=people[0], unit="县委办", start=date(2024, 1, 1),
                      document_number="大组通〔2024〕5号", township_consent=CONSENT)
    (finding,) = [f for f in refused.value.findings if f.rule == "secondment-understaffed"]
    assert finding.message == (
        "借调后行政、事业编制使用率90%（在编18人/核定20名），低于95%，属人员紧张的乡镇，不得借调出人员（现借调出1人）"
    )
    assert finding.source == "000_a14086b89449fcd2.txt §二.3；002_3a9e3071a16f65c8.txt §9"
    assert Person.objects.get(pk=people[0].pk).status == Status.ON_POST


def test_a_future_secondment_is_in_force_only_from_its_start_date(penglai: Any, clock: Any) -> None:
    clock(date(2024, 1, 10))
    person = _staffed()[0]
    person_second(actor=None, person=person, unit="县委办", start=date(2024, 3, 1),
                  document_number="大组通〔2024〕5号", township_consent=CONSENT)
    person.refresh_from_db()
    assert (person.status, person.secondment_start) == (Status.ON_POST, date(2024, 3, 1))
    assert secondments_begin(today=date(2024, 2, 29)) == []
    assert [p.pk for p in secondments_begin(today=date(2024, 3, 1))] == [person.pk]
    assert Person.objects.get(pk=person.pk).status == Status.SECONDED_OUT
    assert secondments_begin(today=date(2024, 3, 2)) == []  # idempotent


def test_the_service_period_is_judged_at_the_start_date(penglai: Any, clock: Any) -> None:
    clock(date(2024, 1, 10))
    people = _staffed()
    newcomer = Person.objects.get(pk=people[0].pk)
    Person.objects.filter(pk=newcomer.pk).update(service_period_end=date(2024, 3, 1))
    newcomer.refresh_from_db()
    with pytest.raises(RuleViolation, match="处于服务期内"):
        person_second(actor=None, person=newcomer, unit="县委办", start=date(2024, 2, 29),
                      document_number="大组通〔2024〕5号", township_consent=CONSENT)
    # Registered on 1-10, starting the day the period ends: allowed.
    person_second(actor=None, person=newcomer, unit="县委办", start=date(2024, 3, 1),
                  document_number="大组通〔2024〕5号", township_consent=CONSENT)
    assert Person.objects.get(pk=newcomer.pk).status == Status.ON_POST
