from __future__ import annotations

from typing import Any


def test_daying_logs_in_and_sees_daying_county(
    page: Any, browser_login: Any, daying_officer: Any
) -> None:
    browser_login(page, "daying")
    assert "四川省 遂宁市 大英县" in page.get_by_test_id("who").inner_text()
    page.get_by_role("link", name="大英县").first.click()
    assert page.get_by_role("link", name="蓬莱镇").is_visible()


def test_penglai_cannot_open_anything_of_tongwei(
    page: Any, browser_login: Any, penglai_user: Any, tongwei_officer: Any
) -> None:
    browser_login(page, "penglai")
    for url in ["/regions/621121/", "/regions/621121100/", "/api/v1/regions/621121/"]:
        response = page.goto(url)
        assert response.status in (403, 404), url
    page.goto("/regions/621121/")
    assert "页面不存在" in page.content() and "通渭" not in page.content()
    page.goto("/regions/search/?q=通渭")
    assert "没有找到匹配的区划" in page.content()


def test_a_wrong_password_shows_a_chinese_error(page: Any, daying_officer: Any) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("daying")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "用户名或密码不正确" in page.get_by_role("alert").inner_text()
