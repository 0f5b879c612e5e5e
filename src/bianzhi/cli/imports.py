"""`bianzhi import …`: all-or-nothing spreadsheet imports from the command
line. Each subcommand is a thin shell over its app's parse/commit services.

Exit codes: 0 imported; 1 the file has errors (all of them are printed, one
per line: file, row, column, reason; nothing was saved).

Other apps add their own subcommands with `import_group.add_command(...)`
from their CLI module (registered in bianzhi.cli.main._register), e.g.
`bianzhi import catalogue FILE`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.web.settings")
    import django

    django.setup()


def _region(code: str | None) -> Any:
    if not code:
        return None
    from bianzhi.regions.models import Region

    region = Region.objects.filter(code=code).first()
    if region is None:
        raise click.ClickException(f"没有区划代码为 {code} 的地区")
    return region


def _fail_with(errors: list[Any]) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(f"共{len(errors)}处错误，未导入任何数据。", err=True)
    raise SystemExit(1)


@click.group("import")
def import_group() -> None:
    """从 Excel 文件导入数据（全部成功才保存，任何一行有错则不保存）。"""


@import_group.command("institutions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", "region_code", help="只允许导入该区划（如 510923）下的乡镇。")
@click.option("--dry-run", is_flag=True, help="只校验并显示将新增、变更、未变的机构，不保存。")
def institutions_command(file: Path, region_code: str | None, dry_run: bool) -> None:
    """导入机构及其编制、职数（列见 README“机构、编制台账与实名制”）。"""
    _setup()
    from bianzhi.institutions.importing import institution_import_commit, institution_import_parse

    plan = institution_import_parse(source=file, filename=file.name, region=_region(region_code))
    if plan.errors:
        _fail_with(plan.errors)
    click.echo(plan.summary())
    if dry_run:
        click.echo("（试运行，未保存）")
        return
    institution_import_commit(actor=None, plan=plan)
    click.echo("已导入。")


@import_group.command("roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--region", "region_code", help="只允许导入该区划（如 510923）下的乡镇。")
@click.option("--dry-run", is_flag=True, help="只校验并显示将新增、变更、未变的人数，不保存。")
def roster_command(file: Path, region_code: str | None, dry_run: bool) -> None:
    """导入实名制名册（身份证号为准：新增、变更或未变）。"""
    _setup()
    from bianzhi.roster.importing import roster_import_commit, roster_import_parse

    with click.progressbar(length=1, label="校验", show_pos=True) as bar:
        state = {"last": 0}

        def progress(done: int, total: int, message: str = "") -> None:
            bar.length = max(total, 1)
            bar.update(done - state["last"])
            state["last"] = done

        plan = roster_import_parse(source=file, filename=file.name, region=_region(region_code),
                                   progress=progress)
    if plan.errors:
        _fail_with(plan.errors)
    click.echo(plan.summary())
    if dry_run:
        click.echo("（试运行，未保存）")
        return
    with click.progressbar(length=max(len(plan.new) + len(plan.changed), 1), label="写入", show_pos=True) as bar:
        state = {"last": 0}

        def write_progress(done: int, total: int, message: str = "") -> None:
            bar.update(done - state["last"])
            state["last"] = done

        result = roster_import_commit(actor=None, plan=plan, progress=write_progress)
    click.echo(result.summary())
