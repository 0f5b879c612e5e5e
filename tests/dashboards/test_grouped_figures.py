"""The enforcement and asset tables of a dashboard have one row per region of
the level below (issue 16): a province by city, a city by county, a county
by township. Each row must hold the sum of its townships' figures, counted
here independently, case by case and asset by asset."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from tests.staffing import PENGLAI, approve, enter, id_number

from bianzhi.assets.selectors import figures as asset_figures
from bianzhi.enforcement.selectors import figures as enforcement_figures

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)
# Beside 大英县 (510923, in 遂宁市 5109): a second county of 遂宁市 and a
# county of a second city (成都市 5101), two townships each.
EXTRA = {
    "5101": ("成都市", "city", None),
    "510104": ("锦江区", "county", "5101"),
    "510104001": ("春熙路街道", "township", "510104"),
    "510104002": ("书院街街道", "township", "510104"),
    "510904": ("安居区", "county", "5109"),
    "510904100": ("安居镇", "township", "510904"),
    "510904101": ("东禅镇", "township", "510904"),
}
TOWNSHIPS = [PENGLAI, "510923101", "510104001", "510104002", "510904100", "510904101"]
# Per township: (status, days to close or None) of each case.
CASES = {
    PENGLAI: [("closed", 10), ("closed", 3), ("transferred", None), ("filed", None)],
    "510923101": [("closed", 7), ("investigating", None)],
    "510104001": [("closed", 1), ("closed", 2), ("closed", 4)],
    "510904100": [("transferred", None)],
    "510904101": [("closed", None), ("decided", None)],  # closed without a closing date: no days
}
# Per township: use status of each asset, and whether it has a plan crossed off.
ASSETS = {
    PENGLAI: [("闲置", False), ("已盘活", True), ("在用", False)],
    "510104002": [("闲置", False), ("闲置", False), ("已盘活", True), ("已盘活", False)],
    "510904100": [("在用", False)],
}


@pytest.fixture
def spread(regions: Any) -> dict[str, Any]:
    from bianzhi.assets.models import Asset, RevitalisationPlan
    from bianzhi.enforcement.models import Case
    from bianzhi.regions.models import Region

    for code, (name, level, parent) in EXTRA.items():
        parent_region = Region.objects.get(code=parent) if parent else regions["51"]
        Region.objects.create(code=code, name=name, level=level, parent=parent_region,
                              **Region.codes_for(code=code, level=level, parent=parent_region))
    towns = {r.code: r for r in Region.objects.filter(code__in=TOWNSHIPS)}
    for code, cases in CASES.items():
        for n, (status, days) in enumerate(cases):
            filed = date(2026, 1, 1 + n)
            Case.objects.create(
                township=towns[code], number=f"{code}-{n}", matter_code=f"M{n % 2}", matter_name=f"事项{n % 2}",
                power_type="处罚", party_kind="person", party_name="张三", party_id=id_number(n),
                filed_on=filed, status=status,
                closed_on=date.fromordinal(filed.toordinal() + days) if days is not None else None,
            )
    for code, assets in ASSETS.items():
        for n, (use_status, crossed_off) in enumerate(assets):
            asset = Asset.objects.create(township=towns[code], owner="镇", asset_class="办公用房", name=f"资产{n}",
                                         origin="原有", registration="已登记", use_status=use_status)
            if use_status != "在用":
                RevitalisationPlan.objects.create(
                    asset=asset, category="充实办公用房一批", measures="改作办公", responsible_unit="镇政府",
                    deadline=date(2026, 12, 31), status="closed" if crossed_off else "in-progress")
    # Enforcement staff: two certified and one expired in 蓬莱镇, one certified in 安居镇.
    approve(PENGLAI, admin=10)
    approve("510904100", admin=10)
    enter(1, is_enforcement_staff=True, certificate_expiry=date(2030, 1, 1))
    enter(2, is_enforcement_staff=True, certificate_expiry=date(2030, 1, 1))
    enter(3, is_enforcement_staff=True, certificate_expiry=date(2020, 1, 1))
    enter(4, "510904100", is_enforcement_staff=True, certificate_expiry=date(2030, 1, 1))
    return {r.code: r for r in Region.objects.all()}


@pytest.fixture
def admin(db: Any) -> Any:
    from bianzhi.accounts.services import user_create

    return user_create(username="省管理员", password="x-Password-1234", region=None, roles=[],
                       is_superuser=True, validate=False)


@pytest.fixture
def scope(admin: Any) -> Any:
    from bianzhi.accounts.scope import scope_for

    return scope_for(admin)


def _per_township(today: date) -> dict[str, dict[str, Any]]:
    """Each township's counts, straight from the rows (no GROUP BY)."""
    from bianzhi.assets.models import Asset, RevitalisationPlan
    from bianzhi.enforcement.models import Case
    from bianzhi.roster.models import Person

    out: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for case in Case.objects.select_related("township"):
        t = out[case.township.code]
        t["cases"] += 1
        t["closed"] += case.status == "closed"
        t["transferred"] += case.status == "transferred"
        t["open"] += case.status not in ("closed", "transferred")
        if case.status == "closed" and case.closed_on:
            t["days"] += (case.closed_on - case.filed_on).days
            t["timed"] += 1
    for person in Person.objects.select_related("region"):
        if person.is_enforcement_staff and person.exited_on is None and person.status in ("on-post", "borrowed-in"):
            out[person.region.code]["staff"] += 1
            out[person.region.code]["certified"] += bool(person.certificate_expiry and person.certificate_expiry >= today)
    for asset in Asset.objects.select_related("township"):
        t = out[asset.township.code]
        t["total"] += 1
        t["idle"] += asset.use_status == "闲置"
        t["revitalised"] += asset.use_status == "已盘活"
    for plan in RevitalisationPlan.objects.select_related("asset__township"):
        out[plan.asset.township.code]["closed_plans"] += plan.status == "closed"
    return out


