"""A small benchmark runner: medians over repeats, in-run baselines side by
side, and ratios against the last saved baseline file.

A benchmark module exposes `BENCHMARKS`, a list of `Benchmark`. Each case
runs `setup()` once, then times `run(state)` `repeat` times; when it names a
baseline, the baseline runs in the same process on the same state, and the
two medians and their ratio are printed together.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
    # Why the row may miss its target (shown in docs/benchmarks.md when it does).
    note: str = ""
    # False for a case too long to run an extra time (the 1,000,000-row import).
    warmup: bool = True
    # The baseline's time times this is compared with the case's: a baseline
    # that does a hundredth of the work (10,000 of 1,000,000 rows) has scale 100.
    baseline_scale: float = 1.0
    # Run before every timed call (case and baseline), outside the time: e.g.
    # emptying the roster an import fills.
    before_each: Callable[[Any], None] | None = None


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (a CLI run)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _time(
    fn: Callable[[Any], Any], state: Any, repeat: int, cpu: list[float] | None = None,
    before: Callable[[Any], None] | None = None,
) -> tuple[list[float], Any]:
    """Wall-clock times; CPU times go to `cpu`. On a shared machine the CPU
    time moves much less with the load than the wall-clock time."""
    times: list[float] = []
    result = None
    for _ in range(repeat):
        if before is not None:
            before(state)
        start, start_cpu = time.perf_counter(), _cpu()
        result = fn(state)
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(_cpu() - start_cpu)
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
        repeat = min(3, b.repeat) if quick else b.repeat
        load_before = os.getloadavg()[0]
        if b.warmup:
            _time(b.run, state, 1, before=b.before_each)  # warm-up: imports, caches
        cpu: list[float] = []
        times, result = _time(b.run, state, repeat, cpu, before=b.before_each)
        row: dict[str, Any] = {
            "name": b.name,
            "description": b.description,
            "note": b.note,
            "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "median_s": statistics.median(times),
            "cpu_median_s": statistics.median(cpu),
            "min_s": min(times),
            "max_s": max(times),
            "repeat": repeat,
            "target_s": b.target_s,
            **b.extra,
        }
        line = (
            f"   median {fmt(row['median_s'])} (min {fmt(row['min_s'])}, max {fmt(row['max_s'])}, n={repeat};"
            f" CPU {fmt(row['cpu_median_s'])})"
        )
        if b.target_s is not None:
            ok = "达标" if row["median_s"] <= b.target_s else "未达标"
            line += f"   target <= {fmt(b.target_s)}: {ok}"
        print(line)
        if b.baseline is not None:
            brepeat = b.baseline_repeat or repeat
            bcpu: list[float] = []
            btimes, bresult = _time(b.baseline, state, 1 if quick else brepeat, bcpu, before=b.before_each)
            row["baseline_cpu_median_s"] = statistics.median(bcpu)
            row["baseline"] = b.baseline_name
            row["baseline_median_s"] = statistics.median(btimes)
            row["speedup"] = row["baseline_median_s"] * b.baseline_scale / row["median_s"]
            if b.baseline_scale != 1.0:
                row["baseline_scale"] = b.baseline_scale
            print(
                f"   baseline {b.baseline_name}: median {fmt(row['baseline_median_s'])}"
                f" (CPU {fmt(row['baseline_cpu_median_s'])})"
                f"   -> {row['speedup']:.1f}x faster"
            )
            if b.check is not None:
                b.check(state, result, bresult)
                row["checked"] = True
                print("   results identical: yes")
        elif b.check is not None:
            b.check(state, result, None)
            row["checked"] = True
        row["load"] = [load_before, os.getloadavg()[0]]
        if b.name in previous:
            ratio = row["median_s"] / previous[b.name]["median_s"]
            print(f"   vs saved baseline ({fmt(previous[b.name]['median_s'])}): {ratio:.2f}x time")
            row["vs_saved_baseline"] = ratio
        rows.append(row)
    return rows


def save(rows: list[dict[str, Any]], name: str, *, merge: bool = False) -> Path:
    """Write the rows; with `merge`, keep the rows of earlier runs that this
    run did not measure (each row carries its own time)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    data = _load(path) if merge else {}
    data.update({r["name"]: r for r in rows})
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    return path


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text())
    return data
