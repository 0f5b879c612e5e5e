"""Issue 13 §7: every demo user, every page of the navigation and one detail
page of each kind those pages link to, in Chromium at 1366 px.

The pages come from the navigation registry (bianzhi.kernel.nav) and the users
from the demo, so pages and roles added later are walked without editing this
file. A page fails on what a user should never read: a snake_case identifier,
None/True/False, a Python dict or list, an English word outside ``ALLOWED``;
on a height over ``MAX_HEIGHT`` unless it is a printable document
(``<body data-printable>``); on any answer >= 400 or a request to another host
(the ``page`` fixture). Users run from the narrowest region to the widest;
each opens every navigation page, and the detail pages of a kind no earlier
user opened. Every page is kept as a screenshot under
``test-artifacts/screens/`` (ignored by git) for a person to look through.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from bianzhi.kernel.nav import nav_items

SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
MAX_HEIGHT = 6000
WIDTH = 1366

# English a Chinese office reads every day. Kept short on purpose: add a word
# only if an officer would write it that way too.
ALLOWED = {
    "API", "ID", "PDF", "Excel", "Word", "WPS", "xlsx", "docx", "pdf", "csv", "GB", "T", "X",
    "SMTP", "URL", "IP", "KB", "MB", "JPG", "PNG", "CSV",
    "XX",  # the placeholder county of the policy template 001 (中共XX县委), quoted as it is
}
# Item codes of the duty lists (JC-001, TS3-002, ZR-01) are data, not words.
CODES = re.compile(r"\b[A-Z]{1,4}\d*-\d+\b|\b[A-Z]{1,4}\d*(?=[-\d])")

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
PYTHON_WORDS = re.compile(r"\b(None|True|False|nan|NaN)\b")
PYTHON_REPR = re.compile(r"[{\[]\s*['\"]|['\"]\s*:\s*[\d'\"{\[]|\[\]|\{\}")
ENGLISH = re.compile(r"[A-Za-z][A-Za-z]+")

# Links not to follow: downloads, actions and forms (the walk only reads).
SKIP = re.compile(
    r"\.(xlsx|docx|pdf|csv|zip)(\?|$)|[?&](format|download)=|/logout/"
    r"|/(edit|delete|new|create|import|enter)/"
)


def problems_of(text: str, usernames: set[str]) -> list[str]:
    """What in a page's visible text a user should not have to read."""
    text = CODES.sub(" ", text)
    found = []
    found += [f"程序标识符 {m}" for m in SNAKE.findall(text)]
    found += [f"Python 值 {m}" for m in PYTHON_WORDS.findall(text)]
    found += [f"Python 结构 {m.group(0)!r}" for m in PYTHON_REPR.finditer(text)]
    found += [
        f"英文 {w}" for w in ENGLISH.findall(text) if w not in ALLOWED and w not in usernames
    ]
    return sorted(set(found))


def test_problems_of_catches_what_it_should() -> None:
    text = "状态：on_post 修改前 None 参数 {'total': 160} 列表 [] 共 3 条 Excel daying Pending"
    found = problems_of(text, {"daying"})
    assert "程序标识符 on_post" in found and "Python 值 None" in found
    assert any(p.startswith("Python 结构") for p in found)
    assert "英文 Pending" in found and not any("Excel" in p or "daying" in p for p in found)
    assert problems_of("大英县 行政编制 30 名，API 令牌，事项 JC-001、TS3-002", set()) == []


@pytest.fixture
def demo(db: Any) -> list[str]:
    from bianzhi.accounts.models import User
    from bianzhi.kernel.demo import DemoContext, demo_run

    demo_run(context=DemoContext(password="demo-2026", full_country=False, echo=lambda _: None))
    users = User.objects.filter(is_active=True).select_related("region")
    # The three administrators must use a second factor (issue 14): enrol
    # one for each, as they would on first login, and walk their pages too.
    from bianzhi.accounts import services, totp
    from bianzhi.kernel import clock

    for user in users:
        if services.totp_required(user):
            device = services.totp_enrol_begin(user=user)
            services.totp_enrol_confirm(user=user, code=totp.code_at(device.secret, clock.now()))
    # Narrowest region first (township, county, ..., national): detail pages
    # are opened once per kind, by the first user whose pages link to one.
    return [u.username for u in sorted(
        users, key=lambda u: (-len(u.region.code) if u.region else 0, u.username))]


def _kind(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _visit(page: Any, url: str, user: str, usernames: set[str], failures: list[str]) -> None:
    response = page.goto(url)
    status = response.status if response is not None else 0
    if status >= 400:
        failures.append(f"{user} {url}: HTTP {status}")
        return
    page.wait_for_load_state("load")
    text = page.inner_text("body")
    for problem in problems_of(text, usernames):
        failures.append(f"{user} {url}: {problem}")
    height = page.evaluate("document.documentElement.scrollHeight")
    printable = page.evaluate("document.body.hasAttribute('data-printable')")
    if height > MAX_HEIGHT and not printable:
        failures.append(f"{user} {url}: 页面高 {height} px")
    name = re.sub(r"[^A-Za-z0-9]+", "_", urlsplit(url).path).strip("_") or "home"
    SCREENS.joinpath(user).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / user / f"{name}.png"), full_page=height <= MAX_HEIGHT)


def test_every_demo_user_reads_every_page_in_chinese(
    page: Any, browser_login: Any, demo: list[str], live_server: Any
) -> None:
    usernames = set(demo)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    failures: list[str] = []
    # One detail page per kind over the whole walk keeps it to about 150
    # pages (each about a second on the live server).
    seen_kinds = {item.url_name for item in nav_items()}
    from datetime import timedelta

    from bianzhi.accounts import totp
    from bianzhi.accounts.models import TotpDevice, User
    from bianzhi.kernel import clock

    secrets = dict(TotpDevice.objects.values_list("user__username", "secret"))
    for user in demo:
        if user in secrets:
            page.goto("/accounts/login/")
            page.get_by_label("用户名").fill(user)
            page.get_by_label("密码").fill("demo-2026")
            page.get_by_role("button", name="登录").click()
            # A code is accepted once: the enrolment used the current step.
            at = clock.now() + timedelta(seconds=30)
            page.get_by_label("动态口令或恢复码").fill(totp.code_at(secrets[user], at))
            page.get_by_role("button", name="验证").click()
            page.wait_for_url(lambda url: "/accounts/login" not in url)
        else:
            browser_login(page, user, "demo-2026")
        roles = User.objects.get(username=user).role_set()
        for item in nav_items():
            if not item.shown_to(roles):
                continue  # not shown to this user, as in the page's navigation
            url = reverse(item.url_name)
            _visit(page, url, user, usernames, failures)
            links = page.eval_on_selector_all(
                "main a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
            )
            for href in links:
                path = href.split("#", 1)[0].split("?", 1)[0]
                kind = _kind(path)
                if kind is None or kind in seen_kinds or SKIP.search(href):
                    continue
                seen_kinds.add(kind)
                _visit(page, href, user, usernames, failures)
        page.context.clear_cookies()
    SCREENS.mkdir(parents=True, exist_ok=True)
    (SCREENS / "problems.txt").write_text("\n".join(failures), encoding="utf-8")
    assert not failures, "\n".join(failures)
