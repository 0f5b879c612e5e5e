"""In a browser: the township user builds its grid and service registers and
the public page shows them without login; the county officer sets a
recruitment plan (refused beyond the vacancy) and records a quota transfer."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def quotas(regions: Any) -> Any:
    from tests.staffing import PENGLAI, approve

    approve(PENGLAI, admin=3, institution=2)
    return regions


def test_township_user_builds_grids_and_matters_and_the_public_sees_them(
    page: Any, browser: Any, live_server: Any, browser_login: Any, regions: Any, penglai_user: Any
) -> None:
    browser_login(page, "penglai")
    page.goto("/grids/")
    assert "蓬莱镇 网格与便民服务" in page.content()

    page.get_by_label("村（社区）名称").fill("蓬莱一村")
    page.get_by_role("button", name="添加村（社区）").click()
    assert "已添加蓬莱一村" in page.content()
    assert "蓬莱一村未设便民服务点" in page.content()

    page.get_by_placeholder("服务点名称").fill("一村便民服务站")
    page.get_by_placeholder("地址").fill("村党群服务中心")
    page.get_by_role("button", name="保存", exact=True).first.click()
    assert "已保存蓬莱一村的便民服务点" in page.content()

    page.get_by_label("网格名称").fill("第一网格")
    page.get_by_label("网格员姓名").fill("孙网格")
    page.get_by_label("岗位（定岗）").fill("专职网格员")
    page.get_by_label("职责（定责）").fill("信息采集、矛盾排查")
    page.get_by_role("button", name="新建网格").click()
    assert "已添加蓬莱一村第一网格及其网格员" in page.content()
    page.get_by_role("button", name="移除").click()
    assert "不能移除第一网格的最后一名网格员" in page.content()

    page.get_by_label("事项名称").fill("最低生活保障申请")
    page.get_by_label("办理地点").fill("蓬莱镇便民服务中心2号窗口")
    page.get_by_role("button", name="保存事项").click()
    assert "已保存事项“最低生活保障申请”" in page.content()

    anonymous = browser.new_context(locale="zh-CN", base_url=live_server.url)
    try:
        public = anonymous.new_page()
        public.goto("/public/510923100/services/")
        text = public.content()
        assert "最低生活保障申请" in text and "蓬莱镇便民服务中心2号窗口" in text and "一村便民服务站" in text
    finally:
        anonymous.close()


def test_county_officer_plans_within_vacancies_and_records_a_transfer(
    page: Any, browser_login: Any, quotas: Any, daying_officer: Any
) -> None:
    browser_login(page, "daying")
    page.goto("/staffing-plans/")
    page.get_by_label("年度").fill("2025")
    page.get_by_role("button", name="新建年度计划").click()
    assert "已新建2025年用编进人计划" in page.content()
    page.get_by_role("link", name="2025年").click()

    page.get_by_label("乡镇（街道）").select_option(label="蓬莱镇")
    page.get_by_label("编制类型").select_option("行政编制")
    page.get_by_label("计划进人数").fill("4")
    page.get_by_role("button", name="保存", exact=True).click()
    assert "超出空编3名" in page.content()
    page.get_by_label("乡镇（街道）").select_option(label="蓬莱镇")
    page.get_by_label("计划进人数").fill("3")
    page.get_by_role("button", name="保存", exact=True).click()
    assert "已保存蓬莱镇行政编制计划进人3名" in page.content()

    page.goto("/staffing-plans/county/510923/")
    form = page.locator("form", has=page.get_by_role("button", name="登记"))
    form.get_by_label("乡镇（街道）").select_option(label="蓬莱镇")
    form.get_by_label("方向").select_option("down")
    form.get_by_label("县级机关或事业单位").fill("县农业农村局")
    form.get_by_label("编制类型").select_option("事业编制")
    form.get_by_label("编制数").fill("2")
    form.get_by_label("文号").fill("大委编发〔2025〕6号")
    form.get_by_label("日期").fill("2025-05-01")
    form.get_by_role("button", name="登记").click()
    assert "并记入蓬莱镇核定编制台账" in page.content()

    from bianzhi.townships.models import ApprovedQuota

    assert ApprovedQuota.objects.get(township__code="510923100", quota_type="事业编制").count == 4
