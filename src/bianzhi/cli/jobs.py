"""`bianzhi worker`: runs background jobs from the database queue."""

from __future__ import annotations

import click

from bianzhi.cli.web import _setup


@click.command("worker")
@click.option("--once", is_flag=True, help="运行完当前排队的任务后退出（用于定时任务和测试）。")
@click.option("--poll", default=1.0, show_default=True, help="队列为空时每隔多少秒检查一次。")
def worker_command(once: bool, poll: float) -> None:
    """运行后台任务（大批量导入、批量生成公文等）。

    可在多台服务器上同时运行多个 worker，它们共享同一个数据库队列，
    同一任务只会被一个 worker 执行。`bianzhi serve` 默认会同时启动一个 worker。
    """
    _setup()
    from bianzhi.jobs.services import jobs_run_pending, worker_loop

    if once:
        count = jobs_run_pending()
        click.echo(f"已运行 {count} 个后台任务。")
        return
    click.echo("后台任务 worker 已启动，按 Ctrl+C 退出。")
    worker_loop(poll_seconds=poll)
