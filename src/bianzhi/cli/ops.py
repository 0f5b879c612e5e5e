"""Operations commands of `bianzhi`: backup, restore, migrate-db, check."""

from __future__ import annotations

from pathlib import Path

import click

from bianzhi.cli.web import _setup


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="备份文件路径，如 /srv/backup/bianzhi-20260101.tar.gz。")
def backup_command(out: Path) -> None:
    """备份数据库与上传文件到一个文件（服务运行中也可备份）。"""
    _setup()
    from bianzhi.ops.services import backup_create

    result = backup_create(out=out, actor=None)
    rows = sum(result.manifest["tables"].values())
    click.echo(
        f"已备份到 {out}（{result.size / 1024 / 1024:.1f} MB，{len(result.manifest['tables'])} 张表，"
        f"{rows} 行），并已校验。"
    )


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="当前数据库不是空的时，清空后覆盖恢复。")
def restore_command(archive: Path, force: bool) -> None:
    """从备份文件恢复数据库与上传文件（默认只恢复到空数据库），并核对每张表的行数。"""
    _setup()
    from bianzhi.ops.services import backup_restore

    result = backup_restore(archive=archive, actor=None, force=force)
    click.echo(
        f"已从 {archive.name} 恢复（备份于 {result.manifest['created_at']}，版本 "
        f"{result.manifest['version']}）：{result.tables} 张表、{result.rows} 行，行数核对一致；"
        f"上传文件 {result.media_files} 个。"
    )
    click.echo("如版本较旧，请再运行：bianzhi migrate")


@click.command("migrate-db")
@click.option("--to", "to_url", required=True,
              help="目标 PostgreSQL 地址（空库），如 postgres://bianzhi:密码@127.0.0.1:5432/bianzhi。")
def migrate_db_command(to_url: str) -> None:
    """把当前数据库（如内置 SQLite）的全部数据复制到一个空的 PostgreSQL 库。

    源库不变；上传文件目录不需要移动。完成后把 BIANZHI_DATABASE_URL 设为目标地址。
    """
    _setup()
    from bianzhi.ops.copy import database_copy

    def progress(table: str, rows: int) -> None:
        if rows:
            click.echo(f"  {table}：{rows} 行")

    counts = database_copy(to_url=to_url, progress=progress)
    click.echo(
        f"已复制 {len(counts)} 张表、{sum(counts.values())} 行，行数核对一致，序列已重置。"
        "请把 BIANZHI_DATABASE_URL 设为目标地址后重启服务。"
    )


@click.command("check")
def check_command() -> None:
    """检查运行状态：数据库、迁移、后台任务进程、磁盘、字体、备份。有异常时退出码非零。"""
    _setup()
    from bianzhi.ops.health import run_checks

    failed = 0
    for check in run_checks():
        mark = "正常" if check.ok else "异常"
        click.echo(f"[{mark}] {check.label}：{check.detail}")
        failed += not check.ok
    if failed:
        raise click.exceptions.Exit(1)
    click.echo("全部正常。")
