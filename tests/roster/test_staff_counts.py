"""Staff per institution, as the institution pages get them through the hook
the roster registers (bianzhi.kernel.hooks.staff_counts)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.staffing import enter

from bianzhi.institutions.models import LedgerItem
from bianzhi.institutions.services import ledger_change
from bianzhi.kernel.hooks import StaffCount, staff_counts
from bianzhi.roster.models import Person, Status
from bianzhi.roster.services import person_exit


def test_staff_counts_everyone_on_the_roster_and_posts_only_of_quota_holders(office: Any) -> None:
    for item in (LedgerItem.LEADER_CHIEF, LedgerItem.MIDDLE):
        ledger_change(actor=None, institution=office, item=item, delta=2, effective_on=date(2020, 1, 1),
                      document_number="大委编发〔2020〕2号", reason="职数")
    enter(1, institution=office, post_category="leader")
    enter(2, institution=office, post_category="middle")
    borrowed = enter(3, institution=office, post_category="leader")
    Person.objects.filter(pk=borrowed.pk).update(status=Status.BORROWED_IN)
    person_exit(actor=None, person=enter(4, institution=office), exited_on=date(2024, 1, 1), reason="退休")
    enter(5)  # no institution
    assert staff_counts(institution_ids=[office.pk, office.pk + 1000]) == {
        office.pk: StaffCount(on_roster=3, leaders=1, middle=1)
    }
    assert staff_counts(institution_ids=[]) == {}
