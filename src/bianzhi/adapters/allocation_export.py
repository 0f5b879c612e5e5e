"""Writing allocation results (测算结果): .xlsx for printing and filing
(``xlsx_allocation``), .csv for Excel, .json for programs, and a plain-text
summary for terminals.

Every writer takes an `AllocationReport` (``allocation_report``: a core
`AllocationResult` plus the title, source file and, optionally, the same plan
under every method) and returns bytes, so the web app can send them as a
download; `write_report` puts them in a file atomically: a failed run never
leaves a partial or half-written file behind.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from bianzhi import __version__
from bianzhi.adapters.allocation_report import (
    AllocationReport,
    number_text,
    reserve_text,
    result_columns,
    short_label,
)
from bianzhi.adapters.textwidth import display_width, pad
from bianzhi.adapters.xlsx_allocation import xlsx_bytes
from bianzhi.adapters.xlsx_cells import csv_text
from bianzhi.core.allocation import AllocationResult, Bound, TownshipAllocation

FORMATS: tuple[str, ...] = ("xlsx", "csv", "json")


def output_format(path: str | os.PathLike[str]) -> str | None:
    """The format named by a file's extension ("xlsx", "csv", "json"), or None."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None


def render(report: AllocationReport, fmt: str) -> bytes:
    """The report as the bytes of a file in format `fmt` (one of FORMATS)."""
    renderers: Mapping[str, Callable[[AllocationReport], bytes]] = {
        "xlsx": xlsx_bytes,
        "csv": csv_bytes,
        "json": json_bytes,
    }
    if fmt not in renderers:
        raise ValueError(f"不支持的输出格式“{fmt}”，可用：{'、'.join(FORMATS)}")
    return renderers[fmt](report)


def write_report(
    report: AllocationReport,
    target: str | os.PathLike[str] | IO[bytes],
    fmt: str | None = None,
) -> None:
    """Write the report to a path (atomically; format from the extension
    unless `fmt` is given) or to a binary stream (`fmt` required)."""
    if isinstance(target, str | os.PathLike):
        chosen = fmt or output_format(target)
        if chosen is None:
            raise ValueError(f"无法从文件名 {target} 判断输出格式，可用：{'、'.join(FORMATS)}")
        write_atomic(target, render(report, chosen))
        return
    if fmt is None:
        raise ValueError("写入数据流时必须指定输出格式")
    target.write(render(report, fmt))


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same directory
    and a rename, so readers see the old file or the new one, never a part.
    Creates the parent directory if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------
# CSV


def csv_bytes(report: AllocationReport) -> bytes:
    """The result table with a 合计 row, UTF-8 with BOM so that Excel shows
    the Chinese correctly. With a comparison, one extra column per method.

    Text fields (codes, names, classes from the input file) that a
    spreadsheet would take for a formula (= + - @ first) get a leading
    apostrophe (`xlsx_cells.csv_text`); numbers, such as -3 in 增减, do not."""
    result = report.result
    columns = result_columns(result)
    comparison = report.comparison or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [c.header for c in columns] + [f"测算编制（{short_label(m)}）" for m in comparison]
    )
    for i, t in enumerate(result.townships):
        row = [_csv_field(c.value(i, t), c.kind) for c in columns]
        row += [str(other.townships[i].allocation) for other in comparison.values()]
        writer.writerow(row)
    totals = [
        "合计"
        if c.header == "序号"
        else number_text(c.total(result.townships), c.kind)
        if c.total
        else ""
        for c in columns
    ]
    totals += [str(other.distributable) for other in comparison.values()]
    writer.writerow(totals)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_field(value: object, kind: str) -> str:
    shown = number_text(value, kind)
    return csv_text(shown) if kind == "text" else shown


# ---------------------------------------------------------------------------
# JSON


def _finite(value: float | None) -> float | None:
    """JSON has no infinity: an open divisor interval end is null."""
    return value if value is not None and math.isfinite(value) else None


def _township_document(t: TownshipAllocation) -> dict[str, Any]:
    return _document(
        t.code, t.name, t.township_class,
        tuple((c.indicator, c.value, c.share, c.weight, c.contribution) for c in t.contributions),
        t.coefficient, t.score, t.quota, t.lower, t.upper, t.lower_source, t.upper_source,
        t.allocation, t.bound, t.current, t.change, t.tied,
    )  # fmt: skip


def _township_documents(result: AllocationResult) -> list[dict[str, Any]]:
    """One document per township, read from the result's columns: a
    national result has 41,352 townships, and building their objects first
    would take longer than everything else the CLI does."""
    return [_document(*row) for row in zip(*result.townships.columns().values(), strict=True)]


