"""`bianzhi notify`: the daily digest of deadlines, pending approvals and findings.

Thin shell over ``bianzhi.inbox.services.notify_daily`` (what goes in comes
from the apps' digest sources); run it from cron once a day
(``bianzhi notify --once``). A second run on the same day does nothing.
"""

from __future__ import annotations

import datetime as dt

import click

from bianzhi.cli.web import _setup


@click.command("notify")
@click.option(
    "--once", is_flag=True, required=True, help="发送今天的提醒后退出（供 cron 每日调用）。"
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="按该日期计算到期与逾期（默认今天，格式 2021-05-28）。",
)
@click.option(
    "--warn-days",
    type=click.IntRange(0, 90),
    default=7,
    show_default=True,
    help="到期前几天开始提醒。",
)
@click.option("--force", is_flag=True, help="今天已发送过也再运行一次（消息不会重复）。")
def notify_command(once: bool, day: dt.datetime | None, warn_days: int, force: bool) -> None:
    """生成站内消息（任务时限、待审核销号、督导问题），配置了 SMTP 时按用户发送每日邮件摘要。"""
    _setup()
    from bianzhi.inbox.services import notify_daily
    from bianzhi.kernel.clock import today

    on = day.date() if day else today()
    result = notify_daily(today=on, warn_days=warn_days, force=force)
    if result.skipped:
        click.echo(f"{on:%Y-%m-%d}：今天的提醒已发送过，未重复发送（需要时加 --force）。")
        return
    click.echo(f"{on:%Y-%m-%d}：新消息 {result.notifications} 条，邮件 {result.emails} 封。")
