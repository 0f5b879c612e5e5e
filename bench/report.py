"""Writes the measured table of docs/benchmarks.md from bench/results/latest.json.

`make bench` runs the benchmarks and then this; the text between the two
markers is replaced, the rest of the page (how each figure is made) is left
as written. Each row says when it was measured and under what load, since
the 2-core machine is shared."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

from bench.runner import RESULTS, fmt

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
BEGIN = "<!-- bench:begin (make bench 生成，勿手改) -->"
END = "<!-- bench:end -->"


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"，{kb / 1024 / 1024:.0f} GiB 内存"
    except (OSError, ValueError, IndexError):
        pass
    import numpy

    database = "PostgreSQL" if os.environ.get("BIANZHI_DATABASE_URL", "").startswith("postgres") else "SQLite"
    return (
        f"{os.cpu_count()} 核 {cpu}{memory}，{platform.system()} {platform.release()}，"
        f"Python {sys.version.split()[0]}，NumPy {numpy.__version__}；数据库 {database}"
    )


def _verdict(row: dict[str, Any]) -> str:
    memory = f"；峰值内存 {row['peak_memory_mb']:,.0f} MB" if "peak_memory_mb" in row else ""
    return _time_verdict(row) + memory


def _time_verdict(row: dict[str, Any]) -> str:
    target = row.get("target_s")
    if target is None:
        return "—"
    median = row["median_s"]
    if median <= target:
        return "达标"
    text = f"未达标：超出 {fmt(median - target)}（目标的 {median / target:.1f} 倍）"
    if row.get("note"):
        text += f"；{row['note']}"
    return text


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| 项目 | 目标 | 中位数（n） | CPU 时间中位数 | 结论 | 同次运行的基线 | 基线中位数（CPU） | 倍数 | 结果核对 | 测量时间与负载 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        baseline = r.get("baseline") or "（无）"
        bmedian = (
            f"{fmt(r['baseline_median_s'])}（{fmt(r['baseline_cpu_median_s'])}）"
            if "baseline_cpu_median_s" in r
            else fmt(r["baseline_median_s"]) if "baseline_median_s" in r else "—"
        )
        cpu = fmt(r["cpu_median_s"]) if "cpu_median_s" in r else "—"
        speed = f"{r['speedup']:.1f} 倍" if "speedup" in r else "—"
        checked = "一致" if r.get("checked") else "未核对"
        load = r.get("load")
        load_text = f"{r.get('at', '?')}，负载 {load[0]:.1f}→{load[1]:.1f}" if load else r.get("at", "?")
        target = fmt(r["target_s"]) if r.get("target_s") is not None else "—"
        lines.append(
            f"| {r.get('description', r['name'])}（`{r['name']}`） | {target} | "
            f"{fmt(r['median_s'])}（{r['repeat']}） | {cpu} | {_verdict(r)} | {baseline} | {bmedian} | {speed} | "
            f"{checked} | {load_text} |"
        )
    return "\n".join(lines)


def summary(rows: list[dict[str, Any]]) -> str:
    with_target = [r for r in rows if r.get("target_s") is not None]
    met = [r for r in with_target if r["median_s"] <= r["target_s"]]
    missed = [r["name"] for r in with_target if r["median_s"] > r["target_s"]]
    text = (
        f"下表由 `make bench` 写出：{len(rows)} 项，其中 {len(with_target)} 项有目标，"
        f"{len(met)} 项在本机测量时达标"
    )
    text += f"，未达标的是 {'、'.join(f'`{m}`' for m in missed)}（原因见各行）。" if missed else "。"
    text += "每一项的时间都与同一次运行中测得的基线并列，并核对结果一致；未列基线的项目写明“（无）”。"
    return text


def render(rows: list[dict[str, Any]]) -> str:
    loads = [x for r in rows for x in r.get("load", [])]
    cores = os.cpu_count() or 1
    if not loads:
        load_note = ""
    elif max(loads) > cores:
        load_note = (
            f"各行测量时的 1 分钟平均负载见最后一列（{min(loads):.1f}–{max(loads):.1f}）；负载高于核数（{cores}）的行"
            "测量时本机另有任务在运行，墙钟时间因此偏大（CPU 时间受影响小得多）；空闲时重跑 `make bench` 即可更新。"
        )
    else:
        load_note = f"测量时本机没有其他任务（1 分钟平均负载 {min(loads):.1f}–{max(loads):.1f}，{cores} 核）。"
    # Rows of both databases share the table: say which is which.
    where = machine().split("；数据库")[0] + "；数据库 SQLite（名称以 `.postgresql` 结尾的行为 PostgreSQL）"
    return "\n\n".join(
        [BEGIN, summary(rows), f"测量环境：{where}。{load_note}", table(rows), END]
    )


def write(path: Path = DOC) -> Path:
    data: dict[str, dict[str, Any]] = json.loads((RESULTS / "latest.json").read_text())
    block = render(list(data.values()))
    text = path.read_text(encoding="utf-8") if path.exists() else "# 性能基准（benchmarks）\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        title, _, body = text.partition("\n\n")
        text = f"{title}\n\n{block}\n\n{body}"
    path.write_text(text, encoding="utf-8")
    return path
