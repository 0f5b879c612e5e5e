"""Malformed numbers and dates on the work-plan pages and API: a Chinese
message (or a 400), never a crash, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from bianzhi.tasks.models import Finding, SupervisionRound

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("9999-12", "月份须在 1901 年至 2199 年之间"),
        ("0001-01", "月份须在 1901 年至 2199 年之间"),
        ("1-1", "月份格式应为"),
        ("2021-13", "月份格式应为"),
        ("abc", "月份格式应为"),
    ],
)
def test_a_month_out_of_range_shows_the_current_month_with_a_message(
    login: Any, daying_officer: Any, month: str, message: str
) -> None:
    response = login(daying_officer).get("/tasks/calendar/", {"month": month})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "任务日历" in page


def test_the_calendar_still_goes_to_the_month_asked(
    login: Any, daying_officer: Any, plan: Any
) -> None:
    page = login(daying_officer).get("/tasks/calendar/", {"month": "2021-03"}).content.decode()
    assert "任务日历：2021年3月" in page and "组织开展资产清查" in page
    assert "?month=2021-02" in page and "?month=2021-04" in page


def test_an_impossible_due_date_filter_is_shown_as_an_error_and_left_out(
    login: Any, daying_officer: Any, plan: Any
) -> None:
    response = login(daying_officer).get("/tasks/all/", {"due_from": "2026-02-30"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "时限自：" in page
    assert "组织开展资产清查" in page  # the other filters (none) still apply


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"plan": "9223372036854775808"}, "plan"),  # one past PostgreSQL's bigint
        ({"plan": "99999999999999999999"}, "plan"),
        ({"plan": "abc"}, "plan"),
        ({"plan": "²"}, "plan"),  # passes str.isdigit(), not int()
        ({"status": "nonsense"}, "status"),
        ({"overdue": "yes"}, "overdue"),
    ],
)
def test_malformed_task_list_filters_are_a_400_in_chinese(
    daying_officer: Any, plan: Any, params: dict[str, str], field: str
) -> None:
    client = APIClient()
    client.force_authenticate(daying_officer)
    response = client.get("/api/v1/tasks/", params)
    assert response.status_code == 400
    [message] = response.json()[field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_the_largest_plan_id_is_a_valid_filter_with_no_tasks(
    daying_officer: Any, plan: Any
) -> None:
    client = APIClient()
    client.force_authenticate(daying_officer)
    response = client.get("/api/v1/tasks/", {"plan": "9223372036854775807"})
    assert response.status_code == 200 and response.json()["count"] == 0


def _round_data(**fields: str) -> dict[str, str]:
    data = {
        "region": "510923100",
        "plan": "",
        "held_on": "2021-09-01",
        "title": "第二轮巡回督导",
        "inspector": "镇纪委",
        "summary": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"plan": "abc"}, "工作方案：无效，请从列表中选择。"),
        ({"plan": "99999999999999999999"}, "工作方案：无效，请从列表中选择。"),
        ({"held_on": "2026-02-30"}, "督导日期："),
        ({"held_on": "9999-12-31"}, "日期须在 1900-01-01 至 2200-12-31 之间"),
    ],
)
def test_a_round_with_a_malformed_plan_or_date_is_refused_and_not_created(
    login: Any, daying_officer: Any, plan: Any, fields: dict[str, str], message: str
) -> None:
    response = login(daying_officer).post("/tasks/rounds/", _round_data(**fields), follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupervisionRound.objects.exists()


def test_a_round_for_a_plan_is_still_created(login: Any, daying_officer: Any, plan: Any) -> None:
    response = login(daying_officer).post("/tasks/rounds/", _round_data(plan=str(plan.pk)))
    item = SupervisionRound.objects.get()
    assert response["Location"] == f"/tasks/rounds/{item.pk}/"
    assert item.plan == plan and str(item.held_on) == "2021-09-01"


@pytest.fixture
def supervision(plan: Any) -> Any:
    import datetime as dt

    from bianzhi.tasks.services import round_create

    return round_create(
        actor=None, region=plan.region, plan=plan, held_on=dt.date(2021, 9, 1), title="第一轮"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"task": "abc"}, "任务：无效，请从列表中选择。"),
        ({"task": "NaN"}, "任务：无效，请从列表中选择。"),
        ({"task": "-1"}, "任务：无效，请从列表中选择。"),
        ({"rectify_by": "2026-02-30"}, "整改时限："),
        ({"rectify_by": "9999-12-31"}, "日期须在 1900-01-01 至 2200-12-31 之间"),
    ],
)
def test_a_finding_with_a_malformed_task_or_date_is_refused_and_not_created(
    login: Any,
    daying_officer: Any,
    supervision: Any,
    fields: dict[str, str],
    message: str,
) -> None:
    data = {"task": "", "unit": "财政办", "description": "台账不全", "rectify_by": ""}
    data.update(fields)
    response = login(daying_officer).post(
        f"/tasks/rounds/{supervision.pk}/findings/", data, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Finding.objects.exists()


def test_a_finding_on_a_task_is_still_created(
    login: Any, daying_officer: Any, supervision: Any, plan: Any
) -> None:
    task = plan.tasks.get(seq=1)
    data = {
        "task": str(task.pk),
        "unit": "财政办",
        "description": "台账不全",
        "rectify_by": "2021-09-15",
    }
    login(daying_officer).post(f"/tasks/rounds/{supervision.pk}/findings/", data)
    finding = Finding.objects.get()
    assert finding.task == task and str(finding.rectify_by) == "2021-09-15"