def _summed(groups: list[str], today: date) -> dict[str, dict[str, int]]:
    """The townships' counts summed into the groups (a group's code is a prefix of its townships')."""
    sums: dict[str, dict[str, int]] = {g: defaultdict(int) for g in groups}
    for code, counts in _per_township(today).items():
        group = next((g for g in groups if code.startswith(g)), None)
        if group is not None:
            for key, value in counts.items():
                sums[group][key] += value
    return sums


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@pytest.mark.parametrize(("region", "groups"), [
    ("51", ["5101", "5109"]),
    ("5109", ["510904", "510923"]),
    ("510923", [PENGLAI, "510923101"]),
    ("510904", ["510904100", "510904101"]),
    (PENGLAI, [PENGLAI]),
])  # fmt: skip
def test_each_row_is_the_sum_of_its_townships(spread: Any, scope: Any, region: str, groups: list[str]) -> None:
    enforcement = enforcement_figures(scope=scope, region=spread[region], today=TODAY)
    assets = asset_figures(scope=scope, region=spread[region])
    codes = [r["code"] for r in enforcement["rows"]]
    assert set(groups) <= set(codes) and codes == sorted(codes) == [r["code"] for r in assets["rows"]]
    assert all(len(c) == len(groups[0]) for c in codes)  # one level: the level below the region
    assert [r["name"] for r in enforcement["rows"]] == [spread[c].name for c in codes]
    sums = _summed(codes, TODAY)
    for row in enforcement["rows"]:
        s = sums[row["code"]]
        assert (row["cases"], row["open"], row["closed"], row["transferred"]) == (
            s["cases"], s["open"], s["closed"], s["transferred"]), row["code"]
        assert row["average_days_to_close"] == (round(s["days"] / s["timed"], 1) if s["timed"] else None)
        assert (row["staff"], row["certified"]) == (s["staff"], s["certified"])
        assert row["certificate_rate"] == _rate(s["certified"], s["staff"])
    for row in assets["rows"]:
        s = sums[row["code"]]
        assert (row["total"], row["idle"], row["revitalised"], row["closed_plans"]) == (
            s["total"], s["idle"], s["revitalised"], s["closed_plans"]), row["code"]
        assert row["idle_share"] == _rate(s["idle"], s["total"])
        assert row["revitalised_share"] == _rate(s["revitalised"], s["idle"] + s["revitalised"])
    # The totals are those of the rows, the averages over every case at once.
    every = _summed([region], TODAY)[region]
    assert enforcement["totals"]["cases"] == every["cases"] == sum(r["cases"] for r in enforcement["rows"])
    assert enforcement["totals"]["average_days_to_close"] == (
        round(every["days"] / every["timed"], 1) if every["timed"] else None)
    assert enforcement["totals"]["certificate_rate"] == _rate(every["certified"], every["staff"])
    assert assets["totals"]["assets"] == every["total"]
    assert assets["totals"]["idle_share"] == _rate(every["idle"], every["total"])


