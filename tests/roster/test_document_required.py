"""入编, 调动 and 借调 need a 文号 in the service, not only in their forms: a
caller that skips the form (command line, another app) cannot record one
of them without the document that decided it. Nothing is written then."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tests.staffing import HUILONG, PENGLAI, approve, enter, id_number

from bianzhi.audit.models import AuditRecord
from bianzhi.kernel.errors import DOCUMENT_NUMBER_REQUIRED
from bianzhi.roster.models import Person, Status
from bianzhi.roster.services import RosterError, person_enter, person_second, person_transfer


@pytest.mark.parametrize("blank", ["", "  "])
def test_entry_without_a_document_number_is_refused(penglai: Any, blank: str) -> None:
    with pytest.raises(RosterError) as refused:
        person_enter(actor=None, id_number=id_number(1), name="甲", township=penglai,
                     quota_type="行政编制", entry_date=date(2020, 1, 1), document_number=blank)
    assert str(refused.value) == DOCUMENT_NUMBER_REQUIRED
    assert not Person.objects.exists()


def test_transfer_without_a_document_number_is_refused(penglai: Any, regions: Any) -> None:
    approve(HUILONG, admin=5)
    person = enter(1)
    records = AuditRecord.objects.count()
    with pytest.raises(RosterError, match="文号"):
        person_transfer(actor=None, person=person, to_township=regions[HUILONG],
                        effective_on=date(2024, 1, 1), document_number=" ")
    person.refresh_from_db()
    assert person.region.code == PENGLAI and AuditRecord.objects.count() == records


def test_secondment_without_a_document_number_is_refused(penglai: Any) -> None:
    person = enter(1)
    with pytest.raises(RosterError, match="文号"):
        person_second(actor=None, person=person, unit="县委办", start=date(2024, 1, 1), document_number="", township_consent="蓬莱镇党委会议纪要〔2024〕3号")
    person.refresh_from_db()
    assert person.status == Status.ON_POST


def test_the_document_number_is_recorded_stripped(penglai: Any) -> None:
    from bianzhi.rules.models import RuleSetting

    # One person on 20 quotas is understaffed (000 §二.3): not what this tests.
    RuleSetting.objects.create(region=penglai.parent, rule="secondment-understaffed", enabled=False)
    person = enter(1)
    person_second(actor=None, person=person, unit="县委办", start=date(2024, 1, 1),
                  document_number=" 大组通〔2024〕5号 ", township_consent="蓬莱镇党委会议纪要〔2024〕3号")
    record = AuditRecord.objects.filter(object_id=str(person.pk)).latest("pk")
    assert record.reason == "大组通〔2024〕5号"
