"""Numbers in the plan form are bounded: a 20-digit total or floor was
accepted, stored, and overflowed the engine's int64 arrays when the plan was
run (HTTP 500)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.allocation.test_plan_pages import _form_data

from bianzhi.allocation.models import AllocationPlan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field",
    ["admin_total", "admin_floor_4", "admin_cap_4", "admin_max_step", "admin_w_0", "admin_coef_0"],
)
@pytest.mark.parametrize("value", ["99999999999999999999", "2147483648", "1e309"])
def test_a_number_too_big_for_the_engine_is_refused_and_no_plan_is_created(
    login: Any, daying: Any, daying_officer: Any, field: str, value: str
) -> None:
    response = login(daying_officer).post(
        reverse("allocation:create", args=["510923"]), _form_data(**{field: value})
    )
    assert response.status_code == 200
    page = response.content.decode()
    # 1e309 is no whole number for the integer fields, too big for the decimal ones.
    assert "确保该值小于或等于2147483647" in page or "输入整数" in page
    assert not AllocationPlan.objects.exists()


def test_the_largest_total_is_stored_and_the_run_answers(
    login: Any, daying: Any, daying_officer: Any
) -> None:
    client = login(daying_officer)
    client.post(reverse("allocation:create", args=["510923"]), _form_data(admin_total="2147483647"))
    plan = AllocationPlan.objects.get()
    response = client.post(reverse("allocation:run", args=[plan.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("reserve", ["NaN%", "sNaN%", "Infinity%", "-Infinity％"])
def test_a_reserve_percentage_that_is_not_a_number_is_refused(
    login: Any, daying: Any, daying_officer: Any, reserve: str
) -> None:
    response = login(daying_officer).post(
        reverse("allocation:create", args=["510923"]), _form_data(admin_reserve=reserve)
    )
    assert response.status_code == 200
    assert "不是整数或百分比" in response.content.decode()
    assert not AllocationPlan.objects.exists()
