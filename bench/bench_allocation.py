"""Registered allocation benchmarks (issue 3 §6): (a), (b), (c)."""

from __future__ import annotations

import numpy as np

from bench import allocation as alloc
from bench.runner import Benchmark


def _same(label: str):
    def check(state, result, baseline_result) -> None:
        if not np.array_equal(result, baseline_result):
            differ = int((result != baseline_result).sum())
            raise AssertionError(f"{label}: {differ} townships differ from the baseline")

    return check


def _sichuan_state():
    country = alloc.generate()
    return alloc.sichuan(country)


BENCHMARKS = [
    Benchmark(
        name="allocation.national",
        description="(a) 全国 41,352 个乡镇一次测算（得分 + 韦伯斯特法）",
        setup=alloc.generate,
        run=alloc.national_pass,
        target_s=0.010,
        baseline=alloc.heap_national,
        baseline_name="逐个名额的堆实现",
        baseline_repeat=3,
        check=_same("national"),
    ),
    Benchmark(
        name="allocation.per_county_batched",
        description="(b) 2,978 个县各自总量和保底，一次批量计算",
        setup=alloc.generate,
        run=alloc.per_county_batched,
        target_s=0.020,
        baseline=alloc.per_county_loop,
        baseline_name="逐县调用内核",
        baseline_repeat=3,
        check=_same("per county"),
    ),
    Benchmark(
        name="allocation.sichuan_vs_highs",
        description="(c) 四川省 3,111 个乡镇：内核 vs scipy.optimize.milp（HiGHS）",
        setup=_sichuan_state,
        run=alloc.per_county_batched,
        baseline=alloc.milp_allocation,
        baseline_name="scipy.optimize.milp (HiGHS)",
        baseline_repeat=1,
        check=_same("Sichuan vs HiGHS"),
        extra={"target_speedup": 1000},
    ),
]