# Enum attribute reads are slow next to a dict lookup; a national result
# reads three per township.
_VALUE = {b: b.value for b in Bound}
_LABEL = {b: (b.label if b is not Bound.NONE else None) for b in Bound}


def _document(
    code: str,
    name: str,
    township_class: str,
    contributions: tuple[tuple[str, float, float, float, float], ...],
    coefficient: float,
    score: float,
    quota: float,
    lower: int,
    upper: int | None,
    lower_source: Bound,
    upper_source: Bound,
    allocation: int,
    bound: Bound,
    current: int | None,
    change: int | None,
    tied: bool,
) -> dict[str, Any]:
    """The JSON of one township; the arguments are TownshipAllocation's fields in order."""
    return {
        "code": code,
        "name": name,
        "class": township_class,
        "score": score,
        "quota": quota,
        "allocation": allocation,
        "bound": _VALUE[bound],
        "bound_label": _LABEL[bound],
        "current": current,
        "change": change,
        "lower": lower,
        "lower_source": _VALUE[lower_source],
        "upper": upper,
        "upper_source": _VALUE[upper_source],
        "coefficient": coefficient,
        "tied": tied,
        "indicators": {
            indicator: {"value": value, "share": share, "weight": weight, "contribution": part}
            for indicator, value, share, weight, part in contributions
        },
    }


def _summary_document(result: AllocationResult) -> dict[str, Any]:
    interval = result.divisor_interval
    return {
        "total": result.total,
        "reserve": result.reserve,
        "distributable": result.distributable,
        "divisor": result.divisor,
        "divisor_interval": None if interval is None else [_finite(v) for v in interval],
        "ties": list(result.ties),
        "max_deviation": result.max_deviation,
        "disproportionality": result.disproportionality,
    }


def json_document(report: AllocationReport) -> dict[str, Any]:
    """The report as JSON-ready data.

    Shape: {"plan": {all parameters}, "total", "reserve" (the count), "distributable",
    "divisor" (null for hamilton), "divisor_interval" ([low, high), high may be
    null), "ties", "max_deviation", "disproportionality" (Gallagher index,
    percentage points), "townships": [...], and with a comparison "compare":
    {method: {the same plan-level figures, "allocations": {code: n}}}}.
    """
    result = report.result
    params = result.params
    document: dict[str, Any] = {
        "plan": {
            "title": report.title,
            "source": report.source,
            "quota_type": params.quota_type,
            "total": params.total,
            "reserve": params.reserve.describe(),
            "method": params.method.value,
            "method_label": params.method.label,
            "weights": dict(params.weights),
            "floors": dict(params.floors),
            "caps": dict(params.caps),
            "coefficients": dict(params.coefficients),
            "no_decrease": params.no_decrease,
            "max_step": params.max_step,
            "township_min": dict(params.township_min),
            "township_max": dict(params.township_max),
        },
        **_summary_document(result),
        "townships": _township_documents(result),
        "generator": f"bianzhi {__version__}",
    }
    if report.comparison is not None:
        document["compare"] = {
            method.value: {
                "label": method.label,
                **_summary_document(other),
                "allocations": dict(
                    zip(other.townships.codes, other.townships.allocation.tolist(), strict=True)
                ),
            }
            for method, other in report.comparison.items()
        }
    return document


_TOWNSHIPS_SLOT = "\x00townships\x00"


def json_bytes(report: AllocationReport) -> bytes:
    """The document indented by two, each township on one line.

    Encoded with orjson (the national result is 29 MB: the standard
    library's encoder took about 2 s of the CLI's run, orjson about a
    tenth of that). An indent would put every field of every township on a
    line of its own, so the townships are encoded compactly, one per line,
    and put into the indented rest of the document.
    """
    document = json_document(report)
    townships = document["townships"]
    document["townships"] = _TOWNSHIPS_SLOT
    text = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    # One call for the whole list (a call per township costs three times as
    # much), then a line break before each township. `},{"code":` occurs
    # only there: inside a JSON string every `"` is escaped as `\"`, so the
    # `"` after `{` is a delimiter; a `,{` is an array element, and the
    # only array of objects is the townships, each beginning with "code".
    body = orjson.dumps(townships)[1:-1].replace(b'},{"code":', b'},\n    {"code":')
    listing = b"[\n    " + body + b"\n  ]" if townships else b"[]"
    head, tail = text.split(orjson.dumps(_TOWNSHIPS_SLOT), 1)
    return head + listing + tail + b"\n"


# ---------------------------------------------------------------------------
# Terminal summary


