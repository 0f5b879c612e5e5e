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


def test_with_paced_runs_the_p99_targets_are_judged_on_the_paced_table() -> None:
    """A saturated server's times are queueing: once paced runs exist the
    capacity table states throughput and errors only, and the paced table
    carries the p99 verdicts."""
    paced_before, paced_after = _run("before-paced", 9.8, 900), _run("after-paced", 9.8, 120)
    paced_after["pace_s"] = paced_before["pace_s"] = 5.0
    text = report.render({"before": _run("before", 10, 9000), "after": _run("after", 31, 2500),
                          "before-paced": paced_before, "after-paced": paced_after})
    capacity, paced = text.split("按节奏的响应时间")
    home_capacity = next(line for line in capacity.splitlines() if line.startswith("| `/ 首页`"))
    home_paced = next(line for line in paced.splitlines() if line.startswith("| `/ 首页`"))
    assert home_capacity.endswith("| 0 错误；延迟见按节奏一表 |")
    assert home_paced.endswith("| 达标 |")
    assert "每个用户两次请求间随机停 2.5–7.5 秒" in paced and "改后是改前的 3.1 倍，达标" in capacity
