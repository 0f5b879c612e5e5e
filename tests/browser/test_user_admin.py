"""Administration without a shell, in the browser: the 系统管理员 creates a
user, the 安全管理员 grants a role, the new user logs in and must change the
initial password first. Both administrators log in with a second factor."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.accounts.admins import secadmin, sysadmin  # noqa: F401
from tests.conftest import PASSWORD

from bianzhi.accounts import totp
from bianzhi.kernel.clock import now

INITIAL = "Gx9#kettle-2026"
CHOSEN = "Hy8$lantern-2027"


def _login_with_code(page: Any, username: str, secret: str, at: datetime) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("动态口令或恢复码").fill(totp.code_at(secret, at))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def _logout(page: Any) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")


def test_create_a_user_grant_a_role_and_the_user_changes_the_initial_password(
    page: Any, clock: Any, regions: Any, sysadmin: Any, secadmin: Any  # noqa: F811
) -> None:
    # The fixtures enrolled the authenticators now: log in a step later
    # (a code is accepted once), on a clock the live server shares.
    start = clock(now() + timedelta(seconds=60))
    _login_with_code(page, "sysadmin", sysadmin.totp.secret, start)
    page.get_by_role("link", name="用户管理").click()
    page.get_by_role("link", name="新建用户").click()
    page.get_by_label("用户名").fill("liuxin")
    page.get_by_label("姓名或单位").fill("刘欣")
    page.get_by_label("所属区划代码").fill("510923100")
    page.get_by_label("初始密码（用户首次登录须修改）").fill(INITIAL)
    page.get_by_role("button", name="创建").click()
    page.get_by_text("已创建用户 liuxin").wait_for()
    assert "蓬莱镇" in page.get_by_test_id("user-state").inner_text()
    _logout(page)

    later = start + timedelta(seconds=60)
    clock(later)
    _login_with_code(page, "secadmin", secadmin.totp.secret, later)
    page.goto("/accounts/users/?q=liuxin")
    page.get_by_role("link", name="liuxin").click()
    page.get_by_label("乡镇用户").check()
    page.get_by_role("button", name="保存角色").click()
    page.get_by_text("角色已更新").wait_for()
    _logout(page)

    page.get_by_label("用户名").fill("liuxin")
    page.get_by_label("密码").fill(INITIAL)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/accounts/password/")
    assert page.get_by_test_id("password-forced").is_visible()
    page.goto("/")  # nothing else opens before the change
    page.wait_for_url("**/accounts/password/")
    page.get_by_label("原密码").fill(INITIAL)
    page.get_by_label("新密码", exact=True).fill(CHOSEN)
    page.get_by_label("再次输入新密码").fill(CHOSEN)
    page.get_by_role("button", name="修改密码").click()
    page.get_by_text("密码已修改").wait_for()
    assert "乡镇用户" in page.get_by_test_id("who").inner_text()
    assert "蓬莱镇" in page.get_by_test_id("home-region").inner_text()
