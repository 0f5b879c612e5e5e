"""Duties commands of `bianzhi`: `import catalogue FILE`, `import statutory
FILE`, `import matters FILE` (added to the `import` group) and `duties expire`. Thin shells over
bianzhi.duties: read the workbook with its adapter, call the service.

Exit codes of the imports: 0 imported; 1 the file has errors (every one is
printed: file, row, column, reason; nothing was saved).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from bianzhi.cli.imports import _fail_with, _setup


def _county(code: str) -> Any:
    from bianzhi.regions.models import Level, Region

    region = Region.objects.filter(code=code, level=Level.COUNTY).first()
    if region is None:
        raise click.ClickException(f"没有区划代码为 {code} 的县（请先运行 bianzhi regions import）")
    return region


@click.command("catalogue")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--county", "county_code", required=True, help="县级区划代码，如 510923。")
@click.option("--document", "document_number", default="", help="印发目录的文号。")
@click.option("--title", default="", help="目录名称（默认“某县下放乡镇行政权力事项“1+4”清单”）。")
def catalogue_command(file: Path, county_code: str, document_number: str, title: str) -> None:
    """导入赋权指导目录（“1+4”清单；列：事项编码、事项名称、权力类型、设定依据、下放部门、所属清单）。"""
    _setup()
    from bianzhi.adapters.problems import InputError
    from bianzhi.adapters.xlsx_duties import catalogue_read
    from bianzhi.duties.services.catalogue import catalogue_import
    from bianzhi.duties.services.common import DutyError

    county = _county(county_code)
    try:
        data = catalogue_read(file.read_bytes(), file_name=file.name)
        result = catalogue_import(
            actor=None, county=county, data=data, title=title, document_number=document_number
        )
    except InputError as exc:
        _fail_with(list(exc.problems))
    except DutyError as exc:
        _fail_with([exc])
    else:
        click.echo(
            f"{county.name}赋权指导目录已导入：新增{result.created}项，修改{result.updated}项，撤销{result.withdrawn}项。"
        )


@click.command("statutory")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--county", "county_code", required=True, help="县级区划代码，如 510923。")
@click.option("--document", "document_number", default="", help="印发法定事项清单的文号（记入变更记录）。")
def statutory_command(file: Path, county_code: str, document_number: str) -> None:
    """导入法定事项（列：事项编码、事项名称、权力类型、设定依据；文件中没有的现有事项取消）。"""
    _setup()
    from bianzhi.adapters.problems import InputError
    from bianzhi.adapters.xlsx_duties import statutory_read
    from bianzhi.duties.services.common import DutyError
    from bianzhi.duties.services.statutory import statutory_import

    county = _county(county_code)
    try:
        rows = statutory_read(file.read_bytes(), file_name=file.name)
        result = statutory_import(actor=None, county=county, rows=rows, document_number=document_number)
    except InputError as exc:
        _fail_with(list(exc.problems))
    except DutyError as exc:
        _fail_with([exc])
    else:
        click.echo(
            f"{county.name}法定事项已导入：新增{result.created}项，修改{result.updated}项，取消{result.retired}项。"
        )


@click.command("matters")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--county", "county_code", required=True, help="县级区划代码，如 510923。")
@click.option("--document", "document_number", required=True, help="批准该版清单的文号。")
def matters_command(file: Path, county_code: str, document_number: str) -> None:
    """导入属地事项责任清单（列：序号、领域、事项名称、乡镇责任、县级部门、县级部门责任、依据）。"""
    _setup()
    from bianzhi.adapters.problems import InputError
    from bianzhi.adapters.xlsx_duties import matters_read
    from bianzhi.duties.services.common import DutyError
    from bianzhi.duties.services.matters import matters_import

    county = _county(county_code)
    try:
        rows = matters_read(file.read_bytes(), file_name=file.name)
        result = matters_import(actor=None, county=county, rows=rows, document_number=document_number)
    except InputError as exc:
        _fail_with(list(exc.problems))
    except DutyError as exc:
        _fail_with([exc])
    else:
        click.echo(
            f"{county.name}属地事项责任清单已导入：新增{result.created}项，修改{result.updated}项，取消{result.withdrawn}项。"
        )


@click.group("duties")
def duties_group() -> None:
    """权责清单与职责准入。"""


@duties_group.command("expire")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="按该日期判断（默认今天）。")
def expire_command(today: Any) -> None:
    """记录截止日期已过的临时性准入事项为“已到期”（可重复运行；清单本身按日期自动排除）。"""
    _setup()
    from bianzhi.duties.services.access import duty_requests_expire

    on: date | None = today.date() if today else None
    expired = duty_requests_expire(today=on)
    for request in expired:
        click.echo(f"已到期：{request.county.name} {request.matter}（截止 {request.end_date}）")
    click.echo(f"共{len(expired)}项临时性事项到期。")