def test_the_figures_are_not_trivial(spread: Any, scope: Any) -> None:
    """The data above gives each province row something to add up."""
    enforcement = enforcement_figures(scope=scope, region=spread["51"], today=TODAY)
    assets = asset_figures(scope=scope, region=spread["51"])
    assert [(r["code"], r["cases"], r["closed"], r["average_days_to_close"]) for r in enforcement["rows"]] == [
        ("5101", 3, 3, 2.3), ("5109", 9, 4, 6.7)]  # (1+2+4)/3, (10+3+7)/3
    assert [(r["code"], r["staff"], r["certified"]) for r in enforcement["rows"]] == [("5101", 0, 0), ("5109", 4, 3)]
    assert enforcement["matters"] == [{"name": "事项0", "cases": 7}, {"name": "事项1", "cases": 5}]
    assert [(r["code"], r["total"], r["idle"], r["revitalised"], r["closed_plans"]) for r in assets["rows"]] == [
        ("5101", 4, 2, 2, 1), ("5109", 4, 1, 1, 1)]
    assert assets["categories"] == [{"name": "充实办公用房一批", "plans": 6, "closed": 2}]


def test_the_province_page_lists_cities_linking_to_their_dashboards(spread: Any, admin: Any, login: Any) -> None:
    page = login(admin).get("/dashboards/51/").content.decode()
    for table in ("enforcement-rows", "asset-rows"):
        body = page.split(f'data-testid="{table}"', 1)[1].split("</table>", 1)[0]
        assert "<th>市（州）</th>" in body
        assert body.count("<tr>") == 1 + 2  # the head and 成都市, 遂宁市
        assert '<a href="/dashboards/5101/">成都市</a>' in body and '<a href="/dashboards/5109/">遂宁市</a>' in body
        assert "蓬莱镇" not in body
    county = login(admin).get("/dashboards/510923/").content.decode()
    body = county.split('data-testid="enforcement-rows"', 1)[1].split("</table>", 1)[0]
    assert "<th>乡镇</th>" in body and f'<a href="/dashboards/{PENGLAI}/">蓬莱镇</a>' in body


@pytest.mark.parametrize("region", ["51", "5109", "510923", PENGLAI])
def test_the_staff_counted_by_the_roster_tally_are_those_the_enforcement_figures_count(
    spread: Any, scope: Any, region: str
) -> None:
    """The page passes the roster tally's enforcement staff to the
    enforcement figures rather than count them twice: the same persons."""
    from bianzhi.dashboards.selectors import dashboard_data

    data = dashboard_data(scope=scope, region=spread[region], today=TODAY)
    staff = {r["code"]: (r["enforcement"], r["certified"]) for r in data["rows"]}
    given = enforcement_figures(scope=scope, region=spread[region], today=TODAY, staff=staff)
    assert given == enforcement_figures(scope=scope, region=spread[region], today=TODAY)
    assert sum(n for n, _ in staff.values()) == (4 if region in ("51", "5109") else 3)  # 安居镇 is in 遂宁市, not in 大英县
