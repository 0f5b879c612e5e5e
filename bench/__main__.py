"""`python -m bench [--quick] [--only NAME] [--save-baseline]`.

Runs every registered benchmark, prints medians and ratios (against the
in-run baseline, and against bench/results/baseline.json when present), and
writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import importlib

from bench.runner import Benchmark, run_all, save

# Modules that define BENCHMARKS; others append their module name here.
MODULES = ["bench.bench_allocation", "bench.bench_roster", "bench.bench_documents"]
MODULES.append("bench.bench_province")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description="运行性能基准测试")
    parser.add_argument("--quick", action="store_true", help="每项只重复 3 次（冒烟测试用）")
    parser.add_argument("--only", action="append", default=[], help="只运行名称包含该字符串的基准")
    parser.add_argument(
        "--write-docs", action="store_true", help="运行后重写 docs/benchmarks.md 中的结果表"
    )
    parser.add_argument(
        "--save-baseline", action="store_true", help="把本次结果保存为比较基线 bench/results/baseline.json"
    )
    args = parser.parse_args()
    benchmarks: list[Benchmark] = []
    for name in MODULES:
        benchmarks.extend(importlib.import_module(name).BENCHMARKS)
    if args.only:
        benchmarks = [b for b in benchmarks if any(o in b.name for o in args.only)]
    rows = run_all(benchmarks, quick=args.quick)
    print(f"\n结果已写入 {save(rows, 'latest.json', merge=True)}")
    if args.write_docs:
        from bench.report import write

        print(f"结果表已写入 {write()}")
    if args.save_baseline:
        print(f"基线已保存到 {save(rows, 'baseline.json')}")


if __name__ == "__main__":
    main()
