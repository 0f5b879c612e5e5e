"""Playwright against pytest-django's live_server, with Debian's chromium.

``page`` is a fresh zh-CN browser context per test; ``browser_login(page,
username)`` logs in through the real login form. Tests skip (with the reason)
only when /usr/bin/chromium is missing; .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# from the fixtures would otherwise raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip("浏览器测试需要 /usr/bin/chromium（apt-get install chromium；.ci/run 会安装）")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    # No page may load anything from another host: fail any such request.
    outside: list[str] = []
    host = live_server.url.split("//", 1)[1]

    def check(route: Any) -> None:
        url = route.request.url
        if url.split("//", 1)[-1].startswith(host) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", check)
    page = context.new_page()
    yield page
    context.close()
    assert not outside, f"页面请求了外部地址：{outside}"


@pytest.fixture
def browser_login() -> Callable[[Any, str, str], None]:
    def login(page: Any, username: str, password: str = "Xq7-test-pass") -> None:
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return login
