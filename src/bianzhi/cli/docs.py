"""`bianzhi docs …` and `bianzhi snapshot take`: official documents and
monitoring snapshots from the command line (thin shells over
``bianzhi.reports.services``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from bianzhi.cli.web import _setup

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _format_of(out: Path, allowed: tuple[str, ...]) -> str:
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in allowed:
        raise click.BadParameter(
            f"输出文件须以 {'、'.join('.' + a for a in allowed)} 结尾", param_hint="--out"
        )
    return fmt


LEVEL_NAMES = {"county": "县级", "township": "乡镇级", "city": "市级"}


def _region(code: str, *levels: str) -> object:
    from bianzhi.regions.models import Region

    region = Region.objects.filter(code=code).first()
    if region is None:
        raise click.ClickException(f"区划代码 {code} 不存在（先运行 bianzhi regions import）。")
    if region.level not in levels:
        wanted = "或".join(LEVEL_NAMES[level] for level in levels)
        raise click.ClickException(f"{code}（{region.name}）不是{wanted}区划。")
    return region


def _today(value: dt.datetime | None) -> dt.date:
    from bianzhi.kernel.clock import today

    return value.date() if value else today()


@click.group("docs")
def docs_group() -> None:
    """生成公文：三定方案、总结评估报告、备案报告（Word 或 PDF）。"""


@docs_group.command("sanding")
@click.argument("township_code")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出文件 .docx 或 .pdf。",
)
@click.option("--date", "on", type=DATE, help="按该日期的机构和编制生成（默认今天）。")
def sanding_command(township_code: str, out: Path, on: dt.datetime | None) -> None:
    """生成一个乡镇（街道）的三定方案（主要职责、机构设置和人员编制方案）。"""
    fmt = _format_of(out, ("docx", "pdf"))
    _setup()
    from bianzhi.reports.services import sanding_build

    rendered = sanding_build(township=_region(township_code, "township"), on=_today(on), fmt=fmt)  # type: ignore[arg-type]
    out.write_bytes(rendered.content)
    click.echo(f"已写出 {out}")


@docs_group.command("evaluation")
@click.argument("county_code")
@click.option("--from", "date_from", type=DATE, required=True, help="第一次监测日期。")
@click.option("--to", "date_to", type=DATE, required=True, help="第二次监测日期。")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出文件 .docx 或 .pdf。",
)
def evaluation_command(
    county_code: str, date_from: dt.datetime, date_to: dt.datetime, out: Path
) -> None:
    """生成县（或市，按县汇总）的总结评估报告，比较两次监测快照（含图表）。"""
    fmt = _format_of(out, ("docx", "pdf"))
    _setup()
    from bianzhi.reports.services import evaluation_build

    # A refusal (no snapshot on a date, say) is shown by the `bianzhi` group.
    rendered = evaluation_build(
        county=_region(county_code, "county", "city"),  # type: ignore[arg-type]
        date_from=date_from.date(),
        date_to=date_to.date(),
        fmt=fmt,
    )
    out.write_bytes(rendered.content)
    click.echo(f"已写出 {out}")


@docs_group.command("filing")
@click.argument("county_code")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="输出文件 .docx 或 .pdf。",
)
@click.option("--date", "on", type=DATE, help="报告日期（默认今天）。")
def filing_command(county_code: str, out: Path, on: dt.datetime | None) -> None:
    """生成县（或市，按县汇总）向上级机构编制部门报送的备案报告。"""
    fmt = _format_of(out, ("docx", "pdf"))
    _setup()
    from bianzhi.reports.services import filing_build

    region = _region(county_code, "county", "city")
    rendered = filing_build(county=region, on=_today(on), fmt=fmt)  # type: ignore[arg-type]
    out.write_bytes(rendered.content)
    click.echo(f"已写出 {out}")


@docs_group.command("sanding-batch")
@click.argument("county_code")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出文件 .zip。"
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "pdf"]),
    default="docx",
    show_default=True,
    help="每份方案的格式。",
)
@click.option("--date", "on", type=DATE, help="按该日期生成（默认今天）。")
def sanding_batch_command(county_code: str, out: Path, fmt: str, on: dt.datetime | None) -> None:
    """生成全县各乡镇的三定方案和备案报告，打包为 zip（显示进度）。"""
    _format_of(out, ("zip",))
    _setup()
    from bianzhi.reports.services import sanding_batch_build

    county = _region(county_code, "county")
    with click.progressbar(length=1, label="生成三定方案") as bar:
        state = {"done": 0}

        def progress(done: int, total: int, message: str) -> None:
            bar.length = total
            bar.update(done - state["done"])
            state["done"] = done

        rendered = sanding_batch_build(county=county, on=_today(on), fmt=fmt, progress=progress)  # type: ignore[arg-type]
    out.write_bytes(rendered.content)
    click.echo(f"已写出 {out}（{state['done'] - 1} 个乡镇）")


@click.command("main-duties")
@click.argument("county_code")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--template", is_flag=True, help="不导入，把该县的导入模板写到 FILE。")
def main_duties_command(county_code: str, file: Path, template: bool) -> None:
    """导入县内各乡镇（及其机构）按领域的主要职责（列：乡镇、机构、领域、职责），写入三定方案。"""
    _setup()
    county = _region(county_code, "county")
    from bianzhi.reports.importing import main_duties_parse, main_duties_template
    from bianzhi.reports.services import main_duties_import_commit

    if template:
        file.write_bytes(main_duties_template(county=county))  # type: ignore[arg-type]
        click.echo(f"已写出模板 {file}")
        return
    if not file.is_file():
        raise click.ClickException(f"文件 {file} 不存在。")
    plan = main_duties_parse(source=file, filename=file.name, county=county)  # type: ignore[arg-type]
    if plan.errors:
        for error in plan.errors:
            click.echo(str(error), err=True)
        click.echo(f"共{len(plan.errors)}处错误，未导入任何数据。", err=True)
        raise SystemExit(1)
    main_duties_import_commit(actor=None, plan=plan)
    click.echo(f"已导入：{plan.summary()}")


@click.group("snapshot")
def snapshot_group() -> None:
    """监测快照。"""


@snapshot_group.command("take")
@click.argument("region_code")
@click.option("--date", "on", type=DATE, help="监测日期（默认今天）。")
def snapshot_take_command(region_code: str, on: dt.datetime | None) -> None:
    """记录区划（县或乡镇）下每个乡镇在该日期的关键指标。"""
    _setup()
    from bianzhi.regions.models import Region
    from bianzhi.reports.services import snapshot_take

    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise click.ClickException(f"区划代码 {region_code} 不存在。")
    day = _today(on)
    taken = snapshot_take(actor=None, region=region, on=day)
    click.echo(f"已记录 {day.isoformat()} 的监测快照：{len(taken)} 个乡镇。")
