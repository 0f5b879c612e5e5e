"""The table `make bench` writes into docs/benchmarks.md: rows that miss
their target say by how much and why, and the hand-written rest of the page
is kept."""

from pathlib import Path

from bench import report

ROWS = [
    {"name": "a.fast", "description": "快的一项", "median_s": 0.02, "cpu_median_s": 0.01, "repeat": 5,
     "target_s": 0.03, "baseline": "旧实现", "baseline_median_s": 2.0, "baseline_cpu_median_s": 1.5,
     "speedup": 100.0, "checked": True, "at": "2026-11-29 17:00 UTC", "load": [3.0, 4.0], "note": "不显示"},
    {"name": "b.slow", "description": "慢的一项", "median_s": 3.0, "cpu_median_s": 1.0, "repeat": 3,
     "target_s": 2.0, "checked": True, "at": "2026-11-29 17:01 UTC", "load": [9.0, 12.5],
     "note": "读取 CSV 占一半"},
]  # fmt: skip


def test_a_missed_target_says_by_how_much_and_why_and_a_met_one_says_so():
    text = report.render(ROWS)
    fast = next(line for line in text.splitlines() if line.startswith("|") and "a.fast" in line)
    slow = next(line for line in text.splitlines() if line.startswith("|") and "b.slow" in line)
    assert "达标" in fast and "不显示" not in fast and "100.0 倍" in fast
    assert "未达标：超出 1.00 s（目标的 1.5 倍）；读取 CSV 占一半" in slow
    assert "（无）" in slow  # no in-run baseline is said, not hidden
    assert "未达标的是 `b.slow`" in text.split("\n\n")[1]
    # Loads above the core count: the note says the times are inflated.
    assert "1 分钟平均负载见最后一列（3.0–12.5）" in text and "墙钟时间因此偏大" in text


def test_a_quiet_run_is_said_to_be_quiet_and_the_databases_are_named():
    quiet = [{**r, "load": [0.4, 1.1]} for r in ROWS]
    text = report.render(quiet)
    assert "测量时本机没有其他任务（1 分钟平均负载 0.4–1.1" in text and "偏大" not in text
    assert "数据库 SQLite（名称以 `.postgresql` 结尾的行为 PostgreSQL）" in text


def test_the_table_replaces_only_the_text_between_the_markers(tmp_path: Path, monkeypatch):
    results = tmp_path / "results"
    results.mkdir()
    (results / "latest.json").write_text(
        __import__("json").dumps({r["name"]: r for r in ROWS}, ensure_ascii=False)
    )
    monkeypatch.setattr(report, "RESULTS", results)
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# 标题\n\n{report.BEGIN}\n旧表\n{report.END}\n\n## 手写的说明\n", encoding="utf-8")
    report.write(doc)
    text = doc.read_text(encoding="utf-8")
    assert "旧表" not in text and "b.slow" in text
    assert text.startswith("# 标题\n\n") and text.endswith("## 手写的说明\n")


def test_a_row_that_measured_its_peak_memory_shows_it() -> None:
    row = {**ROWS[1], "name": "c.import", "peak_memory_mb": 1626.4}
    line = next(x for x in report.table([row]).splitlines() if "c.import" in x)
    assert "未达标：超出 1.00 s（目标的 1.5 倍）；读取 CSV 占一半；峰值内存 1,626 MB" in line
