"""The plan page compares the five apportionment methods side by side, with
the difference of each township from the plan's own method (what
``bianzhi allocate --compare`` gives on the command line)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bianzhi.allocation import engine
from bianzhi.allocation.demo import demo_plan
from bianzhi.core.allocation import Method, compare_methods

pytestmark = pytest.mark.django_db


def test_the_plan_page_shows_every_method_with_differences_per_township(
    login: Any, daying: Any, daying_officer: Any
) -> None:
    plan = demo_plan(daying, approve=False)
    response = login(daying_officer).get(reverse("allocation:detail", args=[plan.pk]))
    body = response.content.decode()
    assert 'data-testid="methods-admin"' in body and "五种取整方法比较" in body
    assert all(m.label in body for m in Method)
    table = next(t for t in response.context["tables"] if t["quota_type"] == "行政编制")
    compared = table["methods"]
    expected = compare_methods(
        engine.township_inputs(plan.inputs),
        engine.allocation_params("行政编制", plan.params["行政编制"], plan.inputs),
    )
    chosen = expected[Method(plan.params["行政编制"]["method"])].by_code()
    for row in compared.rows:
        for i, method in enumerate(Method):
            number = expected[method].by_code()[row.code].allocation
            assert row.allocations[i] == number
            assert row.differences[i] == number - chosen[row.code].allocation
    assert compared.changed == sum(1 for r in compared.rows if any(r.differences))
    assert compared.changed > 0  # the demo's floors make the methods disagree somewhere
