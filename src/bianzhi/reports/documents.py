"""The county's documents built from data: 总结评估报告 and 备案报告.

Both are pure functions of their inputs (figures per township, 三定 data),
returning the shared document model; the charts are the only drawing.
Thresholds quoted in the evaluation are the region's rule settings in force
(``Thresholds``, from the rules usage-rate, secondment-share and
enforcement-staff; the catalogue's defaults are 95%, 5% and 2 from 001, 000
and 004); a rule the region switched off is not reported on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bianzhi.core.document import (
    Block,
    Document,
    Heading,
    Paragraph,
    Signature,
    Table,
    chinese_number,
)
from bianzhi.core.sanding import AFFILIATED_INSTITUTION, PARTY_GOVERNMENT_OFFICE, SandingData
from bianzhi.core.tasks import compare, format_change, format_value
from bianzhi.reports.figures import INDICATOR_BY_KEY, INDICATORS, county_totals


@dataclass(frozen=True)
class Thresholds:
    """The limits in force for the region (None: the rule is switched off)."""

    usage_target: float | None = 0.95  # 001 §(三)3: 编制使用率 95%
    secondment_limit: float | None = 0.05  # 001 §(三)3: 借调出 <= 5% of quota
    min_enforcement: int | None = 2  # 000 §二.4, 004: 专职执法力量不低于2名


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


def _percent(value: float) -> str:
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _problems(
    rows: Sequence[TownshipFigures],
    thresholds: Thresholds,
    unit: str,
    region_findings: Sequence[str],
) -> list[str]:
    low_usage, seconded, enforcement, overdue, findings, over = [], [], [], [], [], []
    usage_target = thresholds.usage_target
    secondment_limit = thresholds.secondment_limit
    min_enforcement = thresholds.min_enforcement
    for row in rows:
        f = row.after
        if (
            usage_target is not None
            and f.get("usage_rate") is not None
            and f["usage_rate"] < usage_target
        ):
            low_usage.append(f"{row.name}（{_fmt('usage_rate', f['usage_rate'])}）")
        quota = (f.get("admin_quota") or 0) + (f.get("institution_quota") or 0)
        if (
            secondment_limit is not None
            and quota
            and (f.get("seconded_out") or 0) > secondment_limit * quota
        ):
            seconded.append(f"{row.name}（{f['seconded_out']}人）")
        if (
            min_enforcement is not None
            and f.get("enforcement_staff") is not None
            and f["enforcement_staff"] < min_enforcement
        ):
            enforcement.append(f"{row.name}（{f['enforcement_staff']}人）")
        if f.get("over_quota"):
            over.append(f"{row.name}（超编{f['over_quota']}名）")
        if f.get("tasks_overdue"):
            overdue.append(f"{row.name}（{f['tasks_overdue']}项）")
        if f.get("findings"):
            findings.append(f"{row.name}（{f['findings']}条）")
    problems = []
    if over:
        problems.append(f"实有人员超过核定编制的{unit}{len(over)}个：{'、'.join(over)}。")
    if low_usage and usage_target is not None:
        problems.append(
            f"编制使用率低于{_percent(usage_target)}的{unit}{len(low_usage)}个：{'、'.join(low_usage)}。"
        )
    if seconded and secondment_limit is not None:
        problems.append(
            f"借调出人员超过编制数{_percent(secondment_limit)}的{unit}{len(seconded)}个："
            f"{'、'.join(seconded)}。"
        )
    if enforcement and min_enforcement is not None:
        problems.append(
            f"综合执法人员少于{min_enforcement}名的{unit}{len(enforcement)}个：{'、'.join(enforcement)}。"
        )
    if overdue:
        problems.append(f"有逾期未完成工作任务的{unit}{len(overdue)}个：{'、'.join(overdue)}。")
    if findings:
        problems.append(f"规则检查发现问题的{unit}{len(findings)}个：{'、'.join(findings)}。")
    if region_findings:
        problems.append(
            f"规则检查发现全县（区）层面的问题{len(region_findings)}条："
            + "；".join(m.rstrip("。") for m in region_findings)
            + "。"
        )
    return problems


def evaluation_document(
    *,
    county_name: str,
    issuer: str,
    date_from: dt.date,
    date_to: dt.date,
    rows: Sequence[TownshipFigures],
    charts: bool = True,
    thresholds: Thresholds | None = None,
    region_findings: Sequence[str] = (),
    city: bool = False,
    townships: int | None = None,
) -> Document:
    """The 总结评估报告 comparing the snapshots of ``date_from`` and ``date_to``.

    ``rows`` are townships (a county's report) or counties (``city``: each row
    the totals of one county's townships). ``region_findings`` are the rule
    findings about a county as a whole on ``date_to`` (e.g. 两个不减少).
    """
    thresholds = thresholds or Thresholds()
    area, unit = ("全市", "县（市、区）") if city else ("全县", "乡镇（街道）")
    before_total = county_totals([dict(r.before) for r in rows], once=not city)
    after_total = county_totals([dict(r.after) for r in rows], once=not city)
    deltas = compare(INDICATORS, before_total, after_total)
    scope_text = (
        f"全市{len(rows)}个县（市、区）{townships}个乡镇（街道）"
        if city
        else f"全县{len(rows)}个乡镇（街道）"
    )
    over = after_total.get("over_quota")
    blocks: list[Block] = [
        Heading("一、总体情况"),
        Paragraph(
            f"根据{date_cn(date_from)}和{date_cn(date_to)}两次监测数据，对{scope_text}"
            "机构编制资源配置情况进行总结评估。"
        ),
        Paragraph(
            f"截至{date_cn(date_to)}，{area}乡镇核定行政编制{_fmt('admin_quota', after_total['admin_quota'])}名、"
            f"事业编制{_fmt('institution_quota', after_total['institution_quota'])}名，实有人员"
            f"{_fmt('staff', after_total['staff'])}人，空编{_fmt('vacancies', after_total['vacancies'])}名"
            + (f"、超编{over}名" if over else "")
            + f"，编制使用率{_fmt('usage_rate', after_total['usage_rate'])}"
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
            caption=f"{area}主要指标对比表",
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
                title=f"图1 各{unit}编制使用率",
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
                title=f"图2 各{unit}空编数",
                unit="名",
            )
        )
    blocks.append(Heading(f"三、各{unit}情况"))
    blocks.append(
        Table(
            headers=(
                unit,
                "核定编制",
                "实有人员",
                "空编",
                "超编",
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
                    _fmt("over_quota", r.after.get("over_quota")),
                    _fmt("usage_rate", r.after.get("usage_rate")),
                    format_change(compare([INDICATOR_BY_KEY["usage_rate"]], r.before, r.after)[0]),
                    _fmt("seconded_out", r.after.get("seconded_out")),
                    _fmt("task_completion", r.after.get("task_completion")),
                )
                for r in rows
            ),
            widths=(2.4, 1.2, 1.2, 1.0, 1.0, 1.2, 1.8, 1.0, 1.4),
            numeric=frozenset({1, 2, 3, 4, 5, 7, 8}),
            caption=f"各{unit}主要指标（{date_to.isoformat()}）",
        )
    )
    blocks.append(Heading("四、存在的问题"))
    problems = _problems(rows, thresholds, unit, region_findings)
    if problems:
        blocks.extend(
            Paragraph(f"（{chinese_number(i)}）{p}") for i, p in enumerate(problems, start=1)
        )
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


@dataclass(frozen=True)
class FilingFinding:
    """A rule finding quoted by the 备案报告 (severity "block" or "warning")."""

    rule_title: str
    severity: str
    place: str  # township or county name
    message: str


@dataclass(frozen=True)
class ControlCheck:
    """The control-number check of one quota type: ``within`` None = no control
    number recorded (or no check), so nothing may be claimed about it."""

    quota_type: str
    within: bool | None
    control: int | None = None
    document: str = ""
    message: str = ""


def compliance_paragraphs(
    *,
    area: str,
    townships: Sequence[SandingData],
    findings: Sequence[FilingFinding] | None,
    checked_on: dt.date | None,
    controls: Sequence[ControlCheck],
) -> list[str]:
    """The sentences of the 备案报告 about compliance, each computed from the data.

    ``findings`` None means no rule evaluation ran: the report then says so
    instead of claiming anything.
    """
    sentences: list[str] = []
    mismatched = []
    for data in townships:
        admin = data.admin_quota if data.approved_admin_quota is None else data.approved_admin_quota
        inst = (
            data.institution_quota
            if data.approved_institution_quota is None
            else data.approved_institution_quota
        )
        if data.institutions and (admin, inst) != (data.admin_quota, data.institution_quota):
            mismatched.append(
                f"{data.township_name}（核定行政编制{admin}名、事业编制{inst}名，各机构合计"
                f"{data.admin_quota}名、{data.institution_quota}名）"
            )
    if mismatched:
        sentences.append(
            f"各机构编制台账合计与核定编制不一致的乡镇（街道）{len(mismatched)}个："
            f"{'、'.join(mismatched)}，正在核对。"
        )
    else:
        sentences.append("各乡镇（街道）机构编制台账合计与核定编制一致。")
    recorded = [c for c in controls if c.within is not None]
    over = [c for c in recorded if not c.within]
    if over:
        sentences.append(
            "突破上级下达的控制数：" + "；".join(c.message.rstrip("。") for c in over) + "。"
        )
    within = [c for c in recorded if c.within]
    if within:
        sentences.append(
            f"{area}乡镇"
            + "、".join(
                f"{c.quota_type}核定总量未突破上级下达的控制数（{c.control}名"
                + (f"，{c.document}" if c.document else "")
                + "）"
                for c in within
            )
            + "。"
        )
    unrecorded = [c.quota_type for c in controls if c.within is None]
    if unrecorded:
        sentences.append(
            f"上级下达的{'、'.join(unrecorded)}控制数未在本系统登记，本报告不对是否突破控制数作出说明。"
        )
    if findings is None or checked_on is None:
        sentences.append("本报告未附政策规则检查结果。")
        return sentences
    blocks = [f for f in findings if f.severity == "block"]
    warnings = [f for f in findings if f.severity != "block"]
    when = f"经{date_cn(checked_on)}对照政策规则检查"
    if blocks:
        by_rule: dict[str, list[str]] = {}
        for f in blocks:
            by_rule.setdefault(f.rule_title, []).append(f.place)
        listed = "；".join(
            f"{title}（{'、'.join(dict.fromkeys(places))}，{len(places)}条）"
            for title, places in by_rule.items()
        )
        sentences.append(f"{when}，存在不符合规定的问题{len(blocks)}条：{listed}。")
    else:
        sentences.append(f"{when}，未发现违反阻止级规则的问题。")
    if warnings:
        titles = "、".join(dict.fromkeys(f.rule_title for f in warnings))
        sentences.append(f"另有提示性问题{len(warnings)}条（{titles}），正在跟踪整改。")
    return sentences


def filing_document(
    *,
    county_name: str,
    city_name: str,
    issuer: str,
    on: dt.date,
    townships: Sequence[SandingData],
    compliance: Sequence[str] = (),
    county_of: Mapping[str, str] | None = None,
    addressee: str = "",
) -> Document:
    """The 备案报告 sending the townships' 三定 results to the level above.

    ``compliance`` are the sentences of ``compliance_paragraphs``; ``county_of``
    (township code → county name) makes it a city's report, one row per county.
    """
    city = county_of is not None
    area = "全市" if city else "全县"
    rows: list[tuple[str, ...]] = []
    grouped: dict[str, list[int]] = {}
    for data in townships:
        admin = data.admin_quota if data.approved_admin_quota is None else data.approved_admin_quota
        inst = (
            data.institution_quota
            if data.approved_institution_quota is None
            else data.approved_institution_quota
        )
        values = [
            len(data.of_kind(PARTY_GOVERNMENT_OFFICE)),
            len(data.of_kind(AFFILIATED_INSTITUTION)),
            admin,
            inst,
            data.leadership_total,
        ]
        if county_of is not None:
            name = county_of.get(data.township_code, "")
            sums = grouped.setdefault(name, [0] * 6)
            sums[0] += 1
            for i, v in enumerate(values, start=1):
                sums[i] += v
        else:
            rows.append((data.township_name, data.township_class or "—", *(str(v) for v in values)))
    if city:
        rows = [(name, str(v[0]), *(str(x) for x in v[1:])) for name, v in grouped.items()]
    totals = tuple(sum(int(r[i]) for r in rows) for i in range(2, 7))
    first_total = str(sum(int(r[1]) for r in rows)) if city else ""
    rows.append(("合计", first_total, *(str(t) for t in totals)))
    blocks: list[Block] = [
        Paragraph(
            f"根据乡镇机构改革和机构编制管理有关规定，{county_name}对所辖{len(townships)}个乡镇（街道）的"
            "主要职责、机构设置和人员编制进行了核定。现将有关情况报备如下："
        ),
        Heading("一、核定情况"),
        Paragraph(
            f"{area}乡镇（街道）共设置{PARTY_GOVERNMENT_OFFICE}{totals[0]}个、{AFFILIATED_INSTITUTION}{totals[1]}个，"
            f"核定行政编制{totals[2]}名、事业编制{totals[3]}名，领导职数{totals[4]}名。"
        ),
        Table(
            headers=(
                "县（市、区）" if city else "乡镇（街道）",
                "乡镇数" if city else "类别",
                "党政综合办事机构",
                "直属事业单位",
                "行政编制",
                "事业编制",
                "领导职数",
            ),
            rows=tuple(rows),
            widths=(2.4, 1.6, 1.6, 1.6, 1.2, 1.2, 1.2),
            numeric=frozenset({2, 3, 4, 5, 6} | ({1} if city else set())),
            caption="乡镇（街道）机构编制核定情况表",
            total_row=True,
        ),
        Heading("二、有关说明"),
        *(Paragraph(sentence) for sentence in compliance),
        Paragraph("各乡镇（街道）“三定”方案随文附后。"),
        Paragraph("特此报备。"),
        Signature(lines=(f"{issuer}办公室",), date=date_cn(on)),
    ]
    return Document(
        title=f"关于{county_name}乡镇（街道）机构编制核定情况的备案报告",
        addressee=addressee or f"中共{city_name}委机构编制委员会办公室：",
        blocks=tuple(blocks),
    )
