"""Demo step: the five demo users (see README ## 网页系统)."""

from __future__ import annotations

from bianzhi.accounts.models import Role, User
from bianzhi.accounts.services import user_create
from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.models import Region

# username, region code, roles, display name
DEMO_USERS: list[tuple[str, str | None, list[str], str]] = [
    ("admin", None, [], "系统管理员"),
    ("daying", "510923", [Role.OFFICER, Role.APPROVER], "大英县委编办"),
    ("tongwei", "621121", [Role.OFFICER], "通渭县委编办"),
    ("penglai", "510923100", [Role.TOWNSHIP], "蓬莱镇"),
    ("suining", "5109", [Role.VIEWER], "遂宁市委编办"),
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
