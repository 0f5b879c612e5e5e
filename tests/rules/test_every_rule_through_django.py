"""Every shipped rule, fed from the database through the snapshot builder and
stored by findings_refresh (SQLite, and PostgreSQL with
BIANZHI_DATABASE_URL set)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db.models import Q
from tests.staffing import PENGLAI, approve, enter

from bianzhi.core.rules import RULES
from bianzhi.institutions.services import institution_create, ledger_change
from bianzhi.regions.models import Region
from bianzhi.roster.models import Person, Status
from bianzhi.roster.services import person_update
from bianzhi.rules.models import RuleSetting, StoredFinding
from bianzhi.rules.services import findings_refresh

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _township() -> Region:
    return Region.objects.get(code=PENGLAI)


def _office(name: str = "综合办公室", admin: int = 2, kind: str = "office") -> Any:
    return institution_create(actor=None, township=_township(), name=name, kind=kind,
                              established_on=date(2020, 1, 1), document_number="x",
                              quotas={"行政编制": admin} if admin else None)


def _warn_all() -> None:
    # Make every rule a warning so the setup writes are not refused.
    for rule in RULES:
        RuleSetting.objects.create(region=Region.objects.get(code="510923"), rule=rule.id, severity="warning")


def ordinary_admin_floor() -> None:
    approve(PENGLAI, admin=14, township_class="一般乡镇")


def no_total_decrease() -> None:
    approve(PENGLAI, admin=10, previous={"行政编制": 12})


def control_number() -> None:
    from bianzhi.townships.services import control_number_set

    approve(PENGLAI, admin=10)
    control_number_set(county=Region.objects.get(code="510923"), quota_type="行政编制", count=8,
                       document_number="川编发〔2024〕9号", date=date(2024, 1, 10))


def over_quota() -> None:
    approve(PENGLAI, admin=1)
    enter(1)
    enter(2)


def usage_rate() -> None:
    approve(PENGLAI, admin=10)
    for i in range(1, 9):
        enter(i)


def secondment_share() -> None:
    approve(PENGLAI, admin=10)
    for i in range(1, 3):
        Person.objects.filter(pk=enter(i).pk).update(status=Status.SECONDED_OUT, secondment_unit="县委办")


def secondment_understaffed() -> None:
    approve(PENGLAI, admin=10)
    enter(1)
    Person.objects.filter(pk=enter(2).pk).update(status=Status.SECONDED_OUT, secondment_unit="县委办")


def service_period() -> None:
    approve(PENGLAI, admin=10)
    person = enter(1, entry_date=date(TODAY.year - 1, 1, 1))
    Person.objects.filter(pk=person.pk).update(status=Status.SECONDED_OUT, secondment_unit="县委办",
                                               secondment_start=date(TODAY.year - 1, 6, 1))


def enforcement_staff() -> None:
    approve(PENGLAI, admin=10)
    enter(1, is_enforcement_staff=True)


def enforcement_leader_certified() -> None:
    from bianzhi.enforcement.models import EnforcementTeam

    approve(PENGLAI, admin=10)
    leader = enter(1, post_category="leader")  # no certificate
    EnforcementTeam.objects.create(township=_township(), leader_in_charge=leader)


def office_admin_min() -> None:
    approve(PENGLAI, admin=10)
    _office(admin=1)


def institution_limits() -> None:
    approve(PENGLAI, admin=10, township_class="一般乡镇")  # class 3: at most 4 offices
    for i in range(5):
        _office(name=f"办公室{i}")


def leadership_posts() -> None:
    approve(PENGLAI, admin=10)
    office = _office()
    ledger_change(actor=None, institution=office, item="leader-chief", delta=1, effective_on=date(2020, 1, 1),
                  document_number="x", reason="核定")
    enter(1, post_category="leader")
    enter(2, post_category="leader")


def middle_posts() -> None:
    approve(PENGLAI, admin=10)
    office = _office()
    ledger_change(actor=None, institution=office, item="middle", delta=1, effective_on=date(2020, 1, 1),
                  document_number="x", reason="核定")
    enter(1, post_category="middle")
    enter(2, post_category="middle")


def excellent_share() -> None:
    approve(PENGLAI, admin=10)
    people = [enter(i) for i in range(1, 5)]
    for person in people[:2]:
        person_update(actor=None, person=person, changes={"assessment_grade": "优秀"})


SETUPS: dict[str, Callable[[], None]] = {
    "ordinary-admin-floor": ordinary_admin_floor,
    "no-total-decrease": no_total_decrease,
    "control-number": control_number,
    "over-quota": over_quota,
    "usage-rate": usage_rate,
    "secondment-share": secondment_share,
    "secondment-understaffed": secondment_understaffed,
    "service-period": service_period,
    "enforcement-staff": enforcement_staff,
    "enforcement-leader-certified": enforcement_leader_certified,
    "office-admin-min": office_admin_min,
    "institution-limits": institution_limits,
    "leadership-posts": leadership_posts,
    "middle-posts": middle_posts,
    "excellent-share": excellent_share,
}


def test_every_catalogued_rule_has_a_database_scenario() -> None:
    assert set(SETUPS) == {r.id for r in RULES}


@pytest.mark.parametrize("rule", sorted(SETUPS))
def test_the_rule_is_found_from_the_database_and_stored(rule: str, regions: Any) -> None:
    _warn_all()
    SETUPS[rule]()
    findings_refresh(county_code="510923")
    stored = StoredFinding.objects.filter(rule=rule).filter(
        Q(township__code=PENGLAI) | Q(object_kind="county")
    )
    finding = stored.first()
    assert finding is not None, rule
    assert finding.source and finding.message and finding.county.code == "510923"


def test_a_disabled_rule_reports_nothing(regions: Any) -> None:
    approve(PENGLAI, admin=14, township_class="一般乡镇")
    RuleSetting.objects.create(region=regions["51"], rule="ordinary-admin-floor", enabled=False)
    findings_refresh(county_code="510923")
    assert not StoredFinding.objects.filter(rule="ordinary-admin-floor").exists()


def test_the_county_setting_wins_over_the_province(regions: Any) -> None:
    from bianzhi.rules.services import rule_setting_save

    approve(PENGLAI, admin=14, township_class="一般乡镇")
    rule_setting_save(actor=None, region=regions["51"], rule="ordinary-admin-floor", parameters={"min_admin_quota": 10})
    assert not StoredFinding.objects.filter(rule="ordinary-admin-floor", township__code=PENGLAI).exists()
    rule_setting_save(actor=None, region=regions["510923"], rule="ordinary-admin-floor",
                      parameters={"min_admin_quota": 16}, severity="warning")
    finding = StoredFinding.objects.get(rule="ordinary-admin-floor", township__code=PENGLAI)
    assert finding.severity == "warning" and "少于16名" in finding.message


def test_invalid_settings_are_refused_with_every_problem(regions: Any) -> None:
    from bianzhi.core.rules import RuleSettingsError
    from bianzhi.rules.services import rule_setting_save

    with pytest.raises(RuleSettingsError) as error:
        rule_setting_save(actor=None, region=regions["510923"], rule="usage-rate",
                          parameters={"min_percent": 120, "nope": 1})
    assert len(error.value.problems) == 2
    assert not RuleSetting.objects.exists()
