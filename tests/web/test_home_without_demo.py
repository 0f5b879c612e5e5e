"""The start page without the demo: a user without a role, and an over-quota
type. (tests/web/test_home.py shares one demo load for a whole module, so
tests that build their own data live here.)"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from tests.conftest import DAYING


def test_a_user_without_a_role_gets_the_notice_only(login: Any, regions: Any) -> None:
    from bianzhi.accounts.services import user_create

    nobody = user_create(username="nobody", password="Xq7-test-pass", region=regions[DAYING], roles=[], validate=False)
    response = login(nobody).get(reverse("web:home"))
    assert response.status_code == 200 and "尚未分配区划或角色" in response.content.decode()
    assert "figures" not in response.context


def test_an_over_quota_type_reads_as_over_quota_not_a_negative_vacancy(
    login: Any, penglai_user: Any
) -> None:
    from tests.staffing import approve, enter

    approve("510923100", admin=2, institution=3)
    enter(1)
    enter(2)
    approve("510923100", admin=1, institution=3)  # directly: one admin person too many
    html = login(penglai_user).get("/").content.decode()
    assert "行政编制超编 1" in html and "事业编制空编 3" in html
    assert "-1" not in html.split('data-testid="fig-vacancies"', 1)[1].split("</li>", 1)[0]
