"""Issue 4 §10 in Chromium: 大英县's officer creates a plan, runs it, sees the
chart, approves it with a 文号 and exports xlsx; 蓬莱镇's user can open
nothing of 通渭县."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect


@pytest.fixture
def counties(regions: Any) -> Any:
    from bianzhi.allocation.demo import demo_plan
    from bianzhi.townships.demo import demo_county_data

    demo_county_data(regions["510923"])
    demo_county_data(regions["621121"])
    # 通渭县 has an approved plan, as in the demo.
    return {"tongwei_plan": demo_plan(regions["621121"])}


def test_daying_creates_runs_approves_and_exports_a_plan(
    page: Any, browser_login: Any, daying_officer: Any, counties: Any
) -> None:
    browser_login(page, "daying")
    page.get_by_role("link", name="测算方案").first.click()
    page.get_by_role("link", name="大英县").click()
    page.get_by_label("方案名称").fill("大英县2026年乡镇编制测算（浏览器测试）")
    page.locator("#id_admin_total").fill("160")
    page.locator("#id_admin_floor_4").fill("15")
    # 事业编制 keeps the default 5% reserve: approval puts it in the county's
    # reserve pool (机动编制), so the county total does not decrease.
    page.get_by_role("button", name="保存方案").click()
    page.get_by_role("button", name="测算").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已测算")

    # The chart: ECharts rendered an SVG with a bar per township.
    chart = page.get_by_test_id("chart-admin")
    chart.locator("svg").wait_for()
    assert chart.locator("svg path").count() > 10

    # One township's explanation, on demand (HTMX).
    page.locator("#result-admin").get_by_role("button", name="说明").nth(1).click()
    expect(page.get_by_test_id("explain")).to_contain_text("蓬莱镇")

    page.get_by_label("文号").fill("大委编发〔2026〕3号")
    page.get_by_role("button", name="批准方案").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已批准")
    expect(page.get_by_test_id("ledger")).to_contain_text("大委编发〔2026〕3号")
    assert page.get_by_role("button", name="测算").count() == 0  # immutable now

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel（行政编制）").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert download.path().stat().st_size > 1000


def test_penglai_cannot_open_anything_of_tongwei(
    page: Any, browser_login: Any, penglai_user: Any, counties: Any
) -> None:
    plan = counties["tongwei_plan"]
    browser_login(page, "penglai")
    urls = [
        "/townships/county/621121/",
        "/townships/county/621121/indicators/export.xlsx",
        "/townships/621121100/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/export.xlsx",
        f"/plans/{plan.pk}/export.pdf",
        f"/plans/{plan.pk}/explain/621121100/",
        "/api/v1/townships/621121100/",
        f"/api/v1/plans/{plan.pk}/",
    ]
    for url in urls:
        response = page.goto(url)
        assert response.status in (403, 404), url
        assert "通渭" not in page.content(), url
    page.goto("/plans/")
    assert "通渭" not in page.content()
    page.goto("/townships/")
    assert "通渭" not in page.content() and "蓬莱镇" in page.content()
