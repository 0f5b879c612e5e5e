"""Duty access in a real browser: a department user submits a request, the
township gives its opinion, the county approves, and the duty appears on the
township's public list (no login)."""

from __future__ import annotations

from typing import Any

from tests.duty_actors import department, dept_user  # noqa: F401 - fixtures


def logout(page: Any) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/**")


def test_a_request_goes_from_the_department_to_the_public_list(
    page: Any, browser_login: Any, dept_user: Any, penglai_user: Any, daying_officer: Any  # noqa: F811
) -> None:
    browser_login(page, "nongye")
    page.goto("/duties/requests/new/")
    page.get_by_label("拟交由乡镇承担的事项").fill("高标准农田建后管护巡查")
    page.get_by_label("理由").fill("点多面广，需乡镇就近巡查")
    page.get_by_label("随事转移经费（万元/年）").fill("12")
    page.get_by_label("蓬莱镇").check()
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="提交，征求乡镇意见").click()
    assert page.get_by_test_id("status").inner_text() == "征求乡镇意见"
    detail = page.url
    logout(page)

    browser_login(page, "penglai")
    page.goto("/duties/requests/")
    page.get_by_role("link", name="高标准农田建后管护巡查").first.click()
    page.get_by_label("同意承接").check()
    page.get_by_label("书面意见").fill("经镇党委会研究，同意承接")
    page.get_by_role("button", name="反馈意见").click()
    assert page.get_by_test_id("status").inner_text() == "待县审定"
    logout(page)

    browser_login(page, "daying")
    page.goto(detail)
    page.get_by_label("准入", exact=True).check()
    page.get_by_label("文号").fill("大委编发〔2025〕12号")
    page.get_by_role("button", name="审定").click()
    assert page.get_by_test_id("status").inner_text() == "已准入"
    logout(page)

    page.goto("/public/510923100/duties/")
    table = page.get_by_test_id("duty-list").inner_text()
    assert "高标准农田建后管护巡查" in table and "大委编发〔2025〕12号" in table
