"""Allocation benchmarks on the paths users run (issue 16 §1–2).

Data: the 41,352 townships of the official division list with indicators
generated from a fixed seed (`bench/allocation.py`), written once as the
national county table CSV that `bianzhi allocate` reads.

Rows:
- allocation.national: `core.allocation.allocate` on the table as the CLI
  reader returns it (TownshipColumns), with the full per-township
  explanation; baseline: the pre-issue-16 township-by-township code
  (`bench/allocation_reference.py`), same run, same input.
- allocation.county: the same for one county (大英县, 10 townships, and
  the 30-township county below it) in-process.
- allocation.province_groups: Sichuan's 183 counties, each with its own
  total, in one `allocate_groups` call (what a city/province plan page
  computes); baseline: the reference, county by county.
- allocation.cli_national: `bianzhi allocate 全国.csv --out x.json` as a
  subprocess, end to end; baseline: the pre-issue-16 pipeline in-process
  (read, township-by-township allocation, JSON with the indenting
  encoder), which does not even pay for starting Python.

Every row checks its result against the baseline's (identical objects or
identical JSON) and that each county's seats add up to its total within
its bounds.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench import allocation as alloc
from bench.allocation_reference import plain_allocate, plain_json
from bench.runner import Benchmark
from bianzhi.adapters.xlsx_county_table import read_county_table
from bianzhi.core.allocation import (
    AllocationParams,
    TownshipColumns,
    TownshipInput,
    allocate,
    allocate_groups,
)

WEIGHTS = {"人口": 0.5, "面积": 0.2, "经济": 0.3}
FLOORS = {"一般乡镇": 15, "县政府驻地镇": 20}
CAPS = {"一般乡镇": 60}
CACHE = Path(tempfile.gettempdir()) / "bianzhi-bench"


@dataclass
class National:
    csv: Path
    table: TownshipColumns
    params: AllocationParams
    county_of: list[str]  # county code per township
    totals: dict[str, int]  # county code -> total


def national_csv() -> tuple[Path, dict[str, int]]:
    """The national county table, written once per machine (2 MB)."""
    country = alloc.generate()
    names: dict[str, str] = {}
    with alloc.STREETS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names[row["code"]] = row["name"]
    first = np.r_[True, country.county[1:] != country.county[:-1]]
    county_codes = [str(c)[:6] for c in country.codes]
    totals: dict[str, int] = {}
    for g, code in zip(country.county.tolist(), county_codes, strict=True):
        totals.setdefault(code, int(country.county_totals[g]))
    CACHE.mkdir(exist_ok=True)
    path = CACHE / "全国乡镇基本情况表.csv"
    if not path.exists():
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["代码", "名称", "类别", "人口", "面积", "经济"])
            for i, code in enumerate(country.codes.tolist()):
                people, area, economy = country.indicators[i].tolist()
                writer.writerow(
                    [code, names[code], "县政府驻地镇" if first[i] else "一般乡镇",
                     round(people), round(area, 2), round(economy, 2)]
                )  # fmt: skip
    return path, totals


def national() -> National:
    path, totals = national_csv()
    table = read_county_table(path)
    assert isinstance(table.townships, TownshipColumns)
    params = AllocationParams(
        total=sum(totals.values()), weights=WEIGHTS, floors=FLOORS, caps=CAPS
    )
    county_of = [c[:6] for c in table.townships.codes]
    return National(path, table.townships, params, county_of, totals)


def _check_seats(result_alloc: list[int], lower: list[int], upper: list[int | None], total: int) -> None:
    """Independent of both implementations: the seats meet the total and bounds."""
    if sum(result_alloc) != total:
        raise AssertionError(f"seats {sum(result_alloc)} != distributable {total}")
    for a, lo, hi in zip(result_alloc, lower, upper, strict=True):
        if a < lo or (hi is not None and a > hi):
            raise AssertionError(f"seat count {a} outside [{lo}, {hi}]")


def _same_as_reference(state: Any, result: Any, baseline: Any) -> None:
    fast = tuple(result.townships)
    _check_seats([t.allocation for t in fast], [t.lower for t in fast], [t.upper for t in fast], result.distributable)
    if fast != baseline[0] or result.divisor != baseline[1]:
        differ = sum(a != b for a, b in zip(fast, baseline[0], strict=True))
        raise AssertionError(f"{differ} townships differ from the reference")


# --- one county ---------------------------------------------------------


def _county(n_min: int, n_max: int) -> tuple[list[TownshipInput], AllocationParams]:
    state = national()
    by_county: dict[str, list[TownshipInput]] = {}
    for t, c in zip(state.table, state.county_of, strict=True):
        by_county.setdefault(c, []).append(t)
    code = "510923" if n_min <= len(by_county.get("510923", [])) <= n_max else next(
        c for c, ts in by_county.items() if c.startswith("51") and n_min <= len(ts) <= n_max
    )
    towns = by_county[code]
    params = AllocationParams(total=state.totals[code], weights=WEIGHTS, floors=FLOORS, caps=CAPS)
    return list(TownshipColumns(towns)), params


def county_small() -> tuple[TownshipColumns, AllocationParams]:
    towns, params = _county(10, 12)
    return TownshipColumns(towns), params


def county_large() -> tuple[TownshipColumns, AllocationParams]:
    towns, params = _county(28, 30)
    return TownshipColumns(towns), params


# --- a province, county by county ----------------------------------------


def province() -> list[tuple[TownshipColumns, AllocationParams]]:
    state = national()
    by_county: dict[str, list[TownshipInput]] = {}
    for t, c in zip(state.table, state.county_of, strict=True):
        if c.startswith("51"):
            by_county.setdefault(c, []).append(t)
    return [
        (TownshipColumns(ts), AllocationParams(total=state.totals[c], weights=WEIGHTS, floors=FLOORS, caps=CAPS))
        for c, ts in by_county.items()
    ]


def _province_check(state: Any, results: Any, baselines: Any) -> None:
    for result, baseline in zip(results, baselines, strict=True):
        _same_as_reference(state, result, baseline)


# --- the command line ------------------------------------------------------


def _cli(state: National) -> Path:
    out = CACHE / "全国测算结果.json"
    command = [
        sys.executable, "-c", "from bianzhi.cli.main import main; main()",
        "allocate", str(state.csv), "--total", str(state.params.total),
        *[arg for k, v in FLOORS.items() for arg in ("--floor", f"{k}={v}")],
        *[arg for k, v in CAPS.items() for arg in ("--cap", f"{k}={v}")],
        *[arg for k, v in WEIGHTS.items() for arg in ("-w", f"{k}={v}")],
        "--out", str(out),
    ]  # fmt: skip
    # As installed: pip compiles the package's bytecode at install time, so
    # the command does not compile its modules on every start (with
    # PYTHONDONTWRITEBYTECODE set, as in this workplace, it would: some
    # 0.3 s). The warm-up run writes the cache, the timed runs read it.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "PYTHONPYCACHEPREFIX": str(CACHE / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return out


def _cli_before(state: National) -> str:
    table = read_county_table(state.csv)
    townships, _ = plain_allocate(list(table.townships), state.params)
    text = plain_json(townships)
    (CACHE / "全国测算结果-改前.json").write_text(text, encoding="utf-8")
    return text


def _cli_check(state: National, out: Path, before: str) -> None:
    written = json.loads(out.read_text(encoding="utf-8"))["townships"]
    if written != json.loads(before):
        raise AssertionError("the CLI's JSON differs from the reference pipeline's")
    by_county: dict[str, int] = {}
    for t in written:
        by_county[t["code"][:6]] = by_county.get(t["code"][:6], 0) + t["allocation"]
    _check_seats(
        [t["allocation"] for t in written], [t["lower"] for t in written],
        [t["upper"] for t in written], state.params.total,
    )  # fmt: skip


BENCHMARKS = [
    Benchmark(
        name="allocation.national",
        description="allocate()：全国 41,352 个乡镇一次测算，含每个乡镇的完整解释（进程内）",
        setup=national,
        run=lambda s: allocate(s.table, s.params),
        target_s=0.030,
        baseline=lambda s: plain_allocate(list(s.table), s.params),
        baseline_name="改前的逐乡镇实现",
        baseline_repeat=3,
        check=_same_as_reference,
        note="CPU 时间主要在 apportion 内核的几轮数组运算；墙钟时间另受共享负载放大",
    ),
    Benchmark(
        name="allocation.county_10",
        description="allocate()：一个县（大英县，10 个乡镇），进程内",
        setup=county_small,
        run=lambda s: allocate(*s),
        target_s=0.001,
        baseline=lambda s: plain_allocate(list(s[0]), s[1]),
        baseline_name="改前的逐乡镇实现",
        repeat=200,
        check=_same_as_reference,
        note="小县的时间是 numpy 每次调用的固定开销（约 60 次数组运算，每次数微秒），与乡镇数几乎无关",
    ),
    Benchmark(
        name="allocation.county_30",
        description="allocate()：一个 30 个乡镇的县，进程内",
        setup=county_large,
        run=lambda s: allocate(*s),
        target_s=0.001,
        baseline=lambda s: plain_allocate(list(s[0]), s[1]),
        baseline_name="改前的逐乡镇实现",
        repeat=200,
        check=_same_as_reference,
        note="小县的时间是 numpy 每次调用的固定开销（约 60 次数组运算，每次数微秒），与乡镇数几乎无关",
    ),
    Benchmark(
        name="allocation.province_groups",
        description="allocate_groups()：四川省 183 个县各自总量，一次计算（市、省方案页面所算）",
        setup=province,
        run=lambda groups: allocate_groups(groups),
        target_s=1.0,
        baseline=lambda groups: [plain_allocate(list(t), p) for t, p in groups],
        baseline_name="改前的逐乡镇实现，逐县",
        baseline_repeat=3,
        check=_province_check,
        note="183 个县各自准备数组，每县约 0.5 ms 的固定开销；墙钟时间另受共享负载放大（见 CPU 时间列）",
    ),
    Benchmark(
        name="allocation.cli_national",
        description="bianzhi allocate 全国.csv --out x.json：命令行端到端（子进程，含读取和写出）",
        setup=national,
        run=_cli,
        target_s=2.0,
        baseline=_cli_before,
        baseline_name="改前的流程（进程内：读取、逐乡镇测算、缩进 JSON）",
        baseline_repeat=1,
        repeat=5,
        check=_cli_check,
        note="CPU 时间约 2 s：Python 与 numpy 启动约 0.4 s，读取 0.5 s，写 29 MB JSON 约 0.7 s；墙钟时间为 CPU 时间的数倍，是共享负载所致（见 CPU 时间列）",
    ),
]
