"""`python -m bench.load [--label before|after] [--pace 0] [--duration 60] [--write-docs]`
(`make load`): the load test of issue 16 §3.

Needs BIANZHI_DATABASE_URL (PostgreSQL). Prepares the users (fixtures.py),
starts `bianzhi serve` exactly as an installation runs it, waits until it
answers, runs locust headless with 50 users (locustfile.py), stops the
server and stores the per-endpoint figures in bench/results/load.json under
the label; --write-docs rewrites the load table of docs/benchmarks.md
(report.py). `--pace 5` makes it the paced run (each user pauses 5 s on
average between requests: response times at an office's rate, not behind
a saturated server); store it as before-paced / after-paced. The server's own CPU
time (all its processes) is measured too: on this shared 2-core machine
it varies much less than wall-clock figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.runner import RESULTS

WORK = Path(os.environ.get("BIANZHI_LOAD_DIR", Path(tempfile.gettempdir()) / "bianzhi-load"))
USERS = 50


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.web.settings")
    os.environ.setdefault("BIANZHI_VAR_DIR", str(WORK / "var"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def _server_workers(pid: int) -> int:
    """gunicorn's worker processes (its master's children)."""
    import psutil

    masters = [p for p in psutil.Process(pid).children() if "gunicorn" in " ".join(p.cmdline())]
    return sum(len(m.children()) for m in masters)


def _wait(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"服务器未在 {seconds:.0f} 秒内启动：{url}")


def _stats(prefix: Path) -> list[dict[str, Any]]:
    rows = []
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            rows.append({
                "type": r["Type"], "name": r["Name"], "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]), "median_ms": float(r["Median Response Time"] or 0),
                "p95_ms": float(r["95%"] or 0) if r["95%"] != "N/A" else 0.0,
                "p99_ms": float(r["99%"] or 0) if r["99%"] != "N/A" else 0.0,
                "average_ms": float(r["Average Response Time"] or 0), "rps": float(r["Requests/s"] or 0),
            })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description="负载测试（locust，50 个并发用户）")
    parser.add_argument("--label", default="after", help="结果的标签：before（改前）或 after（改后）")
    parser.add_argument("--duration", type=int, default=60, help="全部用户登录后计量的秒数")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--write-docs", action="store_true", help="把结果表写入 docs/benchmarks.md")
    parser.add_argument("--pace", type=float, default=0.0,
                        help="每个用户两次请求之间平均停几秒（随机取其 0.5–1.5 倍；0：停 0.1–0.5 秒，测服务器能承担的吞吐）")
    parser.add_argument("--note", default="", help="写在结果旁的说明（如所测的代码版本）")
    args = parser.parse_args()
    if not os.environ.get("BIANZHI_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("负载测试在 PostgreSQL 上运行：请设置 BIANZHI_DATABASE_URL=postgres://…")
    _django()
    from bench.load.fixtures import prepare

    users = prepare(WORK)
    url = f"http://127.0.0.1:{args.port}"
    env = {**os.environ, "BIANZHI_VAR_DIR": os.environ["BIANZHI_VAR_DIR"], "BIANZHI_LOAD_USERS": str(users),
           "BIANZHI_LOAD_SECONDS": str(args.duration), "BIANZHI_LOAD_PACE": str(args.pace)}
    # The server exactly as installed: `bianzhi serve` with its defaults.
    log = (WORK / f"serve-{args.label}.log").open("w")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(
        [sys.executable, "-c", "from bianzhi.cli.main import main; main()", "serve", "--port", str(args.port)],
        env=env, stdout=subprocess.DEVNULL, stderr=log,
        start_new_session=True,
    )
    try:
        _wait(f"{url}/healthz", 240)
        processes = _server_workers(server.pid)
        prefix = WORK / f"locust-{args.label}"
        window_file = WORK / f"window-{args.label}.json"
        window_file.unlink(missing_ok=True)
        env["BIANZHI_LOAD_SERVER_PID"] = str(server.pid)
        env["BIANZHI_LOAD_WINDOW"] = str(window_file)
        # Logins take a while (a slow password hash each): the locustfile
        # resets the figures once all users are in and stops `duration`
        # seconds later; locust's run time is only a cap.
        login_allowance = 300
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "-u", str(USERS), "-r", "25", "-t", f"{args.duration + login_allowance}s", "--host", url,
             "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            env=env, check=False,
        )
        window = json.loads(window_file.read_text())
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    rows = _stats(prefix)
    total = next(r for r in rows if r["name"] == "Aggregated")
    result = {
        "label": args.label,
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "users": USERS,
        "duration_s": args.duration,
        "pace_s": args.pace,
        "server_workers": processes,
        "cores": os.cpu_count(),
        "load": window["load"],
        "server_cpu_s": window["server_cpu_s"],
        "wall_s": window["wall_s"],
        "note": args.note,
        "rows": rows,
    }
    print(f"\n{args.label}: {total['rps']:.1f} 请求/秒，{total['failures']} 个错误，"
          f"服务器 CPU {window['server_cpu_s']:.0f} s / {window['wall_s']:.0f} s，"
          f"负载 {window['load'][0]:.1f}→{window['load'][1]:.1f}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "load.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[args.label] = result
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    if args.write_docs:
        from bench.load.report import write

        print(f"结果表已写入 {write()}")


if __name__ == "__main__":
    main()
