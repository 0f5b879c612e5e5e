"""Demo step: the demo users (see README ## 网页系统).

``admin`` is the installation's superuser: in the demo as in production it
is only for setting up the three separated administrators (三权分立) —
``sysadmin`` 系统管理员, ``secadmin`` 安全管理员, ``auditor`` 审计管理员, here
already made, for 大英县 — who must enrol a second factor at first login.
"""

from __future__ import annotations

from bianzhi.accounts.models import Role, User
from bianzhi.accounts.services import user_create
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.models import Region

# username, region code, roles, display name
DEMO_USERS: list[tuple[str, str | None, list[str], str]] = [
    ("admin", None, [], "超级管理员"),
    ("daying", "510923", [Role.OFFICER, Role.APPROVER], "大英县委编办"),
    ("tongwei", "621121", [Role.OFFICER], "通渭县委编办"),
    ("penglai", "510923100", [Role.TOWNSHIP], "蓬莱镇"),
    ("suining", "5109", [Role.VIEWER], "遂宁市委编办"),
    ("sysadmin", "510923", [Role.SYSADMIN], "大英县系统管理员"),
    ("secadmin", "510923", [Role.SECADMIN], "大英县安全管理员"),
    ("auditor", "510923", [Role.AUDITOR], "大英县审计管理员"),
]


@demo_step("演示用户", order=20)
def demo_users(ctx: DemoContext) -> None:
    users = {}
    for username, code, roles, name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=ctx.password,
                region=Region.objects.get(code=code) if code else None,
                roles=roles,
                is_superuser=code is None,
                full_name=name,
                validate=False,
            )
            ctx.echo(f"  用户 {username}（{name}）已创建")
        users[username] = user
    ctx.shared["users"] = users
