"""The load-test tables of docs/benchmarks.md, from bench/results/load.json
(`make load` writes both). Before and after side by side per endpoint: the
capacity runs (short pauses: the throughput target) and, when measured, the
paced runs (each user one request every few seconds: the p99 targets, which
a saturated server cannot show, its times being mostly queueing). The text
between the load markers is replaced, the rest of the page is kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.report import DOC, machine
from bench.runner import RESULTS

BEGIN = "<!-- load:begin (make load 生成，勿手改) -->"
END = "<!-- load:end -->"
PAGE_P99_MS = 300.0
API_P99_MS = 150.0
THROUGHPUT_FACTOR = 3.0
# Not pages a user reads: the login (a deliberately slow password hash) and
# the steps of the minute's roster import (a file upload, its validation, the
# job); shown, but outside the page and API targets.
_OTHER = ("登录", "导入", "/jobs/")


def kind(name: str) -> str:
    if name.startswith("API "):
        return "api"
    if any(name.startswith(p) or p in name for p in _OTHER):
        return "other"
    return "page"


def _ms(value: float) -> str:
    return f"{value:,.0f}"


def _verdict(row: dict[str, Any]) -> str:
    limit = {"page": PAGE_P99_MS, "api": API_P99_MS}.get(kind(row["name"]))
    if limit is None:
        return "（不计）"
    if not row["requests"]:
        return "本次无请求"
    if row["failures"]:
        return f"未达标：{row['failures']} 个错误"
    if row["p99_ms"] <= limit:
        return "达标"
    return f"未达标：p99 超出 {_ms(row['p99_ms'] - limit)} ms（目标 {limit:.0f} ms）"


def _total(run: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in run["rows"] if r["name"] == "Aggregated")


def _cpu_per_request(run: dict[str, Any]) -> float:
    total = _total(run)
    return 1000 * run["server_cpu_s"] / max(total["requests"], 1)


def _run_line(label: str, run: dict[str, Any] | None) -> str:
    if run is None:
        return f"- {label}：尚未测量。"
    total = _total(run)
    pace = run.get("pace_s") or 0
    rate = f"每个用户两次请求间随机停 {pace / 2:g}–{pace * 1.5:g} 秒" if pace else "用户间隔 0.1–0.5 秒"
    return (
        f"- {label}（{run['at']}，{run.get('note') or run['label']}）：{run['users']} 个用户，{rate}，"
        f"计量 {run['wall_s']:.0f} 秒，`bianzhi serve` {run['server_workers']} 个 gunicorn 工作进程；"
        f"吞吐 {total['rps']:.1f} 请求/秒，{total['requests']} 个请求，错误 {total['failures']} 个；"
        f"服务器进程 CPU 合计 {run['server_cpu_s']:.0f} 秒（每请求 {_cpu_per_request(run):.0f} ms）；"
        f"1 分钟平均负载 {run['load'][0]:.1f}→{run['load'][1]:.1f}。"
    )


def _summary(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    lines = [_run_line("改前", before), _run_line("改后", after)]
    if before is not None and after is not None:
        factor = _total(after)["rps"] / max(_total(before)["rps"], 1e-9)
        verdict = "达标" if factor >= THROUGHPUT_FACTOR else f"未达标（目标 {THROUGHPUT_FACTOR:.0f} 倍）"
        lines.append(f"- 吞吐：改后是改前的 {factor:.1f} 倍，{verdict}；每请求服务器 CPU "
                     f"{_cpu_per_request(before):.0f} ms → {_cpu_per_request(after):.0f} ms。")
    return "\n".join(lines)


def table(before: dict[str, Any] | None, after: dict[str, Any] | None, *, verdicts: bool = True) -> str:
    """Per endpoint, before and after; with ``verdicts`` the last column holds
    the after run against the p99 targets (otherwise it says where they are)."""
    names: list[str] = []
    for run in (before, after):
        for r in (run or {}).get("rows", []):
            if r["name"] != "Aggregated" and r["name"] not in names and r["requests"] + r["failures"] > 0:
                names.append(r["name"])
    names.sort(key=lambda n: ({"page": 0, "api": 1, "other": 2}[kind(n)], n))
    names.append("Aggregated")

    def cells(run: dict[str, Any] | None, name: str) -> list[str]:
        row = next((r for r in (run or {}).get("rows", []) if r["name"] == name), None)
        if row is None:
            return ["—"] * 4
        return [str(row["requests"]), str(row["failures"]), f"{row['rps']:.2f}",
                f"{_ms(row['median_ms'])} / {_ms(row['p95_ms'])} / {_ms(row['p99_ms'])}"]

    lines = [
        "| 端点 | 类别 | 改前 请求数 | 改前 错误 | 改前 请求/秒 | 改前 p50 / p95 / p99（ms） "
        "| 改后 请求数 | 改后 错误 | 改后 请求/秒 | 改后 p50 / p95 / p99（ms） | 改后结论 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        row = next((r for r in (after or {}).get("rows", []) if r["name"] == name), None)
        label = {"page": "页面", "api": "API 列表", "other": "其他"}[kind(name)] if name != "Aggregated" else "合计"
        if name == "Aggregated" or row is None:
            verdict = "—"
        elif verdicts:
            verdict = _verdict(row)
        else:
            verdict = f"{row['failures']} 个错误；延迟见按节奏一表" if row["failures"] else "0 错误；延迟见按节奏一表"
        shown = "合计" if name == "Aggregated" else f"`{name}`"
        lines.append(f"| {shown} | {label} | " + " | ".join(cells(before, name)) + " | "
                     + " | ".join(cells(after, name)) + f" | {verdict} |")
    return "\n".join(lines)


def render(data: dict[str, Any]) -> str:
    before, after = data.get("before"), data.get("after")
    paced_before, paced_after = data.get("before-paced"), data.get("after-paced")
    paced = paced_before is not None or paced_after is not None
    parts = [
        BEGIN,
        f"测量环境：{machine().replace('；数据库 SQLite', '；数据库 PostgreSQL')}。",
        "**吞吐（用户间隔 0.1–0.5 秒，服务器始终满负荷；目标：改后吞吐 ≥ 改前 3 倍、0 错误）**",
        _summary(before, after),
        table(before, after, verdicts=not paced),
    ]
    if paced:
        pace = (paced_after or paced_before or {}).get("pace_s") or 0
        parts += [
            f"**按节奏的响应时间（每个用户两次请求间随机停 {pace / 2:g}–{pace * 1.5:g} 秒；目标：页面 p99 ≤ {PAGE_P99_MS:.0f} ms，"
            f"API 列表 p99 ≤ {API_P99_MS:.0f} ms，0 错误）**",
            "\n".join([_run_line("改前", paced_before), _run_line("改后", paced_after)]),
            table(paced_before, paced_after),
        ]
    parts.append(END)
    return "\n\n".join(parts)


def write(path: Path = DOC) -> Path:
    data = json.loads((RESULTS / "load.json").read_text())
    block = render(data)
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## 负载测试（issue 16 §3，`bench/load/`）\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return path
