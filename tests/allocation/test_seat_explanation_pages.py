"""The plan page's 说明 and the township's own page say why the township got
its number: seats held by floors and caps, the divisor d, its quotient q and
the rounding rule (the township's page without other townships' names)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bianzhi.allocation.demo import demo_plan

pytestmark = pytest.mark.django_db
PENGLAI = "510923100"


def test_the_plan_page_explanation_names_the_held_townships_and_the_divisor(
    login: Any, daying: Any, daying_officer: Any, penglai_user: Any
) -> None:
    plan = demo_plan(daying)
    doc = plan.results["行政编制"]
    row = next(t for t in doc["townships"] if t["code"] == PENGLAI)
    held = [t for t in doc["townships"] if t["bound"] != "none"]
    assert held and row["bound"] == "none"  # the demo: ordinary townships held at 15
    url = reverse("allocation:explain", args=[plan.pk, PENGLAI]) + "?quota_type=admin"
    body = login(daying_officer).get(url, HTTP_HX_REQUEST="true").content.decode()
    seats = sum(t["allocation"] for t in held)
    assert f"（{len(held)}个乡镇）受“类别下限（保底）”约束，共取 {seats} 名" in body
    assert all(t["name"] in body for t in held)
    divisor = doc["divisor"]
    assert f"除数 d = {divisor:.10g}" in body
    assert f"本乡镇的商 q = {row['score']:.6f} ÷ {divisor:.10g} = {row['score'] / divisor:.4f}，取整得 {row['allocation']}" in body
    assert f"测算编制为 {row['allocation']}。" in body

    own = login(penglai_user).get(reverse("allocation:township", args=[PENGLAI])).content.decode()
    assert f"其他{len(held)}个乡镇受“类别下限（保底）”约束，共取 {seats} 名" in own
    assert f"取整得 {row['allocation']}" in own
    assert not any(t["name"] in own for t in held)
