"""`bianzhi audit verify`: check the audit trail's hash chain.

Exit code 0 when every record matches its digest and its link to the one
before, 1 naming the first record that does not. Each run is recorded
(``audit.AuditVerification``) and shown on the 审计管理员's page.
"""

from __future__ import annotations

import os

import click


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.web.settings")
    import django

    django.setup()


@click.group("audit")
def audit_group() -> None:
    """变更记录（审计记录）的完整性校验。"""


@audit_group.command("verify")
def verify_command() -> None:
    """逐条校验变更记录的摘要链（SM3，缺少时为 SHA-256）。

    全部相符时退出码为 0；否则为 1，并指出第一条不符的记录。
    """
    _setup()
    from bianzhi.audit.services import audit_verify

    result = audit_verify(by="命令行")
    if result.ok:
        click.echo(
            f"变更记录完整：共校验 {result.checked} 条，算法 {result.algorithm}，"
            f"链尾第 {result.last_id or 0} 号记录，摘要 {result.last_digest}。"
        )
        return
    click.echo(f"变更记录校验失败：{result.message}（已校验 {result.checked} 条）。", err=True)
    raise SystemExit(1)
