"""Findings evaluated with the roster tallied (one GROUP BY, issue 16) are
those evaluated with one PersonState per person: every rule's database
scenario, and a county with every kind of person at once."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest
from tests.rules.test_every_rule_through_django import SETUPS, TODAY, _warn_all
from tests.staffing import PENGLAI, approve, enter

from bianzhi.core.rules import CountyFacts, evaluate
from bianzhi.core.rules.engine import build_index
from bianzhi.enforcement.models import EnforcementTeam
from bianzhi.regions.models import Region
from bianzhi.roster.models import Person, Status
from bianzhi.rules.facts import counties_facts, settings_by_county

pytestmark = pytest.mark.django_db


def _assert_same_evaluation(code: str = "510923") -> None:
    region = Region.objects.get(code=code)
    listed = counties_facts(region, today=TODAY)
    tallied = counties_facts(region, today=TODAY, tally=True)
    settings = settings_by_county(s.region_code for s in listed)
    assert [s.region_code for s in tallied] == [s.region_code for s in listed]
    for full, short in zip(listed, tallied, strict=True):
        assert short.townships == full.townships  # leaders used, counted in the GROUP BY
        assert len(short.persons) + sum(t.count for t in short.person_tallies) == len(full.persons)
        _assert_same_index(full, short)
        rules = settings[full.region_code]
        assert evaluate(short, rules, today=TODAY) == evaluate(full, rules, today=TODAY)


def _assert_same_index(full: CountyFacts, short: CountyFacts) -> None:
    a, b = build_index(full, TODAY), build_index(short, TODAY)
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y), field.name
        elif field.name in ("headcount", "approved"):
            assert x.keys() == y.keys() and all(np.array_equal(x[k], y[k]) for k in x), field.name
        elif field.name != "snapshot":
            assert x == y, field.name


@pytest.mark.parametrize("rule", sorted(SETUPS))
def test_each_rule_scenario_evaluates_the_same_with_the_roster_tallied(rule: str, regions: Any) -> None:
    _warn_all()
    SETUPS[rule]()
    _assert_same_evaluation()


def test_a_county_with_every_kind_of_person_evaluates_the_same_tallied(regions: Any) -> None:
    _warn_all()
    approve(PENGLAI, admin=6, institution=4)
    approve("510923102", admin=3)
    people = [
        enter(1), enter(2, quota_type="事业编制"), enter(3, post_category="leader"),
        enter(4, is_enforcement_staff=True, certificate_expiry=TODAY + timedelta(days=30)),
        enter(5, is_enforcement_staff=True, certificate_expiry=TODAY - timedelta(days=1)),
        enter(6, is_enforcement_staff=True, certificate_expiry=TODAY),
        enter(7, is_enforcement_staff=True), enter(8), enter(9, code="510923102"),
        enter(10, code="510923102", post_category="leader", is_enforcement_staff=True),
    ]  # fmt: skip
    Person.objects.filter(pk__in=[people[0].pk, people[7].pk]).update(assessment_grade="优秀")
    Person.objects.filter(pk=people[1].pk).update(status=Status.SECONDED_OUT, secondment_unit="县委办",
                                                  secondment_start=date(TODAY.year - 1, 6, 1))
    Person.objects.filter(pk=people[5].pk).update(status=Status.BORROWED_IN)
    Person.objects.filter(pk=people[8].pk).update(exited_on=date(2024, 1, 1))
    EnforcementTeam.objects.create(township=Region.objects.get(code=PENGLAI), leader_in_charge=people[2])
    EnforcementTeam.objects.create(township=Region.objects.get(code="510923102"), leader_in_charge=people[9])
    _assert_same_evaluation()
    _assert_same_evaluation("51")  # the province: every county at once
