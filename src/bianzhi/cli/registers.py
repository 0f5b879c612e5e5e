"""Register commands of `bianzhi`: import and export the enforcement case
register, the public-asset register, a township's grids and grid workers and
its service-matter catalogue. Thin shells over the apps' importing modules
and services, like the web pages.

`--user NAME` runs a command as that user: the township (or region) must be
in the user's scope (else the same "不存在或无权访问" as a page's 404), an
import is refused before the file is read unless the user may write there,
and the changes are audited under the user's name. Without `--user` the
command acts as the system (the operator of the server), as the other
import commands do (their `--region` only narrows what a file may name).

Exit codes of the imports: 0 imported; 1 the file has errors (every one is
printed: file, row, column, reason; nothing was saved).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bianzhi.cli.imports import _fail_with, _setup

FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
USER = click.option("--user", "username", help="以该用户身份执行（按其管辖范围和权限检查，变更记录记在该用户名下）。")
TOWNSHIP = click.option("--township", "township_code", required=True, help="乡镇（街道）区划代码，如 510923100。")
OUTPUT = click.option(
    "--output", "-o", "output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="导出的 Excel 文件路径（.xlsx）。",
)


def _actor(username: str | None) -> Any:
    """(actor, scope): the named active user and their scope, or the system."""
    from bianzhi.accounts.models import User
    from bianzhi.accounts.scope import Scope

    if not username:
        return None, Scope(region=None, roles=frozenset(), is_superuser=True)
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(f"没有启用的用户“{username}”")
    return user, Scope.for_user(user)


def _in_scope(scope: Any, lookup: Callable[[str], Any], code: str) -> Any:
    from django.http import Http404

    try:
        return lookup(code)
    except Http404:
        raise click.ClickException(f"区划 {code} 不存在或无权访问") from None


def _township(scope: Any, code: str) -> Any:
    return _in_scope(scope, scope.township_or_404, code)


def _refuse_unless(allowed: bool) -> None:
    # Checked before the file is read, as on the pages.
    if not allowed:
        raise click.ClickException("无权修改该乡镇的数据")


# --- imports (added to the `import` group) -------------------------------------------


@click.command("cases")
@FILE
@TOWNSHIP
@USER
def cases_import_command(file: Path, township_code: str, username: str | None) -> None:
    """导入乡镇的执法案件台账（列见下载的模板；执法事项须在本乡镇执法事项清单中）。"""
    _setup()
    from bianzhi.adapters.xlsx_columns import SheetError
    from bianzhi.enforcement import importing, selectors, services
    from bianzhi.kernel import clock

    actor, scope = _actor(username)
    township = _township(scope, township_code)
    _refuse_unless(selectors.may_write(scope, township))
    matters = selectors.matter_list(township=township, today=clock.today())
    try:
        rows = importing.parse_cases(file.read_bytes(), filename=file.name, matters=matters)
    except SheetError as error:
        _fail_with(list(error.errors))
    try:
        created = services.case_import(actor=actor, township=township, rows=rows)
    except services.EnforcementError as error:
        _fail_with(list(error.messages))
    click.echo(f"{township.name}已导入执法案件{len(created)}件。")


@click.command("assets")
@FILE
@TOWNSHIP
@USER
def assets_import_command(file: Path, township_code: str, username: str | None) -> None:
    """导入乡镇的镇村公有资产台账（列见下载的模板）。"""
    _setup()
    from bianzhi.adapters.xlsx_columns import SheetError
    from bianzhi.assets import importing, selectors, services

    actor, scope = _actor(username)
    township = _township(scope, township_code)
    _refuse_unless(selectors.may_write(scope, township))
    try:
        rows = importing.parse_assets(file.read_bytes(), filename=file.name)
    except SheetError as error:
        _fail_with(list(error.errors))
    try:
        created = services.asset_import(actor=actor, township=township, rows=rows)
    except services.AssetError as error:
        _fail_with(list(error.messages))
    click.echo(f"{township.name}已导入资产{len(created)}宗。")


@click.command("grids")
@FILE
@TOWNSHIP
@USER
def grids_import_command(file: Path, township_code: str, username: str | None) -> None:
    """导入乡镇的网格和网格员（每行一名网格员；按村（社区）和网格名称新增或修改，不删除）。"""
    _setup()
    from bianzhi.grids import importing, services

    actor, scope = _actor(username)
    township = _township(scope, township_code)
    _refuse_unless(services.may_edit(scope, township))
    try:
        with file.open("rb") as source:
            grids, workers = importing.grids_import(actor=actor, township=township, source=source, filename=file.name)
    except importing.GridImportRefused as refused:
        _fail_with(list(refused.errors))
    click.echo(f"{township.name}已导入：新增或修改网格{grids}个、网格员{workers}名。")


@click.command("service-matters")
@FILE
@TOWNSHIP
@USER
def matters_import_command(file: Path, township_code: str, username: str | None) -> None:
    """导入乡镇的政务服务事项目录及办事指南（按事项名称新增或修改）。"""
    _setup()
    from bianzhi.grids import importing, services

    actor, scope = _actor(username)
    township = _township(scope, township_code)
    _refuse_unless(services.may_edit(scope, township))
    try:
        with file.open("rb") as source:
            changed = importing.matters_import(actor=actor, township=township, source=source, filename=file.name)
    except importing.MatterImportRefused as refused:
        _fail_with(list(refused.errors))
    click.echo(f"{township.name}已导入政务服务事项：新增或修改{changed}项。")


# --- exports ---------------------------------------------------------------------------


@click.group("export")
def export_group() -> None:
    """把台账导出为 Excel（与页面上的导出相同，按 --user 的管辖范围）。"""


def _write(output: Path, content: bytes, what: str) -> None:
    output.write_bytes(content)
    click.echo(f"已导出{what}到 {output}")


@export_group.command("cases")
@click.option("--region", "region_code", required=True, help="县或乡镇区划代码：导出其下全部乡镇的案件。")
@OUTPUT
@USER
def cases_export_command(region_code: str, output: Path, username: str | None) -> None:
    """导出执法案件台账（当事人姓名和证件号码脱敏）。"""
    _setup()
    from bianzhi.enforcement import importing, selectors

    _, scope = _actor(username)
    region = _in_scope(scope, scope.region_or_404, region_code)
    rows = list(selectors.cases(scope=scope).filter(**{f"township__{region.level_field}": region.code})[:20000])
    _write(output, importing.cases_xlsx(rows, full=False), f"执法案件{len(rows)}件")


@export_group.command("assets")
@click.option("--region", "region_code", required=True, help="县或乡镇区划代码：导出其下全部乡镇的资产。")
@OUTPUT
@USER
def assets_export_command(region_code: str, output: Path, username: str | None) -> None:
    """导出镇村公有资产台账。"""
    _setup()
    from bianzhi.assets import importing, selectors

    _, scope = _actor(username)
    region = _in_scope(scope, scope.region_or_404, region_code)
    rows = list(selectors.assets(scope=scope).filter(**{f"township__{region.level_field}": region.code})[:50000])
    _write(output, importing.assets_xlsx(rows), f"资产{len(rows)}宗")


@export_group.command("grids")
@TOWNSHIP
@OUTPUT
@USER
def grids_export_command(township_code: str, output: Path, username: str | None) -> None:
    """导出乡镇的网格和网格员（与导入模板的列相同，可改后再导入）。"""
    _setup()
    from bianzhi.grids import importing, selectors

    _, scope = _actor(username)
    township = _township(scope, township_code)
    data = selectors.township_grids(scope=scope, code=township.code)
    rows = [(g.grid, g.workers) for v in data.villages for g in v.grids]
    _write(output, importing.grid_export(rows), f"网格{len(rows)}个")


@export_group.command("service-matters")
@TOWNSHIP
@OUTPUT
@USER
def matters_export_command(township_code: str, output: Path, username: str | None) -> None:
    """导出乡镇的政务服务事项目录及办事指南。"""
    _setup()
    from bianzhi.grids import importing, selectors

    _, scope = _actor(username)
    township = _township(scope, township_code)
    data = selectors.township_grids(scope=scope, code=township.code)
    _write(output, importing.matter_export(data.matters), f"政务服务事项{len(data.matters)}项")
