"""Issue 13 §2: users above a county drill down province → city → county or
search by name, pinyin initials or code; county and township users land on
their own page; breadcrumbs show only links the user may open."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bianzhi.accounts.scope import Scope
from bianzhi.regions.pinyin import name_initials
from bianzhi.regions.selectors import region_drill


def test_initials_of_a_county_name() -> None:
    assert name_initials("大英县") == "dyx"
    assert name_initials("通渭县") == "twx"


def test_the_superuser_starts_at_provinces_and_finds_a_county_three_ways(
    superuser: Any, regions: Any
) -> None:
    scope = Scope.for_user(superuser)
    top = region_drill(scope=scope)
    assert [r.code for r in top.children] == ["51", "62"] and top.parent is None
    city = region_drill(scope=scope, parent_code="5109")
    assert [r.code for r in city.children] == ["510923"]
    assert [r.name for r in city.path] == ["四川省", "遂宁市"]
    for query in ("大英", "dyx", "DY", "510923"):
        found = region_drill(scope=scope, q=query).results
        assert found and found[0].code == "510923", query
    assert region_drill(scope=scope, q="twx").results[0].name == "通渭县"


def test_a_city_user_starts_at_its_counties_and_cannot_search_elsewhere(
    suining_viewer: Any, regions: Any
) -> None:
    scope = Scope.for_user(suining_viewer)
    assert [r.code for r in region_drill(scope=scope).children] == ["510923"]
    assert region_drill(scope=scope, q="twx").results == []


def test_the_townships_page_drills_down_for_the_superuser(login: Any, superuser: Any) -> None:
    client = login(superuser)
    html = client.get(reverse("townships:index"), {"parent": "5109"}).content.decode()
    assert reverse("townships:county", args=["510923"]) in html and "通渭县" not in html
    found = client.get(reverse("townships:index"), {"q": "twx"}).content.decode()
    assert "甘肃省 定西市 通渭县" in found
    assert client.get(reverse("townships:index"), {"parent": "99"}).status_code == 404


def test_county_and_township_users_land_on_their_own_page(
    login: Any, daying_officer: Any, penglai_user: Any
) -> None:
    response = login(daying_officer).get(reverse("townships:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("townships:county", args=["510923"])
    response = login(penglai_user).get(reverse("allocation:list"))
    assert response["Location"] == reverse("allocation:township", args=["510923100"])


def test_plans_page_drills_to_a_county_and_offers_its_new_plan(
    login: Any, superuser: Any
) -> None:
    client = login(superuser)
    top = client.get(reverse("allocation:list")).content.decode()
    assert 'data-testid="drill"' in top and reverse("allocation:create", args=["510923"]) not in top
    chosen = client.get(reverse("allocation:list"), {"region": "510923"}).content.decode()
    assert reverse("allocation:create", args=["510923"]) in chosen


def test_a_township_users_breadcrumb_has_no_county_link(login: Any, penglai_user: Any) -> None:
    html = login(penglai_user).get(
        reverse("institutions:township", args=["510923100"])).content.decode()
    crumb = html.split('class="breadcrumb"', 1)[1].split("</p>", 1)[0]
    assert reverse("institutions:county", args=["510923"]) not in crumb
    assert login(penglai_user).get(
        reverse("institutions:county", args=["510923"])).status_code == 404


def test_a_township_users_ledger_links_the_plan_to_its_own_explanation(
    login: Any, penglai_user: Any, regions: Any
) -> None:
    from bianzhi.allocation.demo import demo_plan
    from bianzhi.townships.demo import demo_county_data

    demo_county_data(regions["510923"])
    plan = demo_plan(regions["510923"])
    html = login(penglai_user).get(reverse("townships:detail", args=["510923100"])).content.decode()
    ledger = html.split('data-testid="ledger"', 1)[1].split("</table>", 1)[0]
    assert plan.name in ledger
    assert reverse("allocation:detail", args=[plan.pk]) not in ledger
    assert reverse("allocation:township", args=["510923100"]) in ledger
