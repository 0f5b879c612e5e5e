"""A small benchmark runner: medians over repeats, in-run baselines side by
side, and ratios against the last saved baseline file.

A benchmark module exposes `BENCHMARKS`, a list of `Benchmark`. Each case
runs `setup()` once, then times `run(state)` `repeat` times; when it names a
baseline, the baseline runs in the same process on the same state, and the
two medians and their ratio are printed together.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Benchmark:
    name: str
    description: str
    setup: Callable[[], Any]
    run: Callable[[Any], Any]
    target_s: float | None = None  # the target for the median
    baseline: Callable[[Any], Any] | None = None
    baseline_name: str = ""
    baseline_repeat: int | None = None
    check: Callable[[Any, Any, Any], None] | None = None  # (state, result, baseline_result)
    repeat: int = 15
    extra: dict[str, Any] = field(default_factory=dict)


def _time(fn: Callable[[Any], Any], state: Any, repeat: int) -> tuple[list[float], Any]:
    times: list[float] = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(state)
        times.append(time.perf_counter() - start)
    return times, result


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def run_all(benchmarks: list[Benchmark], *, quick: bool = False) -> list[dict[str, Any]]:
    previous = _load(RESULTS / "baseline.json")
    rows: list[dict[str, Any]] = []
    for b in benchmarks:
        print(f"\n== {b.name}: {b.description}", flush=True)
        state = b.setup()
        repeat = 3 if quick else b.repeat
        _time(b.run, state, 1)  # warm-up: imports, caches
        times, result = _time(b.run, state, repeat)
        row: dict[str, Any] = {
            "name": b.name,
            "median_s": statistics.median(times),
            "min_s": min(times),
            "max_s": max(times),
            "repeat": repeat,
            "target_s": b.target_s,
            **b.extra,
        }
        line = f"   median {fmt(row['median_s'])} (min {fmt(row['min_s'])}, max {fmt(row['max_s'])}, n={repeat})"
        if b.target_s is not None:
            ok = "达标" if row["median_s"] <= b.target_s else "未达标"
            line += f"   target <= {fmt(b.target_s)}: {ok}"
        print(line)
        if b.baseline is not None:
            brepeat = b.baseline_repeat or repeat
            btimes, bresult = _time(b.baseline, state, 1 if quick else brepeat)
            row["baseline"] = b.baseline_name
            row["baseline_median_s"] = statistics.median(btimes)
            row["speedup"] = row["baseline_median_s"] / row["median_s"]
            print(
                f"   baseline {b.baseline_name}: median {fmt(row['baseline_median_s'])}"
                f"   -> {row['speedup']:.1f}x faster"
            )
            if b.check is not None:
                b.check(state, result, bresult)
                print("   results identical: yes")
        elif b.check is not None:
            b.check(state, result, None)
        if b.name in previous:
            ratio = row["median_s"] / previous[b.name]["median_s"]
            print(f"   vs saved baseline ({fmt(previous[b.name]['median_s'])}): {ratio:.2f}x time")
            row["vs_saved_baseline"] = ratio
        rows.append(row)
    return rows


def save(rows: list[dict[str, Any]], name: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps({r["name"]: r for r in rows}, indent=2, ensure_ascii=False))
    return path


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text())
    return data