def text_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    footer: int = 1,
) -> str:
    """A plain-text table aligned by display width: numbers right, text left;
    the last `footer` rows (totals) are set off by a rule."""
    widths = [
        max(display_width(str(cell)) for cell in [header, *(row[i] for row in rows)])
        for i, header in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            pad(cell, widths[i], "right" if numeric[i] else "left") for i, cell in enumerate(cells)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    body, foot = rows[: len(rows) - footer], rows[len(rows) - footer :]
    return "\n".join([line(headers), rule, *map(line, body), rule, *map(line, foot)])


def summary_text(report: AllocationReport) -> str:
    """The plan in a few lines and the result table, for the terminal."""
    result = report.result
    params = result.params
    lines = [
        report.title
        if params.quota_type in report.title
        else f"{report.title}（{params.quota_type}）",
        f"编制总量 {result.total} = 基本编制 {result.distributable} + 机动编制 {reserve_text(result)}",
        f"分配方法：{params.method.label}"
        + ("" if result.divisor is None else f"；除数 {result.divisor:.6g}"),
        f"指标权重：{'，'.join(f'{k} {_weight_text(w)}' for k, w in params.weights.items())}",
        "",
    ]
    wanted = [
        "乡镇代码",
        "乡镇名称",
        "乡镇类别",
        "理论编制数",
        "测算编制",
        "现有编制",
        "增减",
        "约束说明",
    ]
    columns = [c for c in result_columns(result) if c.header in wanted]
    count = len(result.townships)
    shown = result.townships if count <= TERMINAL_ROWS else result.townships[:TERMINAL_HEAD]
    rows = [[number_text(c.value(i, t), c.kind) for c in columns] for i, t in enumerate(shown)]
    sums = _totals(result) if len(shown) < count else {}
    totals = [
        "合计"
        if c.header == "乡镇代码"
        else number_text(sums[c.header] if sums else c.total(result.townships), c.kind)
        if c.total
        else ""
        for c in columns
    ]
    lines.append(
        text_table(
            [c.header for c in columns], [*rows, totals], [c.kind != "text" for c in columns]
        )
    )
    if len(shown) < count:
        lines.append(
            f"（共 {count:,} 个乡镇，终端只列出前 {len(shown)} 个，合计为全部乡镇；"
            "每个乡镇的结果见输出文件）"
        )
    if result.ties:
        tied = result.townships.tied.tolist()
        names = "、".join(n for n, tie in zip(result.townships.names, tied, strict=True) if tie)
        lines.append(
            f"注意：{names} 在分配边际处得分完全相同（并列），已按得分高者、代码小者优先。"
        )
    if report.comparison is not None:
        lines += ["", "方法比较（测算编制）", _comparison_text(report)]
    return "\n".join(lines)


# A terminal shows a county's table in full; a province's or the country's
# would scroll thousands of lines past, so only its first rows are listed.
TERMINAL_ROWS = 500
TERMINAL_HEAD = 50


def _totals(result: AllocationResult) -> dict[str, object]:
    """The totals row of the terminal table, from the result's arrays (the
    same sums as the columns' `total`, without building every township)."""
    townships = result.townships
    current = [c for c, known in zip(townships.current.tolist(), townships.has_current.tolist(), strict=True) if known]
    allocation = townships.allocation.tolist()
    changes = [
        a - c
        for a, c, known in zip(allocation, townships.current.tolist(), townships.has_current.tolist(), strict=True)
        if known
    ]
    return {
        "理论编制数": sum(townships.quota.tolist()),
        "测算编制": sum(allocation),
        "现有编制": sum(current) if current else None,
        "增减": sum(changes) if changes else None,
    }


def _weight_text(weight: float) -> str:
    return f"{weight:g}"


def _comparison_text(report: AllocationReport) -> str:
    assert report.comparison is not None
    result = report.result
    methods = list(report.comparison)
    headers = ["乡镇名称", "理论编制数"] + [
        short_label(m) + ("*" if m is result.method else "") for m in methods
    ]
    rows = [
        [t.name, f"{t.quota:.2f}"]
        + [str(report.comparison[m].townships[i].allocation) for m in methods]
        for i, t in enumerate(result.townships)
    ]
    rows.append(["最大偏差", ""] + [f"{report.comparison[m].max_deviation:.2f}" for m in methods])
    rows.append(
        ["失衡指数", ""] + [f"{report.comparison[m].disproportionality:.2f}" for m in methods]
    )
    table = text_table(headers, rows, [False] + [True] * (len(headers) - 1), footer=2)
    return (
        table
        + "\n* 本方案所用方法。失衡指数为 Gallagher 最小二乘指数（百分点），越小越接近按得分比例分配。"
    )
