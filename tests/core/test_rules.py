"""The policy rule engine: one test per rule proving it fires with the right
numbers and stays silent at the boundary, then settings, write-time checks,
properties and a province-sized run.

The fixture county (大英县) is healthy: no rule fires on it. Each test breaks
one thing with the helpers below and looks at that rule's findings only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bianzhi.core.rules import (
    ADMIN_QUOTA,
    CLASS_1,
    CLASS_3,
    COUNTY_SEAT,
    EXCELLENT,
    INSTITUTION_QUOTA,
    ORDINARY,
    RULES,
    RULES_BY_ID,
    ApprovedTotal,
    CountyFacts,
    CountyFactsError,
    Finding,
    InstitutionKind,
    InstitutionState,
    ObjectKind,
    PersonState,
    PersonStatus,
    PersonTally,
    RuleDefinition,
    RuleSettings,
    RuleSettingsError,
    Severity,
    TownshipState,
    check_entry,
    check_secondment,
    effective_rules,
    evaluate,
    finding_to_dict,
    layer_settings,
    service_period_end,
)
from bianzhi.core.rules.engine import CHECKS, percent_text

TODAY = date(2024, 6, 30)

SEAT = "510923100"  # 蓬莱镇, the county-seat town
XIANGSHAN = "510923101"  # 象山镇, an ordinary township exactly at every floor
HEBIAN = "510923102"  # 河边镇, a second ordinary township


# --- building the fixture county ------------------------------------------------


def township_people(
    code: str, admin: int, institution: int, enforcement: int = 2
) -> list[PersonState]:
    """Exactly `admin` + `institution` persons on post (usage 100%); the first
    `enforcement` of them work in comprehensive law enforcement with a valid
    certificate; nobody seconded, nobody graded excellent."""
    people = []
    for n in range(admin + institution):
        quota_type = ADMIN_QUOTA if n < admin else INSTITUTION_QUOTA
        people.append(
            PersonState(
                id=f"{code}-{n:03d}",
                name=f"{code[-3:]}号{n}",
                township_code=code,
                quota_type=quota_type,
                is_enforcement_staff=n < enforcement,
                enforcement_certificate_expiry=date(2026, 12, 31) if n < enforcement else None,
                assessment_grade="称职",
            )
        )
    return people


def township_institutions(
    code: str, offices: int, public_institutions: int
) -> list[InstitutionState]:
    result = [
        InstitutionState(f"{code}-o{k}", f"办公室{k}", code, InstitutionKind.OFFICE, admin_quota=3)
        for k in range(offices)
    ]
    result += [
        InstitutionState(
            f"{code}-p{k}",
            f"中心{k}",
            code,
            InstitutionKind.PUBLIC_INSTITUTION,
            institution_quota=4,
        )
        for k in range(public_institutions)
    ]
    # A dispatched agency never counts against the township's limits.
    result.append(InstitutionState(f"{code}-d", "派出所", code, InstitutionKind.DISPATCHED_AGENCY))
    return result


def township(code: str, name: str, cls: str, admin: int, institution: int) -> TownshipState:
    quotas = {ADMIN_QUOTA: admin, INSTITUTION_QUOTA: institution}
    return TownshipState(
        code=code,
        name=name,
        township_class=cls,
        approved_quotas=quotas,
        leadership_posts_approved=7,
        leadership_posts_used=7,
        previous_quotas=quotas,
    )


@pytest.fixture
def county() -> CountyFacts:
    """大英县: a county-seat town and two ordinary townships, all healthy."""
    return CountyFacts(
        region_code="510923",
        region_name="大英县",
        townships=(
            township(SEAT, "蓬莱镇", COUNTY_SEAT, admin=20, institution=30),
            township(XIANGSHAN, "象山镇", ORDINARY, admin=15, institution=5),
            township(HEBIAN, "河边镇", ORDINARY, admin=16, institution=24),
        ),
        institutions=(
            *township_institutions(SEAT, offices=5, public_institutions=5),
            *township_institutions(XIANGSHAN, offices=4, public_institutions=5),
            *township_institutions(HEBIAN, offices=4, public_institutions=3),
        ),
        persons=(
            *township_people(SEAT, 20, 30),
            *township_people(XIANGSHAN, 15, 5),
            *township_people(HEBIAN, 16, 24),
        ),
        # Last approved by 大委编发〔2024〕2号: the totals it has now.
        previous_totals={
            ADMIN_QUOTA: ApprovedTotal(51, "大委编发〔2024〕2号", date(2024, 3, 1)),
            INSTITUTION_QUOTA: ApprovedTotal(59, "大委编发〔2024〕2号", date(2024, 3, 1)),
        },
    )


def findings(
    snapshot: CountyFacts, rule: str, settings: Mapping[str, RuleSettings] | None = None
) -> list[Finding]:
    return [f for f in evaluate(snapshot, settings, today=TODAY) if f.rule == rule]


def only(found: list[Finding]) -> Finding:
    assert len(found) == 1, found
    return found[0]


def with_township(snapshot: CountyFacts, code: str, **changes: Any) -> CountyFacts:
    townships = tuple(replace(t, **changes) if t.code == code else t for t in snapshot.townships)
    return replace(snapshot, townships=townships)


def with_quotas(snapshot: CountyFacts, code: str, admin: int, institution: int) -> CountyFacts:
    """Change the approved quotas only (previous approval unchanged)."""
    return with_township(
        snapshot, code, approved_quotas={ADMIN_QUOTA: admin, INSTITUTION_QUOTA: institution}
    )


def persons_of(snapshot: CountyFacts, code: str) -> list[PersonState]:
    return [p for p in snapshot.persons if p.township_code == code]


def change_persons(snapshot: CountyFacts, people: Iterable[PersonState]) -> CountyFacts:
    """Replace persons by id; persons with new ids are added."""
    changed = {p.id: p for p in people}
    kept = tuple(changed.pop(p.id, p) for p in snapshot.persons)
    return replace(snapshot, persons=kept + tuple(changed.values()))


def without_persons(snapshot: CountyFacts, people: Iterable[PersonState]) -> CountyFacts:
    gone = {p.id for p in people}
    return replace(snapshot, persons=tuple(p for p in snapshot.persons if p.id not in gone))


def newcomer(code: str, n: int, quota_type: str = ADMIN_QUOTA, **fields: Any) -> PersonState:
    return PersonState(
        id=f"{code}-new{n}", name=f"新人{n}", township_code=code, quota_type=quota_type, **fields
    )


def test_the_core_imports_without_django() -> None:
    # In a fresh interpreter: other tests in the same run may import Django.
    code = (
        "import sys, bianzhi.core.rules, bianzhi.core.idnumber; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_terms_are_spelled_as_in_the_allocation_model() -> None:
    # One term, one name (glossary): both modules must agree on the spellings.
    from bianzhi.core import allocation, rules

    assert (rules.ADMIN_QUOTA, rules.INSTITUTION_QUOTA) == (
        allocation.ADMIN_QUOTA,
        allocation.INSTITUTION_QUOTA,
    )
    assert (rules.CLASSES_001, rules.CLASSES_002) == (
        allocation.CLASSES_001,
        allocation.CLASSES_002,
    )


def test_the_fixture_county_is_healthy(county: CountyFacts) -> None:
    assert evaluate(county, today=TODAY) == []


# --- the catalogue ----------------------------------------------------------------


def test_the_catalogue_ships_these_rules() -> None:
    assert [r.id for r in RULES] == [
        "ordinary-admin-floor",
        "no-total-decrease",
        "control-number",
        "over-quota",
        "usage-rate",
        "secondment-share",
        "secondment-understaffed",
        "service-period",
        "enforcement-staff",
        "enforcement-leader-certified",
        "office-admin-min",
        "institution-limits",
        "leadership-posts",
        "middle-posts",
        "excellent-share",
    ]
    assert set(CHECKS) == set(RULES_BY_ID)


@pytest.mark.parametrize("definition", RULES, ids=lambda r: r.id)
def test_every_rule_cites_a_policy_file_and_describes_its_parameters(
    definition: RuleDefinition,
) -> None:
    assert re.match(r"^00[0-4]_[0-9a-f]{16}\.txt", definition.source)
    assert "§" in definition.source
    assert definition.description and definition.title
    assert set(definition.parameters) == set(definition.parameter_specs)


@pytest.mark.parametrize(
    ("rule_id", "parameters", "severity", "scope"),
    [
        ("ordinary-admin-floor", {"min_admin_quota": 15}, Severity.BLOCK, (ORDINARY,)),
        ("usage-rate", {"min_percent": 95}, Severity.WARNING, ()),
        ("secondment-share", {"max_percent": 5}, Severity.BLOCK, ()),
        ("enforcement-staff", {"min_staff": 2, "certified_only": 0}, Severity.WARNING, ()),
        ("office-admin-min", {"min_admin_quota": 2}, Severity.WARNING, ()),
        ("service-period", {"years": 3}, Severity.BLOCK, ()),
        ("excellent-share", {"max_percent": 20}, Severity.BLOCK, ()),
        ("leadership-posts", {"pooled": 0}, Severity.BLOCK, ()),
        ("middle-posts", {"pooled": 0}, Severity.BLOCK, ()),
        ("no-total-decrease", {"per_township": 0}, Severity.BLOCK, ()),
    ],
)
def test_rule_defaults(
    rule_id: str, parameters: dict[str, int], severity: Severity, scope: tuple[str, ...]
) -> None:
    rule = RULES_BY_ID[rule_id]
    assert dict(rule.parameters) == parameters
    assert (rule.severity, rule.scope) == (severity, scope)


def test_institution_limits_defaults_follow_002_and_map_the_five_classes() -> None:
    assert dict(RULES_BY_ID["institution-limits"].parameters) == {
        "class1_max_offices": 5,
        "class1_max_public_institutions": 6,
        "class2_max_offices": 5,
        "class2_max_public_institutions": 5,
        "class3_max_offices": 4,
        "class3_max_public_institutions": 5,
        "county_seat_as": 1,
        "central_as": 1,
        "key_as": 2,
        "featured_as": 2,
        "ordinary_as": 3,
    }


def test_docs_list_every_rule_parameter_and_default() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule.id}`" in doc, rule.id
        assert rule.source.split(" ")[0] in doc
        for name, value in rule.parameters.items():
            assert f"`{name}` = {value}" in doc, (rule.id, name)


# --- ordinary-admin-floor -----------------------------------------------------------


def test_ordinary_admin_floor_is_silent_at_exactly_15(county: CountyFacts) -> None:
    assert RULES_BY_ID["ordinary-admin-floor"].parameters["min_admin_quota"] == 15
    assert findings(county, "ordinary-admin-floor") == []  # 象山镇 has exactly 15


def test_ordinary_admin_floor_fires_below_15(county: CountyFacts) -> None:
    snapshot = with_quotas(county, XIANGSHAN, admin=13, institution=5)
    found = only(findings(snapshot, "ordinary-admin-floor"))
    assert found.object.kind is ObjectKind.TOWNSHIP
    assert (found.object.id, found.object.label) == (XIANGSHAN, "象山镇")
    assert found.message == "一般乡镇核定行政编制13名，少于15名，差2名"
    assert found.severity is Severity.BLOCK
    assert found.source == "001_d6ec4a3fabdfb8f1.txt §(三)1"


def test_ordinary_admin_floor_applies_only_to_ordinary_townships(county: CountyFacts) -> None:
    snapshot = with_quotas(county, SEAT, admin=10, institution=30)
    assert findings(snapshot, "ordinary-admin-floor") == []


def test_scope_can_be_widened_to_every_township(county: CountyFacts) -> None:
    snapshot = with_quotas(county, SEAT, admin=10, institution=30)
    widened = {"ordinary-admin-floor": RuleSettings(scope=())}
    found = only(findings(snapshot, "ordinary-admin-floor", widened))
    assert found.message == "县政府驻地镇核定行政编制10名，少于15名，差5名"


def test_scope_can_name_the_002_classes(county: CountyFacts) -> None:
    snapshot = with_township(county, SEAT, township_class=CLASS_3)
    snapshot = with_quotas(snapshot, SEAT, admin=12, institution=30)
    settings_ = {"ordinary-admin-floor": RuleSettings(scope=(CLASS_3,))}
    assert only(findings(snapshot, "ordinary-admin-floor", settings_)).object.id == SEAT
    # The default scope (一般乡镇) does not reach a 三类 township.
    assert findings(snapshot, "ordinary-admin-floor") == []


def test_a_parameter_override_moves_the_floor(county: CountyFacts) -> None:
    raised = {"ordinary-admin-floor": RuleSettings(parameters={"min_admin_quota": 16})}
    found = only(findings(county, "ordinary-admin-floor", raised))
    assert found.object.id == XIANGSHAN  # 河边镇 has 16
    assert found.message == "一般乡镇核定行政编制15名，少于16名，差1名"


# --- no-total-decrease ------------------------------------------------------------------


def test_no_total_decrease_allows_moving_quota_between_townships(county: CountyFacts) -> None:
    snapshot = with_quotas(county, SEAT, admin=22, institution=30)
    snapshot = with_quotas(snapshot, HEBIAN, admin=14, institution=24)
    assert findings(snapshot, "no-total-decrease") == []


def test_no_total_decrease_compares_the_whole_county_total_not_the_townships_with_a_previous(
    county: CountyFacts,
) -> None:
    # 河边镇 was never approved before (no previous quota of its own) and
    # receives the 1 编制 象山镇 gives up: the county total is unchanged.
    # The old engine summed only townships with a previous approval and saw
    # "35名，少于上次核定的36名".
    snapshot = with_township(county, HEBIAN, previous_quotas={})
    snapshot = with_quotas(snapshot, XIANGSHAN, admin=14, institution=5)
    snapshot = with_quotas(snapshot, HEBIAN, admin=17, institution=24)
    assert findings(snapshot, "no-total-decrease") == []


def test_no_total_decrease_fires_on_the_county_total_citing_the_last_approval(
    county: CountyFacts,
) -> None:
    snapshot = with_quotas(county, SEAT, admin=21, institution=30)
    snapshot = with_quotas(snapshot, HEBIAN, admin=13, institution=24)  # 51 -> 49
    found = only(findings(snapshot, "no-total-decrease"))
    assert found.object.kind is ObjectKind.COUNTY
    assert (found.object.id, found.object.label) == ("510923", "大英县")
    assert found.message == (
        "全县乡镇行政编制总量49名，少于上次核定的51名（大委编发〔2024〕2号，2024-03-01），"
        "减少2名（河边镇减3名）"
    )


def test_no_total_decrease_counts_the_reserve_pool_in_the_county_total(county: CountyFacts) -> None:
    # A plan keeps 3 of 59 事业编制 as the county's reserve (机动编制):
    # 56 to the townships + 3 in reserve = 59, no decrease.
    snapshot = with_quotas(county, SEAT, admin=20, institution=27)
    assert findings(snapshot, "no-total-decrease") != []
    with_reserve = replace(snapshot, reserve={INSTITUTION_QUOTA: 3})
    assert findings(with_reserve, "no-total-decrease") == []
    short = replace(snapshot, reserve={INSTITUTION_QUOTA: 2})
    assert only(findings(short, "no-total-decrease")).message == (
        "全县乡镇事业编制总量58名（乡镇核定56名、机动编制2名），少于上次核定的59名"
        "（大委编发〔2024〕2号，2024-03-01），减少1名（蓬莱镇减3名）"
    )


def test_no_total_decrease_checks_institution_quota_too(county: CountyFacts) -> None:
    snapshot = with_quotas(county, SEAT, admin=20, institution=29)
    assert only(findings(snapshot, "no-total-decrease")).message == (
        "全县乡镇事业编制总量58名，少于上次核定的59名（大委编发〔2024〕2号，2024-03-01），"
        "减少1名（蓬莱镇减1名）"
    )


def test_no_total_decrease_per_township(county: CountyFacts) -> None:
    snapshot = with_quotas(county, SEAT, admin=22, institution=30)
    snapshot = with_quotas(snapshot, HEBIAN, admin=14, institution=24)
    per_township = {"no-total-decrease": RuleSettings(parameters={"per_township": 1})}
    found = only(findings(snapshot, "no-total-decrease", per_township))
    assert found.object.id == HEBIAN
    assert found.message == "行政编制核定14名，少于上次核定的16名，减少2名"


def test_no_total_decrease_is_silent_without_a_previous_approval(county: CountyFacts) -> None:
    snapshot = replace(county, previous_totals={})
    snapshot = with_quotas(snapshot, HEBIAN, admin=1, institution=1)
    assert findings(snapshot, "no-total-decrease") == []


# --- control-number -------------------------------------------------------------------


def test_control_number_fires_when_townships_and_reserve_exceed_it(county: CountyFacts) -> None:
    control = ApprovedTotal(60, "川编发〔2024〕9号", date(2024, 1, 10))
    snapshot = replace(county, control_numbers={INSTITUTION_QUOTA: control})
    assert findings(snapshot, "control-number") == []  # 59 <= 60
    snapshot = replace(snapshot, reserve={INSTITUTION_QUOTA: 2})  # 61 > 60
    found = only(findings(snapshot, "control-number"))
    assert (found.object.kind, found.severity) == (ObjectKind.COUNTY, Severity.BLOCK)
    assert found.message == (
        "全县乡镇事业编制核定总量61名（乡镇核定59名、机动编制2名），超过上级下达的控制数60名"
        "（川编发〔2024〕9号，2024-01-10），超出1名"
    )
    assert found.source == "001_d6ec4a3fabdfb8f1.txt §(三)1（乡镇编制实行总量控制）"


def test_control_number_exactly_reached_is_no_finding(county: CountyFacts) -> None:
    snapshot = replace(county, control_numbers={ADMIN_QUOTA: ApprovedTotal(51)})
    assert findings(snapshot, "control-number") == []


# --- over-quota ---------------------------------------------------------------------------


def test_over_quota_is_silent_when_full(county: CountyFacts) -> None:
    assert findings(county, "over-quota") == []  # every township at exactly 100%


def test_over_quota_fires_per_quota_type(county: CountyFacts) -> None:
    snapshot = change_persons(county, [newcomer(XIANGSHAN, 1), newcomer(XIANGSHAN, 2)])
    found = only(findings(snapshot, "over-quota"))
    assert found.object.id == XIANGSHAN
    assert found.message == "行政编制在编17人，超过核定15名，超编2名"
    assert found.severity is Severity.BLOCK


def test_borrowed_in_persons_do_not_fill_the_quota(county: CountyFacts) -> None:
    guest = newcomer(XIANGSHAN, 1, status=PersonStatus.BORROWED_IN)
    assert findings(change_persons(county, [guest]), "over-quota") == []


def test_seconded_out_persons_still_hold_the_quota(county: CountyFacts) -> None:
    away = newcomer(XIANGSHAN, 1, status=PersonStatus.SECONDED_OUT)
    assert only(findings(change_persons(county, [away]), "over-quota")).object.id == XIANGSHAN


# --- usage-rate ------------------------------------------------------------------------------


def test_usage_rate_passes_at_exactly_95_percent(county: CountyFacts) -> None:
    # 象山镇: 15 + 5 = 20 approved; 19 persons is exactly 95%.
    snapshot = without_persons(county, persons_of(county, XIANGSHAN)[-1:])
    assert findings(snapshot, "usage-rate") == []


def test_usage_rate_fires_below_95_percent(county: CountyFacts) -> None:
    snapshot = without_persons(county, persons_of(county, XIANGSHAN)[-2:])
    found = only(findings(snapshot, "usage-rate"))
    assert found.object.id == XIANGSHAN
    assert found.message == "行政、事业编制使用率90%（在编18人/核定20名），低于95%，还需补充1人"
    assert found.severity is Severity.WARNING
    assert found.source == "001_d6ec4a3fabdfb8f1.txt §(三)3"


def test_usage_rate_severity_can_be_raised_to_block(county: CountyFacts) -> None:
    snapshot = without_persons(county, persons_of(county, XIANGSHAN)[-2:])
    strict = {"usage-rate": RuleSettings(severity=Severity.BLOCK)}
    assert only(findings(snapshot, "usage-rate", strict)).severity is Severity.BLOCK


def test_usage_rate_percent_can_be_a_decimal(county: CountyFacts) -> None:
    # 蓬莱镇 50 approved, 47 persons = 94%: fails 94.5%, passes 94%.
    snapshot = without_persons(county, persons_of(county, SEAT)[-3:])
    at = {"usage-rate": RuleSettings(parameters={"min_percent": 94})}
    above = {"usage-rate": RuleSettings(parameters={"min_percent": 94.5})}
    assert findings(snapshot, "usage-rate", at) == []
    assert only(findings(snapshot, "usage-rate", above)).message == (
        "行政、事业编制使用率94%（在编47人/核定50名），低于94.5%，还需补充1人"
    )


# --- secondment-share --------------------------------------------------------------------------


def seconded(person: PersonState) -> PersonState:
    return replace(person, status=PersonStatus.SECONDED_OUT)


def test_secondment_share_passes_at_exactly_5_percent(county: CountyFacts) -> None:
    # 河边镇: 16 + 24 = 40 quota; 2 seconded out is exactly 5%.
    snapshot = change_persons(county, map(seconded, persons_of(county, HEBIAN)[-2:]))
    assert findings(snapshot, "secondment-share") == []


def test_secondment_share_fires_above_5_percent(county: CountyFacts) -> None:
    snapshot = change_persons(county, map(seconded, persons_of(county, HEBIAN)[-3:]))
    found = only(findings(snapshot, "secondment-share"))
    assert found.object.id == HEBIAN
    assert found.message == "借出人员3人，占编制总数40名的7.5%，超过5%（最多2人）"
    assert found.severity is Severity.BLOCK


def test_secondment_share_can_be_disabled(county: CountyFacts) -> None:
    snapshot = change_persons(county, map(seconded, persons_of(county, HEBIAN)[-3:]))
    off = {"secondment-share": RuleSettings(enabled=False)}
    assert findings(snapshot, "secondment-share", off) == []


# --- service-period ------------------------------------------------------------------------------


def test_service_period_fires_for_a_secondment_inside_it(county: CountyFacts) -> None:
    person = replace(
        persons_of(county, SEAT)[10],
        status=PersonStatus.SECONDED_OUT,
        service_period_end=date(2025, 9, 1),
        secondment_start=date(2025, 8, 31),
    )
    found = only(findings(change_persons(county, [person]), "service-period"))
    assert found.object.kind is ObjectKind.PERSON
    assert (found.object.id, found.object.label) == (person.id, person.name)
    assert found.message == (
        f"{person.name}的服务期至2025-09-01届满，2025-08-31起借调出，处于服务期内"
        "（新进人员须在乡镇服务满3年）"
    )
    assert found.source == "003_9e6110b5b282007e.txt §一(五)一是"


def test_service_period_allows_a_secondment_from_its_last_day_on(county: CountyFacts) -> None:
    person = replace(
        persons_of(county, SEAT)[10],
        status=PersonStatus.SECONDED_OUT,
        service_period_end=date(2025, 9, 1),
        secondment_start=date(2025, 9, 1),
    )
    assert findings(change_persons(county, [person]), "service-period") == []


def test_service_period_with_unknown_start_is_judged_by_today(county: CountyFacts) -> None:
    inside = replace(
        persons_of(county, SEAT)[10],
        status=PersonStatus.SECONDED_OUT,
        service_period_end=TODAY + timedelta(days=1),
    )
    over = replace(inside, service_period_end=TODAY)
    found = only(findings(change_persons(county, [inside]), "service-period"))
    assert "已借调出" in found.message
    assert findings(change_persons(county, [over]), "service-period") == []


def test_service_period_ignores_persons_on_post(county: CountyFacts) -> None:
    person = replace(persons_of(county, SEAT)[10], service_period_end=date(2030, 1, 1))
    assert findings(change_persons(county, [person]), "service-period") == []


# --- enforcement-staff -------------------------------------------------------------------------------


def test_enforcement_staff_passes_with_exactly_2(county: CountyFacts) -> None:
    assert findings(county, "enforcement-staff") == []


def test_enforcement_staff_fires_below_2(county: CountyFacts) -> None:
    officer = persons_of(county, HEBIAN)[0]
    snapshot = change_persons(county, [replace(officer, is_enforcement_staff=False)])
    found = only(findings(snapshot, "enforcement-staff"))
    assert found.object.id == HEBIAN
    assert found.message == "从事综合行政执法工作的人员1人，少于2人，差1人"
    assert found.severity is Severity.WARNING
    assert found.source.startswith("000_a14086b89449fcd2.txt §二.4；004_650ebb92df68bbb8.txt")


def test_enforcement_staff_counts_who_works_in_the_township(county: CountyFacts) -> None:
    first, second = persons_of(county, HEBIAN)[:2]
    guest = newcomer(HEBIAN, 1, status=PersonStatus.BORROWED_IN, is_enforcement_staff=True)
    away = seconded(second)
    # Seconded out: no longer doing the work; borrowed in: doing it here.
    assert only(findings(change_persons(county, [away]), "enforcement-staff")).object.id == HEBIAN
    assert findings(change_persons(county, [away, guest]), "enforcement-staff") == []
    assert first.is_enforcement_staff


def test_enforcement_staff_certified_only(county: CountyFacts) -> None:
    officer = persons_of(county, HEBIAN)[0]
    certified_only = {"enforcement-staff": RuleSettings(parameters={"certified_only": 1})}
    valid_today = change_persons(county, [replace(officer, enforcement_certificate_expiry=TODAY)])
    assert findings(valid_today, "enforcement-staff", certified_only) == []
    expired = change_persons(
        county, [replace(officer, enforcement_certificate_expiry=TODAY - timedelta(days=1))]
    )
    assert findings(expired, "enforcement-staff") == []  # default counts everybody
    found = only(findings(expired, "enforcement-staff", certified_only))
    assert found.message == "持有效执法证的综合行政执法人员1人，少于2人，差1人"


# --- office-admin-min -------------------------------------------------------------------------------


def test_office_admin_min(county: CountyFacts) -> None:
    offices = [i for i in county.institutions if i.kind is InstitutionKind.OFFICE]
    at_two = replace(offices[0], admin_quota=2)
    at_one = replace(offices[1], admin_quota=1)
    institutions = tuple(
        {at_two.id: at_two, at_one.id: at_one}.get(i.id, i) for i in county.institutions
    )
    found = only(findings(replace(county, institutions=institutions), "office-admin-min"))
    assert found.object.kind is ObjectKind.INSTITUTION
    assert (found.object.id, found.object.label) == (at_one.id, at_one.name)
    assert found.message == "党政综合办事机构核定行政编制1名，少于2名"
    assert found.source == "004_650ebb92df68bbb8.txt《优化机构编制资源配置工作方案》§二(六)"


def test_office_admin_min_ignores_public_institutions(county: CountyFacts) -> None:
    # Public institutions in the fixture have no admin quota at all.
    assert any(i.admin_quota == 0 for i in county.institutions)
    assert findings(county, "office-admin-min") == []


# --- institution-limits --------------------------------------------------------------------------------


def add_institutions(snapshot: CountyFacts, code: str, kind: InstitutionKind, count: int) -> CountyFacts:
    extra = tuple(
        InstitutionState(f"{code}-{kind}-x{k}", f"新设机构{k}", code, kind, admin_quota=2)
        for k in range(count)
    )
    return replace(snapshot, institutions=tuple(snapshot.institutions) + extra)


def test_institution_limits_class_1_boundary() -> None:
    code = "620531100"
    at_limit = CountyFacts(
        "620531",
        "通渭县",
        (township(code, "平襄镇", CLASS_1, 30, 40),),
        township_institutions(code, offices=5, public_institutions=6),
    )
    assert findings(at_limit, "institution-limits") == []
    over = add_institutions(at_limit, code, InstitutionKind.OFFICE, 1)
    over = add_institutions(over, code, InstitutionKind.PUBLIC_INSTITUTION, 1)
    found = findings(over, "institution-limits")
    assert [f.message for f in found] == [
        "党政综合办事机构6个，超过限额5个（一类），多1个",
        "直属事业单位7个，超过限额6个（一类），多1个",
    ]
    assert {f.object.id for f in found} == {code}


def test_institution_limits_maps_ordinary_townships_to_class_3(county: CountyFacts) -> None:
    # 象山镇 (一般乡镇 -> 三类) has 4 offices, the class-3 limit; a fifth breaks it.
    assert findings(county, "institution-limits") == []
    snapshot = add_institutions(county, XIANGSHAN, InstitutionKind.OFFICE, 1)
    found = only(findings(snapshot, "institution-limits"))
    assert found.object.id == XIANGSHAN
    assert found.message == "党政综合办事机构5个，超过限额4个（一般乡镇按三类乡镇计），多1个"
    assert found.source == "002_3a9e3071a16f65c8.txt §1"


def test_institution_limits_mapping_is_a_parameter(county: CountyFacts) -> None:
    snapshot = add_institutions(county, XIANGSHAN, InstitutionKind.OFFICE, 1)
    as_class_2 = {"institution-limits": RuleSettings(parameters={"ordinary_as": 2})}
    assert findings(snapshot, "institution-limits", as_class_2) == []


def test_institution_limits_do_not_count_dispatched_agencies(county: CountyFacts) -> None:
    snapshot = add_institutions(county, XIANGSHAN, InstitutionKind.DISPATCHED_AGENCY, 10)
    assert findings(snapshot, "institution-limits") == []


def test_institution_limits_skip_unknown_classes(county: CountyFacts) -> None:
    snapshot = with_township(county, XIANGSHAN, township_class="街道")
    snapshot = add_institutions(snapshot, XIANGSHAN, InstitutionKind.OFFICE, 10)
    assert findings(snapshot, "institution-limits") == []


# --- leadership-posts -----------------------------------------------------------------------------------


def test_leadership_posts_pass_when_all_used(county: CountyFacts) -> None:
    assert findings(county, "leadership-posts") == []


def test_leadership_posts_fire_per_township(county: CountyFacts) -> None:
    snapshot = with_township(county, SEAT, leadership_posts_used=9)
    found = only(findings(snapshot, "leadership-posts"))
    assert found.object.id == SEAT
    assert found.message == "领导职数已配备9名，超过核定7名，超出2名"


def test_leadership_posts_pooled_compare_the_county_total(county: CountyFacts) -> None:
    pooled = {"leadership-posts": RuleSettings(parameters={"pooled": 1})}
    balanced = with_township(
        with_township(county, SEAT, leadership_posts_used=9), HEBIAN, leadership_posts_used=5
    )
    assert findings(balanced, "leadership-posts", pooled) == []
    over = with_township(county, SEAT, leadership_posts_used=9)
    found = only(findings(over, "leadership-posts", pooled))
    assert found.object.kind is ObjectKind.COUNTY
    assert found.message == "乡镇领导职数已配备23名，超过全县核定总数21名，超出2名"


# --- middle-posts --------------------------------------------------------------------------------------


def test_middle_posts_cite_the_city_review() -> None:
    assert RULES_BY_ID["middle-posts"].source == "003_9e6110b5b282007e.txt §一(四)三是"


def test_middle_posts_pass_up_to_the_approved_total(county: CountyFacts) -> None:
    at_limit = with_township(county, SEAT, middle_posts_approved=6, middle_posts_used=6)
    assert findings(at_limit, "middle-posts") == []


def test_middle_posts_fire_per_township(county: CountyFacts) -> None:
    snapshot = with_township(county, SEAT, middle_posts_approved=6, middle_posts_used=8)
    found = only(findings(snapshot, "middle-posts"))
    assert (found.object.id, found.severity) == (SEAT, Severity.BLOCK)
    assert found.message == "中层干部已配备8名，超过核定中层职数6名，超出2名"


def test_middle_posts_pooled_use_the_county_total_as_a_pool(county: CountyFacts) -> None:
    pooled = {"middle-posts": RuleSettings(parameters={"pooled": 1})}
    lent = with_township(
        with_township(county, SEAT, middle_posts_approved=6, middle_posts_used=8),
        HEBIAN, middle_posts_approved=4, middle_posts_used=2,
    )
    assert findings(lent, "middle-posts", pooled) == []
    assert only(findings(lent, "middle-posts")).object.id == SEAT  # not pooled: the township is over
    over = with_township(lent, XIANGSHAN, middle_posts_used=1)
    found = only(findings(over, "middle-posts", pooled))
    assert found.object.kind is ObjectKind.COUNTY
    assert found.message == "乡镇中层干部已配备11名，超过全县核定中层职数总量10名，超出1名"


# --- excellent-share ----------------------------------------------------------------------------------------


def graded(people: Iterable[PersonState]) -> list[PersonState]:
    return [replace(p, assessment_grade=EXCELLENT) for p in people]


def test_excellent_share_passes_at_exactly_20_percent(county: CountyFacts) -> None:
    # 蓬莱镇 has 50 staff: 10 excellent is exactly 20%.
    snapshot = change_persons(county, graded(persons_of(county, SEAT)[:10]))
    assert findings(snapshot, "excellent-share") == []


def test_excellent_share_fires_above_20_percent(county: CountyFacts) -> None:
    snapshot = change_persons(county, graded(persons_of(county, SEAT)[:11]))
    found = only(findings(snapshot, "excellent-share"))
    assert found.object.id == SEAT
    assert found.message == "年度考核优秀11人，占在编人员50人的22%，超过20%（最多10人）"
    assert found.source == "002_3a9e3071a16f65c8.txt §11"


def test_excellent_share_ignores_borrowed_in_persons(county: CountyFacts) -> None:
    guests = [
        newcomer(SEAT, k, status=PersonStatus.BORROWED_IN, assessment_grade=EXCELLENT)
        for k in range(5)
    ]
    snapshot = change_persons(county, graded(persons_of(county, SEAT)[:10]) + guests)
    assert findings(snapshot, "excellent-share") == []


# --- settings -------------------------------------------------------------------------------------------------


def test_disabled_rules_do_not_run(county: CountyFacts) -> None:
    snapshot = with_quotas(county, XIANGSHAN, admin=1, institution=1)
    everything_off = {r.id: RuleSettings(enabled=False) for r in RULES}
    assert evaluate(snapshot, everything_off, today=TODAY) == []


def test_invalid_settings_list_every_problem() -> None:
    bad = {
        "no-such-rule": RuleSettings(),
        "usage-rate": RuleSettings(parameters={"min_percent": 120, "target": 1}),
        "enforcement-staff": RuleSettings(parameters={"min_staff": 2.5}),
        "institution-limits": RuleSettings(parameters={"ordinary_as": 4}),
        "excellent-share": RuleSettings(severity="fatal"),  # type: ignore[arg-type]
    }
    with pytest.raises(RuleSettingsError) as caught:
        effective_rules(bad)
    assert caught.value.problems == (
        "没有编号为“no-such-rule”的规则",
        "规则“编制使用率”的参数“min_percent”（使用率目标（%））必须是0～100的数，实为120",
        "规则“编制使用率”没有参数“target”",
        "规则“综合行政执法人员”的参数“min_staff”（执法人员下限（人））必须是整数，实为2.5",
        "规则“机构限额”的参数“ordinary_as”（一般乡镇按几类乡镇计（1～3））必须是1～3的整数，实为4",
        "规则“年度考核优秀比例”的级别“fatal”无效（应为 warning 或 block）",
    )


def test_settings_accept_severity_as_text_and_whole_floats() -> None:
    rules = {
        r.id: r
        for r in effective_rules(
            {
                "usage-rate": RuleSettings(severity="block"),  # type: ignore[arg-type]
                "enforcement-staff": RuleSettings(parameters={"min_staff": 3.0}),
            }
        )
    }
    assert rules["usage-rate"].severity is Severity.BLOCK
    assert rules["enforcement-staff"].parameters["min_staff"] == 3
    assert isinstance(rules["enforcement-staff"].parameters["min_staff"], int)


def test_settings_do_not_change_the_catalogue() -> None:
    effective_rules({"usage-rate": RuleSettings(parameters={"min_percent": 80})})
    assert RULES_BY_ID["usage-rate"].parameters["min_percent"] == 95


def test_layers_override_field_by_field() -> None:
    province = {
        "usage-rate": RuleSettings(parameters={"min_percent": 90}, severity=Severity.BLOCK),
        "excellent-share": RuleSettings(enabled=False),
    }
    county_layer = {
        "usage-rate": RuleSettings(parameters={"min_percent": 92}),
        "excellent-share": RuleSettings(enabled=True),
    }
    city = {"excellent-share": RuleSettings(parameters={"max_percent": 15})}
    combined = layer_settings(province, city, county_layer)
    rules = {r.id: r for r in effective_rules(combined)}
    assert rules["usage-rate"].parameters["min_percent"] == 92
    assert rules["usage-rate"].severity is Severity.BLOCK
    assert rules["excellent-share"].parameters["max_percent"] == 15
    # A layer that only changes a parameter does not re-enable the rule.
    assert "excellent-share" not in {r.id for r in effective_rules(layer_settings(province, city))}


# --- write-time checks ------------------------------------------------------------------------------------------


def test_check_entry_into_a_vacancy_is_clean(county: CountyFacts) -> None:
    snapshot = without_persons(county, persons_of(county, XIANGSHAN)[:1])  # one admin vacancy
    assert check_entry(snapshot, XIANGSHAN, ADMIN_QUOTA) == []


def test_check_entry_without_a_vacancy_is_blocked(county: CountyFacts) -> None:
    found = only(check_entry(county, XIANGSHAN, ADMIN_QUOTA))
    assert (found.rule, found.severity, found.object.id) == (
        "over-quota",
        Severity.BLOCK,
        XIANGSHAN,
    )
    assert found.message == "入编后行政编制在编16人，超过核定15名，超编1名"


def test_check_entry_into_an_unapproved_quota_type(county: CountyFacts) -> None:
    found = only(check_entry(county, XIANGSHAN, "工勤编制"))
    assert found.message == "入编后工勤编制在编1人，超过核定0名，超编1名"


def test_check_entry_follows_settings(county: CountyFacts) -> None:
    off = {"over-quota": RuleSettings(enabled=False)}
    warn = {"over-quota": RuleSettings(severity=Severity.WARNING)}
    assert check_entry(county, XIANGSHAN, ADMIN_QUOTA, off) == []
    assert only(check_entry(county, XIANGSHAN, ADMIN_QUOTA, warn)).severity is Severity.WARNING


def test_check_entry_needs_a_known_township(county: CountyFacts) -> None:
    with pytest.raises(CountyFactsError, match="乡镇代码999不在本次数据中"):
        check_entry(county, "999", ADMIN_QUOTA)


def test_check_secondment_inside_the_service_period() -> None:
    person = newcomer(XIANGSHAN, 1, service_period_end=service_period_end(date(2023, 9, 1)))
    assert person.service_period_end == date(2026, 9, 1)
    found = only(check_secondment(person, date(2026, 8, 31)))
    assert (found.rule, found.severity, found.object.id) == (
        "service-period",
        Severity.BLOCK,
        person.id,
    )
    assert check_secondment(person, date(2026, 9, 1)) == []


def test_check_secondment_counts_the_share_with_a_snapshot(county: CountyFacts) -> None:
    # 河边镇 40 quota: 2 seconded allowed. One is out already; a second is fine,
    # a third is not.
    first, second, third = persons_of(county, HEBIAN)[-3:]
    snapshot = change_persons(county, [seconded(first)])
    assert check_secondment(second, TODAY, snapshot=snapshot) == []
    snapshot = change_persons(snapshot, [seconded(second)])
    found = only(check_secondment(third, TODAY, snapshot=snapshot))
    assert found.rule == "secondment-share"
    assert found.message == "借出人员3人，占编制总数40名的7.5%，超过5%（最多2人）"
    # Re-checking a person already out does not count them twice.
    assert check_secondment(second, TODAY, snapshot=snapshot) == []


def test_service_period_end_of_a_leap_day_entry() -> None:
    assert service_period_end(date(2024, 2, 29)) == date(2027, 3, 1)
    assert service_period_end(date(2024, 2, 29), years=4) == date(2028, 2, 29)


# --- output and errors ---------------------------------------------------------------------------------------------


def test_finding_to_dict_is_the_json_shape(county: CountyFacts) -> None:
    snapshot = with_quotas(county, XIANGSHAN, admin=14, institution=5)
    found = findings(snapshot, "ordinary-admin-floor")
    payload = json.loads(json.dumps([finding_to_dict(f) for f in found], ensure_ascii=False))
    assert payload == [
        {
            "rule": "ordinary-admin-floor",
            "severity": "block",
            "object": {"kind": "township", "id": XIANGSHAN, "label": "象山镇"},
            "message": "一般乡镇核定行政编制14名，少于15名，差1名",
            "source": "001_d6ec4a3fabdfb8f1.txt §(三)1",
        }
    ]


def test_findings_come_in_catalogue_order(county: CountyFacts) -> None:
    snapshot = with_quotas(county, XIANGSHAN, admin=14, institution=5)  # floor + over-quota
    snapshot = with_township(snapshot, SEAT, leadership_posts_used=8)
    rules = [f.rule for f in evaluate(snapshot, today=TODAY)]
    assert rules == ["ordinary-admin-floor", "no-total-decrease", "over-quota", "leadership-posts"]


def test_snapshot_errors(county: CountyFacts) -> None:
    duplicate = replace(county, townships=(*county.townships, county.townships[0]))
    with pytest.raises(CountyFactsError, match=f"乡镇代码{SEAT}重复"):
        evaluate(duplicate, today=TODAY)
    stray = change_persons(county, [newcomer("000", 1)])
    with pytest.raises(CountyFactsError, match="不在本次数据中"):
        evaluate(stray, today=TODAY)


def test_a_snapshot_does_not_follow_later_changes_to_its_inputs() -> None:
    quotas = {ADMIN_QUOTA: 15}
    state = TownshipState("1", "甲乡", ORDINARY, quotas)
    quotas[ADMIN_QUOTA] = 1
    assert state.approved(ADMIN_QUOTA) == 15


# --- properties -------------------------------------------------------------------------------------------------------


def one_township(approved: int, staff: int, excellent: int = 0, away: int = 0) -> CountyFacts:
    code = "1"
    people = [
        PersonState(
            id=str(k),
            name=f"人{k}",
            township_code=code,
            quota_type=ADMIN_QUOTA,
            assessment_grade=EXCELLENT if k < excellent else None,
            status=PersonStatus.SECONDED_OUT if k < away else PersonStatus.ON_POST,
        )
        for k in range(staff)
    ]
    return CountyFacts(
        "0", "测试县", (township(code, "甲乡", CLASS_1, approved, 0),), (), tuple(people)
    )


@given(approved=st.integers(1, 400), data=st.data())
@settings(max_examples=60, deadline=None)
def test_usage_rate_fires_exactly_below_the_target(approved: int, data: st.DataObject) -> None:
    staff = data.draw(st.integers(0, approved))
    found = findings(one_township(approved, staff), "usage-rate")
    assert bool(found) == (staff * 100 < 95 * approved)


@given(staff=st.integers(1, 300), data=st.data())
@settings(max_examples=60, deadline=None)
def test_excellent_share_allows_exactly_floor_of_20_percent(
    staff: int, data: st.DataObject
) -> None:
    excellent = data.draw(st.integers(0, staff))
    found = findings(one_township(staff, staff, excellent=excellent), "excellent-share")
    assert bool(found) == (excellent > staff // 5)
    if found:
        assert f"最多{staff // 5}人" in found[0].message


@given(
    count=st.integers(0, 10_000),
    total=st.integers(1, 10_000),
    threshold=st.sampled_from([5, 20, 95, 94.5, 12.25]),
)
def test_percent_text_never_shows_the_wrong_side(count: int, total: int, threshold: float) -> None:
    exact = count * 100 / total
    if count * 100 == threshold * total:
        return
    shown = float(percent_text(count, total, threshold).rstrip("%"))
    assert (shown < threshold) == (exact < threshold)
    assert shown != threshold


people_strategy = st.lists(
    st.tuples(
        st.integers(0, 4),  # township
        st.sampled_from([ADMIN_QUOTA, INSTITUTION_QUOTA]),
        st.sampled_from(list(PersonStatus)),
        st.booleans(),  # enforcement
        st.sampled_from([None, EXCELLENT, "称职"]),
        st.sampled_from([None, TODAY, TODAY + timedelta(days=400)]),  # service period end
    ),
    max_size=60,
)


@given(
    quotas=st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=5, max_size=5),
    people=people_strategy,
    data=st.data(),
)
@settings(max_examples=40, deadline=None)
def test_findings_name_real_objects_and_ignore_person_order(
    quotas: list[tuple[int, int]], people: list[tuple[object, ...]], data: st.DataObject
) -> None:
    classes = [COUNTY_SEAT, ORDINARY, CLASS_1, CLASS_3, "街道"]
    townships = tuple(
        TownshipState(
            code=f"t{k}",
            name=f"乡镇{k}",
            township_class=classes[k],
            approved_quotas={ADMIN_QUOTA: a, INSTITUTION_QUOTA: b},
            leadership_posts_approved=3,
            leadership_posts_used=k,
            previous_quotas={ADMIN_QUOTA: 10, INSTITUTION_QUOTA: 10},
        )
        for k, (a, b) in enumerate(quotas)
    )
    persons = tuple(
        PersonState(
            id=f"p{n}",
            name=f"人{n}",
            township_code=f"t{t}",
            quota_type=q,  # type: ignore[arg-type]
            status=s,  # type: ignore[arg-type]
            is_enforcement_staff=e,  # type: ignore[arg-type]
            assessment_grade=g,  # type: ignore[arg-type]
            service_period_end=end,  # type: ignore[arg-type]
        )
        for n, (t, q, s, e, g, end) in enumerate(people)
    )
    snapshot = CountyFacts("0", "测试县", townships, (), persons)
    shuffled = replace(snapshot, persons=tuple(data.draw(st.permutations(persons))))

    found = evaluate(snapshot, today=TODAY)
    ids = {
        ObjectKind.COUNTY: {"0"},
        ObjectKind.TOWNSHIP: {t.code for t in townships},
        ObjectKind.PERSON: {p.id for p in persons},
        ObjectKind.INSTITUTION: set(),
    }
    for finding in found:
        assert finding.object.id in ids[finding.object.kind]
        assert finding.severity is RULES_BY_ID[finding.rule].severity
        assert finding.message
    key = lambda f: json.dumps(finding_to_dict(f), ensure_ascii=False)  # noqa: E731
    assert sorted(map(key, found)) == sorted(map(key, evaluate(shuffled, today=TODAY)))


# --- a province-sized snapshot -------------------------------------------------------------------------------------------


def test_a_province_sized_snapshot_evaluates() -> None:
    """3,111 townships and 150,000 persons (the size of a province). Timing is
    measured by the benchmark, not here: this only proves the engine copes."""
    n_townships, n_persons = 3_111, 150_000
    classes = [COUNTY_SEAT, "中心镇", "重点镇", "特色镇", ORDINARY]
    townships = tuple(
        TownshipState(
            code=f"{k:09d}",
            name=f"乡镇{k}",
            township_class=classes[k % 5],
            approved_quotas={ADMIN_QUOTA: 15 + k % 10, INSTITUTION_QUOTA: 25 + k % 7},
            leadership_posts_approved=7,
            leadership_posts_used=6 + k % 3,
            previous_quotas={ADMIN_QUOTA: 16, INSTITUTION_QUOTA: 28},
        )
        for k in range(n_townships)
    )
    statuses = list(PersonStatus)
    persons = tuple(
        PersonState(
            id=str(n),
            name=f"人{n}",
            township_code=f"{n % n_townships:09d}",
            quota_type=ADMIN_QUOTA if n % 3 else INSTITUTION_QUOTA,
            is_enforcement_staff=n % 17 == 0,
            enforcement_certificate_expiry=date(2025, 1, 1),
            status=statuses[n % 23 % 4],
            service_period_end=date(2025, 1, 1) if n % 11 == 0 else None,
            secondment_start=date(2024, 3, 1),
            assessment_grade=EXCELLENT if n % 6 == 0 else "称职",
        )
        for n in range(n_persons)
    )
    institutions = tuple(
        InstitutionState(
            f"i{k}", f"机构{k}", f"{k % n_townships:09d}", InstitutionKind(kind), 1 + k % 3
        )
        for k, kind in enumerate(
            ["office", "public-institution", "dispatched-agency"] * (n_townships * 3)
        )
    )
    snapshot = CountyFacts("510000", "四川省", townships, institutions, persons)
    found = evaluate(snapshot, today=TODAY)
    assert {f.rule for f in found} <= set(RULES_BY_ID)
    assert len(found) > 0


def test_leadership_posts_cites_only_what_it_checks() -> None:
    # It checks used <= approved; 002 §1 "不突破现有总量" (the total before the
    # reform, stored nowhere) is neither checked nor cited.
    assert RULES_BY_ID["leadership-posts"].source == (
        "000_a14086b89449fcd2.txt §二.3；001_d6ec4a3fabdfb8f1.txt §(三)4"
    )


# --- key towns in a plan (001 §(三)1 重点保障) ---------------------------------------


def test_a_key_town_below_the_ordinary_rate_or_floor_is_warned() -> None:
    from bianzhi.core.rules.checks import PlannedTownship, key_town_warnings

    townships = [
        PlannedTownship("蓬莱镇", COUNTY_SEAT, score=10.0, allocation=20),  # 2.00 per unit
        PlannedTownship("象山镇", ORDINARY, score=2.0, allocation=15),
        PlannedTownship("河边镇", ORDINARY, score=2.0, allocation=15),  # 7.50 per unit
        PlannedTownship("回马镇", "重点镇", score=1.0, allocation=12),  # 12.00, but under 15
    ]
    assert key_town_warnings(townships, quota_type=ADMIN_QUOTA, ordinary_floor=15) == [
        "行政编制：蓬莱镇（县政府驻地镇）每单位得分2.00名，低于一般乡镇的7.50名，未体现重点保障"
        "（001_d6ec4a3fabdfb8f1.txt §(三)1）",
        "行政编制：回马镇（重点镇）测算12名，少于一般乡镇下限15名（001_d6ec4a3fabdfb8f1.txt §(三)1）",
    ]


def test_key_towns_given_more_than_ordinary_townships_are_not_warned() -> None:
    from bianzhi.core.rules.checks import PlannedTownship, key_town_warnings

    townships = [
        PlannedTownship("蓬莱镇", COUNTY_SEAT, score=4.0, allocation=40),
        PlannedTownship("象山镇", ORDINARY, score=2.0, allocation=15),
    ]
    assert key_town_warnings(townships, quota_type=ADMIN_QUOTA, ordinary_floor=15) == []


def test_an_uncertified_leader_in_charge_of_enforcement_is_a_warning() -> None:
    # 004《优化机构编制资源配置工作方案》§二(五): 分管执法的领导要率先取证.
    on = date(2026, 3, 1)
    leader = PersonState(id="p1", name="钱镇长", township_code="510923100", quota_type=ADMIN_QUOTA,
                         post_category="leader", enforcement_certificate_expiry=on)
    town = TownshipState(code="510923100", name="蓬莱镇", township_class=ORDINARY,
                         enforcement_leader_id="p1")
    snapshot = CountyFacts(region_code="510923", region_name="大英县", townships=[town], persons=[leader])
    only = {r.id: RuleSettings(enabled=r.id == "enforcement-leader-certified") for r in RULES}
    assert evaluate(snapshot, only, today=on) == []  # the last valid day still counts
    findings = evaluate(snapshot, only, today=on + timedelta(days=1))
    assert [(f.severity, f.message) for f in findings] == [(Severity.WARNING, "分管执法的领导钱镇长未持有效执法证")]
    gone = replace(snapshot, townships=[replace(town, enforcement_leader_id="p2")])
    assert [f.object.kind for f in evaluate(gone, only, today=on)] == [ObjectKind.TOWNSHIP]


# --- the roster as tallies (issue 16) -------------------------------------------


def _tallied(persons: Iterable[PersonState], on: date) -> list[PersonTally]:
    """The plain reference: one tally per township and quota type, counted
    person by person as the docstring of PersonTally says."""
    groups: dict[tuple[str, str], list[PersonState]] = {}
    for p in persons:
        groups.setdefault((p.township_code, p.quota_type), []).append(p)
    result = []
    for (code, quota_type), members in groups.items():
        holding = [p for p in members if p.status is not PersonStatus.BORROWED_IN]
        working = [p for p in members if p.is_enforcement_staff
                   and p.status in (PersonStatus.ON_POST, PersonStatus.BORROWED_IN)]  # fmt: skip
        result.append(PersonTally(
            code, quota_type, len(members), len(members) - len(holding),
            sum(p.assessment_grade == EXCELLENT for p in holding), len(working),
            sum(p.has_valid_certificate(on) for p in working), on,
        ))  # fmt: skip
    return result


def test_tallied_persons_give_the_findings_of_listed_persons(county: CountyFacts) -> None:
    statuses = [PersonStatus.ON_POST, PersonStatus.BORROWED_IN, PersonStatus.OTHER_ABSENCE]
    persons = [
        replace(p, status=statuses[k % 3], assessment_grade=EXCELLENT if k % 4 == 0 else p.assessment_grade,
                is_enforcement_staff=k % 5 < 2,
                enforcement_certificate_expiry=[None, TODAY, TODAY - timedelta(days=1)][k % 3])
        for k, p in enumerate(county.persons)
    ]  # fmt: skip
    listed = replace(county, persons=persons)
    tallied = replace(county, persons=(), person_tallies=_tallied(persons, TODAY))
    warn_all = {r.id: RuleSettings(severity=Severity.WARNING) for r in RULES}
    # Count only valid certificates against a high floor, so the certified
    # tally is read and compared.
    warn_all["enforcement-staff"] = RuleSettings(
        severity=Severity.WARNING, parameters={"certified_only": 1, "min_staff": 8})
    expected = evaluate(listed, warn_all, today=TODAY)
    # The mix breaks the rules that read each tallied count.
    assert {f.rule for f in expected} >= {"usage-rate", "excellent-share", "enforcement-staff"}
    assert evaluate(tallied, warn_all, today=TODAY) == expected


def test_a_tally_of_certificates_valid_on_another_day_is_refused(county: CountyFacts) -> None:
    tallies = _tallied(county.persons, TODAY - timedelta(days=1))
    with pytest.raises(CountyFactsError):
        evaluate(replace(county, persons=(), person_tallies=tallies), today=TODAY)
