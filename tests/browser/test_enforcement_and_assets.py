"""In a browser: the township user files a case, decides and publishes it,
an anonymous visitor reads the disclosure page; the county officer registers
an idle asset and plans its revitalisation."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def penglai_matters(regions: Any, daying_officer: Any, penglai_user: Any) -> None:
    from bianzhi.duties.models import StatutoryItem

    StatutoryItem.objects.create(county=regions["510923"], code="CF-001", name="对占道经营的处罚", power_type="行政处罚")


def test_a_case_from_filing_to_public_disclosure(page: Any, browser_login: Any, penglai_matters: None) -> None:
    browser_login(page, "penglai")
    page.goto("/enforcement/cases/")
    page.get_by_label("案件编号").fill("蓬综执立〔2026〕1号")
    page.get_by_label("执法事项编码（见该乡镇的执法事项清单）").fill("CF-001")
    page.get_by_label("当事人", exact=True).fill("张三")
    page.get_by_label("证件号码（身份证号或统一社会信用代码）").fill("51092319900307123X")
    page.get_by_role("button", name="登记", exact=True).click()
    assert page.get_by_test_id("case-status").inner_text() == "已立案"
    page.get_by_label("处理决定").fill("责令改正，罚款200元")
    page.get_by_label("罚款金额（元）").fill("200")
    page.get_by_role("button", name="作出决定").click()
    assert page.get_by_test_id("case-status").inner_text() == "已决定"
    page.get_by_role("button", name="公示", exact=True).click()
    assert "已于" in page.get_by_test_id("published").inner_text()

    page.context.clear_cookies()
    page.goto("/public/510923100/enforcement/")
    cases = page.get_by_test_id("public-cases").inner_text()
    assert "责令改正" in cases and "张*" in cases and "张三" not in cases
    assert "对占道经营的处罚" in page.get_by_test_id("matters").inner_text()


def test_the_officer_registers_an_idle_asset_and_plans_it(page: Any, browser_login: Any, regions: Any,
                                                         daying_officer: Any) -> None:
    browser_login(page, "daying")
    page.goto("/assets/?township=510923100")
    form = page.get_by_test_id("asset-form")
    form.get_by_label("资产名称").fill("原撤并乡政府办公楼")
    form.get_by_label("来源").select_option("撤并乡镇")
    form.get_by_label("使用状态").select_option("闲置")
    form.get_by_role("button", name="登记", exact=True).click()
    assert page.get_by_test_id("use-status").inner_text() == "闲置"
    page.get_by_label("盘活方式").select_option("改作公益用房一批")
    page.get_by_label("盘活措施").fill("改建为便民服务中心")
    page.get_by_label("责任单位").fill("财政办")
    page.get_by_label("盘活时限").fill("2026-12-31")
    page.get_by_role("button", name="制定盘活方案").click()
    assert page.get_by_test_id("plan-status").inner_text() in ("未启动", "已逾期")
