"""Supervision cadence (004 §四: "每半月……至少开展一轮巡回督导"): a running
work plan whose elapsed half-month has no round is warned on the plans page
with its source; a round in every elapsed period silences it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from bianzhi.accounts.scope import Scope
from bianzhi.core.tasks import Cadence, missed_rounds
from bianzhi.tasks.selectors import supervision_gaps
from bianzhi.tasks.services import round_create

pytestmark = pytest.mark.django_db


def test_half_month_periods_without_a_round_are_missed() -> None:
    # Issued 2021-08-19: the days before 09-01 join the first half month, so
    # the periods are 08-19..09-15 and 09-16..09-30; 10-01.. is current.
    missed = missed_rounds(start=dt.date(2021, 8, 19), today=dt.date(2021, 10, 5),
                           cadence=Cadence.HALF_MONTH, rounds=[dt.date(2021, 9, 3)])
    assert missed == [(dt.date(2021, 9, 16), dt.date(2021, 9, 30))]


def test_the_current_period_is_never_reported() -> None:
    assert missed_rounds(start=dt.date(2021, 8, 19), today=dt.date(2021, 8, 31),
                         cadence=Cadence.HALF_MONTH, rounds=[]) == []


def test_a_running_plan_behind_its_cadence_is_warned_on_the_page(
    plan: Any, regions: Any, daying_officer: Any, login: Any, clock: Any
) -> None:
    clock(dt.date(2021, 10, 5))
    scope = Scope.for_user(daying_officer)
    (gap,) = supervision_gaps(scope=scope, on=dt.date(2021, 10, 5))
    assert gap.text == (
        "工作方案《盘活用好镇村公有资产工作方案》要求每半月至少一轮巡回督导，2021-09-16至2021-09-30没有督导记录，"
        "共2个周期没有督导（004《关于印发〈优化镇机构编制资源配置〉等28个工作方案的通知》§四）"
    )
    page = login(daying_officer).get(reverse("tasks:plan_list")).content.decode()
    assert "2021-09-16至2021-09-30没有督导记录" in page
    for day in (dt.date(2021, 8, 25), dt.date(2021, 9, 20)):
        round_create(actor=daying_officer, region=plan.region, held_on=day, title="巡回督导", plan=plan)
    assert supervision_gaps(scope=scope, on=dt.date(2021, 10, 5)) == []
