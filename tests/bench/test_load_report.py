"""The load-test table (bench/load/report.py): pages and API lists are held
to their p99 targets, the login and the import steps are shown but not
counted, and the throughput factor is after over before."""

from __future__ import annotations

from typing import Any

from bench.load import report


def _run(label: str, rps: float, p99: float, failures: int = 0) -> dict[str, Any]:
    rows = [
        {"name": "/ 首页", "requests": 100, "failures": failures, "median_ms": 50, "p95_ms": 90, "p99_ms": p99,
         "average_ms": 60, "rps": rps / 2},
        {"name": "API /api/v1/persons/?筛选", "requests": 100, "failures": 0, "median_ms": 40, "p95_ms": 90,
         "p99_ms": p99, "average_ms": 50, "rps": rps / 2},
        {"name": "导入：上传并校验（6,000 行）", "requests": 1, "failures": 0, "median_ms": 900, "p95_ms": 900,
         "p99_ms": 900, "average_ms": 900, "rps": 0.02},
        {"name": "Aggregated", "requests": 201, "failures": failures, "median_ms": 45, "p95_ms": 90, "p99_ms": p99,
         "average_ms": 55, "rps": rps},
    ]
    return {"label": label, "at": "2026-11-29 20:00 UTC", "users": 50, "duration_s": 60, "server_workers": 5,
            "cores": 2, "load": [1.0, 2.0], "server_cpu_s": 20.1, "wall_s": 60, "note": "", "rows": rows}


def test_targets_apply_to_pages_and_api_lists_only() -> None:
    text = report.render({"before": _run("before", 10, 900), "after": _run("after", 31, 140)})
    lines = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| ")}
    assert lines["| `/ 首页`"].endswith("| 达标 |")
    assert lines["| `API /api/v1/persons/?筛选`"].endswith("| 达标 |")
    assert lines["| `导入：上传并校验（6,000 行）`"].endswith("| （不计） |")
    assert "改后是改前的 3.1 倍，达标" in text and "每请求 100 ms" in text


def test_a_slow_or_failing_endpoint_is_a_miss_with_the_figure() -> None:
    text = report.render({"before": _run("before", 10, 900), "after": _run("after", 12, 400, failures=3)})
    home = next(line for line in text.splitlines() if line.startswith("| `/ 首页`"))
    api = next(line for line in text.splitlines() if line.startswith("| `API "))
    assert "未达标：3 个错误" in home
    assert "未达标：p99 超出 250 ms（目标 150 ms）" in api
    assert "改后是改前的 1.2 倍，未达标（目标 3 倍）" in text
