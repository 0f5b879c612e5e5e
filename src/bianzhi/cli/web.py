"""Web commands of `bianzhi`: migrate, demo, createuser, regions import, serve.

Thin shells over the apps' services. Each sets DJANGO_SETTINGS_MODULE and
calls django.setup() itself, so `bianzhi allocate` never pays for Django.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.web.settings")
    import django

    django.setup()


@click.command("migrate")
def migrate_command() -> None:
    """创建或升级数据库表（含会话与缓存表）。"""
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    call_command("createcachetable", verbosity=0)


@click.command("demo")
@click.option("--quick", is_flag=True, help="只导入示例县（大英县、通渭县）的区划，不导入全国。")
def demo_command(quick: bool) -> None:
    """生成示例数据与演示用户（可重复运行；生产环境拒绝运行）。

    密码取自环境变量 BIANZHI_DEMO_PASSWORD，默认 demo-2026。
    """
    _setup()
    from bianzhi.kernel.demo import DEFAULT_PASSWORD, DemoContext, DemoRefused, demo_run

    ctx = DemoContext(
        password=os.environ.get("BIANZHI_DEMO_PASSWORD") or DEFAULT_PASSWORD,
        full_country=not quick,
        echo=click.echo,
    )
    try:
        demo_run(context=ctx)
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("示例数据已就绪。")


@click.command("createuser")
@click.argument("username")
@click.option("--region", "region_code", help="所属区划代码，如 510923（超级管理员可不填）。")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(
        ["officer", "approver", "township", "department", "viewer", "sysadmin", "secadmin", "auditor"]
    ),
    help="角色，可重复：officer 编办管理员、approver 审核人、township 乡镇用户、department 部门用户、viewer 只读；"
    "sysadmin 系统管理员、secadmin 安全管理员、auditor 审计管理员（三者只能择一，且不兼任其他角色）。",
)
@click.option("--department", help="部门名称（部门用户必填，不存在则在该县新建）。")
@click.option("--superuser", is_flag=True, help="创建超级管理员（只用于设立三类管理员）。")
@click.option("--password", help="密码；不填则交互输入。")
def createuser_command(
    username: str,
    region_code: str | None,
    roles: Sequence[str],
    department: str | None,
    superuser: bool,
    password: str | None,
) -> None:
    """创建用户并分配区划与角色。"""
    _setup()
    from django.core.exceptions import ValidationError

    from bianzhi.accounts.models import Department
    from bianzhi.accounts.services import department_create, user_create
    from bianzhi.regions.models import Region

    if password is None:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise click.ClickException(
                f"区划 {region_code} 不存在，请先运行 bianzhi regions import"
            )
    dept = None
    if department and region is not None:
        dept = Department.objects.filter(county=region, name=department).first()
        try:
            dept = dept or department_create(county=region, name=department)
        except ValidationError as exc:
            raise click.ClickException("；".join(exc.messages)) from exc
    try:
        user_create(
            username=username,
            password=password,
            region=region,
            roles=roles,
            department=dept,
            is_superuser=superuser,
        )
    except ValidationError as exc:
        raise click.ClickException("；".join(exc.messages)) from exc
    click.echo(f"用户 {username} 已创建。")


@click.group("regions")
def regions_group() -> None:
    """行政区划。"""


@regions_group.command("import")
@click.option("--only", "only", multiple=True, help="只导入该区划（含上级与全部下级），可重复。")
def regions_import_command(only: Sequence[str]) -> None:
    """导入国家统计局统计用区划代码（全国约 4.5 万条，可重复运行）。"""
    _setup()
    from bianzhi.regions.services import regions_import

    with click.progressbar(length=1, label="导入区划") as bar:
        last = 0

        def progress(done: int, total: int) -> None:
            nonlocal last
            bar.length = total
            bar.update(done - last)
            last = done

        try:
            result = regions_import(only=only, progress=progress)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"新增 {result.created}，更名 {result.updated}，未变 {result.unchanged}。")


def static_fingerprint() -> str:
    """A digest of every static source file's path, size and mtime (what
    collectstatic would copy) and of the storage that would write them."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    entries = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def collectstatic_if_changed() -> bool:
    """Run collectstatic (about a minute: it compresses and hashes every file)
    only when the sources differ from the last run's; True if it ran."""
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / ".bianzhi-static-fingerprint"
    fingerprint = static_fingerprint()
    if stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return False
    click.echo("正在收集静态文件（仅在首次启动或升级后需要）……")
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True


@click.command("collectstatic")
def collectstatic_command() -> None:
    """收集静态文件到数据目录（安装或升级后运行一次，bianzhi serve 启动即可很快）。"""
    _setup()
    if not collectstatic_if_changed():
        click.echo("静态文件没有变化，无需重新收集。")
    else:
        click.echo("静态文件已收集。")


def default_workers(cores: int | None = None) -> int:
    """gunicorn's recommendation, 2 x cores + 1: while one worker waits for
    the database another computes. In the load test (docs/benchmarks.md)
    the old fixed default, 2, kept a 2-core machine's server at a third of
    a core: much of each request is spent waiting for PostgreSQL."""
    return 2 * (cores or os.cpu_count() or 1) + 1


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option("--port", default=8000, show_default=True, type=int, help="监听端口。")
@click.option(
    "--workers",
    default=0,
    type=click.IntRange(min=0),
    help="gunicorn 工作进程数；默认 0：按本机 CPU 核数取 2×核数+1。",
)
@click.option(
    "--jobs/--no-jobs",
    default=True,
    show_default=True,
    help="同时启动一个后台任务 worker（多台服务器部署时可只在一台上启动，或单独运行 bianzhi worker）。",
)
def serve_command(host: str, port: int, workers: int, jobs: bool) -> None:
    """用 gunicorn 启动网页系统（静态文件有变化时先收集到数据目录的 static/）。"""
    _setup()
    workers = workers or default_workers()
    import subprocess

    from bianzhi.cli.main import UNMIGRATED_MESSAGE
    from bianzhi.ops.health import database_ready

    if not database_ready():
        raise click.ClickException(UNMIGRATED_MESSAGE)
    collectstatic_if_changed()
    click.echo(f"网页系统：http://{host}:{port}/（{workers} 个工作进程）")
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "bianzhi.web.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]
    import signal

    def _stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    # The job worker is a sibling process, so one command gives a complete
    # installation; it stops with the server.
    worker = (
        subprocess.Popen(
            [sys.executable, "-c", "from bianzhi.cli.main import main; main()", "worker"]
        )
        if jobs
        else None
    )
    try:
        code = subprocess.call(args)
    except (KeyboardInterrupt, SystemExit):
        code = 0
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
    sys.exit(code)
