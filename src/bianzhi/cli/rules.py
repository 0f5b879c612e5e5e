"""`bianzhi rules …`: check a region against the policy rules.

`bianzhi rules check REGION_CODE [--json]` evaluates every enabled rule (with
the region's settings) for every county under the region and stores the
findings (the findings page shows the same). Exit code: 0 when no finding
has severity "block", 1 when at least one does (warnings alone exit 0), 2 for
an unknown region code.
"""

from __future__ import annotations

import json
import os

import click

from bianzhi.adapters.textwidth import pad
from bianzhi.core.policy import citation_text


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.web.settings")
    import django

    django.setup()


@click.group("rules")
def rules_group() -> None:
    """政策规则检查。"""


@rules_group.command("check")
@click.argument("region_code")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（rule、severity、object、message、source）。")
def check_command(region_code: str, as_json: bool) -> None:
    """检查 REGION_CODE（省、市、县或乡镇代码）下各县的全部规则。

    有“阻止”级别的问题时退出码为 1，否则为 0。
    """
    _setup()
    from bianzhi.core.rules import RULES_BY_ID, Severity, finding_to_dict
    from bianzhi.regions.models import Region
    from bianzhi.rules.services import findings_refresh

    region = Region.objects.filter(code=region_code).first()
    if region is None:
        click.echo(f"没有区划代码为 {region_code} 的地区", err=True)
        raise SystemExit(2)
    findings = findings_refresh(region=region)
    if as_json:
        click.echo(json.dumps([finding_to_dict(f) for f in findings], ensure_ascii=False, indent=2))
    else:
        if not findings:
            click.echo(f"{region.name}：未发现问题。")
        else:
            header = ["级别", "规则", "对象", "问题", "依据"]
            rows = [
                [f.severity.label, RULES_BY_ID[f.rule].title, f.object.label, f.message,
                 citation_text(f.source)]
                for f in findings
            ]
            widths = [10, 26, 16]
            click.echo("  ".join(pad(h, w) for h, w in zip(header[:3], widths, strict=True)) + "  问题（依据）")
            for row in rows:
                click.echo(
                    "  ".join(pad(c, w) for c, w in zip(row[:3], widths, strict=True))
                    + f"  {row[3]}（{row[4]}）"
                )
            blocks = sum(1 for f in findings if f.severity == Severity.BLOCK)
            click.echo(f"\n共{len(findings)}个问题，其中阻止级{blocks}个、预警{len(findings) - blocks}个。")
    if any(f.severity == Severity.BLOCK for f in findings):
        raise SystemExit(1)


@rules_group.command("secondments")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="按该日期判断（默认今天）。")
def secondments_command(today: object) -> None:
    """使开始日期已到的借调生效：人员状态由“在岗”改为“借调出”（每天运行，可重复运行）。"""
    _setup()
    import datetime as dt

    from bianzhi.roster.services import secondments_begin

    on = today.date() if isinstance(today, dt.datetime) else None
    for person in secondments_begin(today=on):
        click.echo(f"借调开始：{person.region.name} {person.name}（{person.secondment_unit}，{person.secondment_start}）")
