"""``/api/v1/tasks/`` and ``/api/v1/work-plans/``: scoped, with today's
deadline warning; ``overdue=1`` lists the overdue tasks only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def on_2021_05_28(clock: Any) -> dt.date:
    """Task 1 (due 2021-03-31) overdue, task 2 (2021-05-31) due soon."""
    day = dt.date(2021, 5, 28)
    clock(day)
    return day


def test_work_plans_with_their_task_counts(plan: Any, daying_officer: Any) -> None:
    client = _client(daying_officer)
    [item] = client.get("/api/v1/work-plans/").json()["results"]
    assert item["id"] == plan.pk and item["title"] == "盘活用好镇村公有资产工作方案"
    assert item["region"] == "510923100" and (item["tasks_total"], item["tasks_closed"]) == (5, 0)
    assert client.get(item["links"]["self"]).json() == item
    assert item["links"]["page"] == f"/tasks/plans/{plan.pk}/"


def test_tasks_carry_units_deadline_and_warning(
    plan: Any, daying_officer: Any, on_2021_05_28: dt.date
) -> None:
    client = _client(daying_officer)
    listing = client.get("/api/v1/tasks/").json()
    assert listing["count"] == 5
    first = listing["results"][0]
    assert first["seq"] == 1 and first["content"] == "组织开展资产清查"
    assert first["lead_units"] == ["财政办", "农业综合服务中心"]
    assert first["deadline"] == "2021-03-31" and first["status"] == "not_started"
    assert (first["urgency"], first["urgency_label"], first["days_overdue"]) == ("overdue", "已逾期", 58)
    assert client.get(first["links"]["self"]).json() == first
    assert [t["seq"] for t in listing["results"] if t["urgency"] == "due_soon"] == [2]


def test_overdue_and_status_filters(plan: Any, daying_officer: Any, on_2021_05_28: dt.date) -> None:
    client = _client(daying_officer)
    overdue = client.get("/api/v1/tasks/", {"overdue": "1"}).json()["results"]
    assert [t["seq"] for t in overdue] == [1]
    assert client.get("/api/v1/tasks/", {"status": "closed"}).json()["results"] == []
    assert client.get("/api/v1/tasks/", {"plan": str(plan.pk)}).json()["count"] == 5


def test_another_county_gets_404_and_empty_lists(plan: Any, tongwei_officer: Any) -> None:
    client = _client(tongwei_officer)
    task = plan.tasks.first()
    assert client.get(f"/api/v1/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/api/v1/work-plans/{plan.pk}/").status_code == 404
    assert client.get("/api/v1/tasks/").json()["results"] == []
    assert client.get("/api/v1/work-plans/").json()["results"] == []


def test_anonymous_is_refused(plan: Any) -> None:
    client = APIClient()
    assert client.get("/api/v1/tasks/").status_code in (401, 403)
    assert client.get("/api/v1/work-plans/").status_code in (401, 403)
