"""The county's documents built from data: 总结评估报告 and 备案报告.

Both are pure functions of their inputs (figures per township, 三定 data),
returning the shared document model; the charts are the only drawing.
Thresholds quoted in the evaluation come from the policy sources: usage rate
target 95% and borrowed-out staff <= 5% of quota (001), at least 2
comprehensive-enforcement staff per township (000, 004).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bianzhi.core.document import Block, Document, Heading, Paragraph, Signature, Table
from bianzhi.core.sanding import AFFILIATED_INSTITUTION, PARTY_GOVERNMENT_OFFICE, SandingData
from bianzhi.core.tasks import compare, format_change, format_value
from bianzhi.reports.figures import INDICATOR_BY_KEY, INDICATORS, county_totals

USAGE_TARGET = 0.95  # 001: 编制使用率 95%
SECONDMENT_LIMIT = 0.05  # 001: 借调出 <= 5% of quota
MIN_ENFORCEMENT = 2  # 000, 004: 镇专职执法力量不低于2名


def date_cn(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


@dataclass(frozen=True)
class TownshipFigures:
    code: str
    name: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]


def _fmt(key: str, value: Any) -> str:
    return format_value(INDICATOR_BY_KEY[key], value)


def _problems(rows: Sequence[TownshipFigures]) -> list[str]:
    low_usage, seconded, enforcement, overdue, findings = [], [], [], [], []
    for row in rows:
        f = row.after
        if f.get("usage_rate") is not None and f["usage_rate"] < USAGE_TARGET:
            low_usage.append(f"{row.name}（{_fmt('usage_rate', f['usage_rate'])}）")
        quota = (f.get("admin_quota") or 0) + (f.get("institution_quota") or 0)
        if quota and (f.get("seconded_out") or 0) > SECONDMENT_LIMIT * quota:
            seconded.append(f"{row.name}（{f['seconded_out']}人）")
        if f.get("enforcement_staff") is not None and f["enforcement_staff"] < MIN_ENFORCEMENT:
            enforcement.append(f"{row.name}（{f['enforcement_staff']}人）")
        if f.get("tasks_overdue"):
            overdue.append(f"{row.name}（{f['tasks_overdue']}项）")
        if f.get("findings"):
            findings.append(f"{row.name}（{f['findings']}条）")
    problems = []
    if low_usage:
        problems.append(
            f"编制使用率低于{USAGE_TARGET:.0%}的乡镇{len(low_usage)}个：{'、'.join(low_usage)}。"
        )
    if seconded:
        problems.append(
            f"借调出人员超过编制数{SECONDMENT_LIMIT:.0%}的乡镇{len(seconded)}个：{'、'.join(seconded)}。"
        )
    if enforcement:
        problems.append(
            f"综合执法人员少于{MIN_ENFORCEMENT}名的乡镇{len(enforcement)}个：{'、'.join(enforcement)}。"
        )
    if overdue:
        problems.append(f"有逾期未完成工作任务的乡镇{len(overdue)}个：{'、'.join(overdue)}。")
    if findings:
        problems.append(f"规则检查发现问题的乡镇{len(findings)}个：{'、'.join(findings)}。")
    return problems


def evaluation_document(
    *,
    county_name: str,
    issuer: str,
    date_from: dt.date,
    date_to: dt.date,
    rows: Sequence[TownshipFigures],
    charts: bool = True,
) -> Document:
    """The 总结评估报告 comparing the snapshots of ``date_from`` and ``date_to``."""
    before_total = county_totals([dict(r.before) for r in rows])
    after_total = county_totals([dict(r.after) for r in rows])
    deltas = compare(INDICATORS, before_total, after_total)
    blocks: list[Block] = [
        Heading("一、总体情况"),
        Paragraph(
            f"根据{date_cn(date_from)}和{date_cn(date_to)}两次监测数据，对全县{len(rows)}个乡镇（街道）"
            "机构编制资源配置情况进行总结评估。"
        ),
        Paragraph(
            f"截至{date_cn(date_to)}，全县乡镇核定行政编制{_fmt('admin_quota', after_total['admin_quota'])}名、"
            f"事业编制{_fmt('institution_quota', after_total['institution_quota'])}名，实有人员"
            f"{_fmt('staff', after_total['staff'])}人，空编{_fmt('vacancies', after_total['vacancies'])}名，"
            f"编制使用率{_fmt('usage_rate', after_total['usage_rate'])}"
            f"（{date_cn(date_from)}为{_fmt('usage_rate', before_total['usage_rate'])}）；"
            f"工作任务{_fmt('tasks_total', after_total['tasks_total'])}项，已销号"
            f"{_fmt('tasks_closed', after_total['tasks_closed'])}项，逾期"
            f"{_fmt('tasks_overdue', after_total['tasks_overdue'])}项。"
        ),
        Heading("二、主要指标变化"),
        Table(
            headers=("指标", date_from.isoformat(), date_to.isoformat(), "变化", "评价"),
            rows=tuple(
                (
                    f"{d.indicator.label}（{d.indicator.unit}）",
                    format_value(d.indicator, d.before),
                    format_value(d.indicator, d.after),
                    format_change(d),
                    d.verdict,
                )
                for d in deltas
            ),
            widths=(3.2, 1.6, 1.6, 2.0, 1.4),
            numeric=frozenset({1, 2}),
            caption="全县主要指标对比表",
        ),
    ]
    if charts and rows:
        from bianzhi.reports.charts import grouped_bars

        names = [r.name for r in rows]
        blocks.append(
            grouped_bars(
                categories=names,
                series=[
                    (date_from.isoformat(), [r.before.get("usage_rate") or 0 for r in rows]),
                    (date_to.isoformat(), [r.after.get("usage_rate") or 0 for r in rows]),
                ],
                title="图1 各乡镇编制使用率",
                unit="%",
                percent=True,
            )
        )
        blocks.append(
            grouped_bars(
                categories=names,
                series=[
                    (date_from.isoformat(), [r.before.get("vacancies") or 0 for r in rows]),
                    (date_to.isoformat(), [r.after.get("vacancies") or 0 for r in rows]),
                ],
                title="图2 各乡镇空编数",
                unit="名",
            )
        )
    blocks.append(Heading("三、各乡镇（街道）情况"))
    blocks.append(
        Table(
            headers=(
                "乡镇（街道）",
                "核定编制",
                "实有人员",
                "空编",
                "使用率",
                "使用率变化",
                "借调出",
                "任务完成率",
            ),
            rows=tuple(
                (
                    r.name,
                    _fmt("admin_quota", _sum(r.after, "admin_quota", "institution_quota")),
                    _fmt("staff", r.after.get("staff")),
                    _fmt("vacancies", r.after.get("vacancies")),
                    _fmt("usage_rate", r.after.get("usage_rate")),
                    format_change(compare([INDICATOR_BY_KEY["usage_rate"]], r.before, r.after)[0]),
                    _fmt("seconded_out", r.after.get("seconded_out")),
                    _fmt("task_completion", r.after.get("task_completion")),
                )
                for r in rows
            ),
            widths=(2.4, 1.2, 1.2, 1.0, 1.2, 1.8, 1.0, 1.4),
            numeric=frozenset({1, 2, 3, 4, 6, 7}),
            caption=f"各乡镇（街道）主要指标（{date_to.isoformat()}）",
        )
    )
    blocks.append(Heading("四、存在的问题"))
    problems = _problems(rows)
    if problems:
        blocks.extend(Paragraph(f"（{'一二三四五'[i]}）{p}") for i, p in enumerate(problems))
    else:
        blocks.append(Paragraph("监测指标均达到政策要求，未发现需要通报的问题。"))
    blocks.append(Heading("五、下一步工作"))
    blocks.append(
        Paragraph(
            "对上述问题逐项建立清单，明确责任单位和完成时限，实行“清单制+责任制+销号制”管理，"
            "纳入巡回督导重点内容，按期跟踪整改并在下次监测中复核。"
        )
    )
    blocks.append(Signature(lines=(f"{issuer}办公室",), date=date_cn(date_to)))
    return Document(
        title=f"{county_name}乡镇机构编制资源配置工作总结评估报告",
        subtitle=f"（{date_cn(date_from)}至{date_cn(date_to)}）",
        blocks=tuple(blocks),
    )


def _sum(figures: Mapping[str, Any], *keys: str) -> int | None:
    values = [figures.get(k) for k in keys]
    if all(v is None for v in values):
        return None
    return sum(v or 0 for v in values)


def filing_document(
    *, county_name: str, city_name: str, issuer: str, on: dt.date, townships: Sequence[SandingData]
) -> Document:
    """The 备案报告 sending the townships' 三定 results to the level above."""
    rows: list[tuple[str, ...]] = []
    for data in townships:
        admin = data.admin_quota if data.approved_admin_quota is None else data.approved_admin_quota
        inst = (
            data.institution_quota
            if data.approved_institution_quota is None
            else data.approved_institution_quota
        )
        rows.append(
            (
                data.township_name,
                data.township_class or "—",
                str(len(data.of_kind(PARTY_GOVERNMENT_OFFICE))),
                str(len(data.of_kind(AFFILIATED_INSTITUTION))),
                str(admin),
                str(inst),
                str(data.leadership_total),
            )
        )
    totals = tuple(sum(int(r[i]) for r in rows) for i in range(2, 7))
    rows.append(("合计", "", *(str(t) for t in totals)))
    blocks: list[Block] = [
        Paragraph(
            f"根据乡镇机构改革和机构编制管理有关规定，{county_name}对所辖{len(townships)}个乡镇（街道）的"
            "主要职责、机构设置和人员编制进行了核定。现将有关情况报备如下："
        ),
        Heading("一、核定情况"),
        Paragraph(
            f"全县乡镇（街道）共设置{PARTY_GOVERNMENT_OFFICE}{totals[0]}个、{AFFILIATED_INSTITUTION}{totals[1]}个，"
            f"核定行政编制{totals[2]}名、事业编制{totals[3]}名，领导职数{totals[4]}名。"
        ),
        Table(
            headers=(
                "乡镇（街道）",
                "类别",
                "党政综合办事机构",
                "直属事业单位",
                "行政编制",
                "事业编制",
                "领导职数",
            ),
            rows=tuple(rows),
            widths=(2.4, 1.6, 1.6, 1.6, 1.2, 1.2, 1.2),
            numeric=frozenset({2, 3, 4, 5, 6}),
            caption="乡镇（街道）机构编制核定情况表",
            total_row=True,
        ),
        Heading("二、有关说明"),
        Paragraph(
            "各乡镇（街道）编制总额在核定总量内统筹使用，未突破上级下达的控制数；"
            "各乡镇（街道）“三定”方案随文附后。"
        ),
        Paragraph("特此报备。"),
        Signature(lines=(f"{issuer}办公室",), date=date_cn(on)),
    ]
    return Document(
        title=f"关于{county_name}乡镇（街道）机构编制核定情况的备案报告",
        addressee=f"中共{city_name}委机构编制委员会办公室：",
        blocks=tuple(blocks),
    )
