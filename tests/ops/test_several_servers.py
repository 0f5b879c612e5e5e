"""Two `bianzhi serve` processes and two `bianzhi worker`s on one PostgreSQL:
a session opened on one server works on the other, and each job queued
through either server runs exactly once."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.ops.conftest import SRC, bianzhi, on_postgres

JOBS = 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server on {port} did not start")


@pytest.fixture
def cluster(pg_database: Any, tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    url = pg_database()
    data = tmp_path / "data"
    bianzhi("migrate", data_dir=data, database_url=url)
    bianzhi("createuser", "admin", "--superuser", "--password", "Xq7-test-pass",
            data_dir=data, database_url=url)
    env = {k: v for k, v in os.environ.items() if k != "BIANZHI_VAR_DIR"}
    env.update({
        "BIANZHI_DATABASE_URL": url, "BIANZHI_DATA_DIR": str(data),
        "PYTHONPATH": os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]),
        # Only the jobs this test queues: no scheduled backup in between.
        "BIANZHI_BACKUP_INTERVAL_HOURS": "0",
    })
    ports = [_free_port(), _free_port()]
    procs = [
        subprocess.Popen([sys.executable, "-m", "bianzhi", "serve", "--port", str(port),
                          "--workers", "1", "--no-jobs"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for port in ports
    ] + [
        subprocess.Popen([sys.executable, "-m", "bianzhi", "worker", "--poll", "0.2"], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 120
        for port in ports:
            _wait_for(port, deadline)
        yield url, [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def _csrf(opener: Any, url: str) -> str:
    page = opener.open(url).read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, url
    return match.group(1)


def _post(opener: Any, url: str, fields: dict[str, str]) -> Any:
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(fields).encode(), headers={"Referer": url}
    )
    return opener.open(request)


@on_postgres
def test_sessions_work_across_servers_and_each_job_runs_once(
    cluster: tuple[str, list[str]],
) -> None:
    import psycopg

    url, (a, b) = cluster
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # Log in on A only ...
    token = _csrf(opener, f"{a}/accounts/login/")
    _post(opener, f"{a}/accounts/login/",
          {"csrfmiddlewaretoken": token, "username": "admin", "password": "Xq7-test-pass"})
    # ... and B knows the session (it lives in the database).
    page = opener.open(f"{b}/ops/backups/")
    assert page.geturl().endswith("/ops/backups/"), "B sent the user to the login page"

    for i in range(JOBS):
        server = (a, b)[i % 2]
        token = _csrf(opener, f"{server}/ops/backups/")
        done = _post(opener, f"{server}/ops/backups/", {"csrfmiddlewaretoken": token})
        assert "/jobs/" in done.geturl()

    deadline = time.monotonic() + 240
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            left = conn.execute(
                "SELECT COUNT(*) FROM jobs_job WHERE status IN ('queued', 'running')"
            ).fetchone()[0]
            if left == 0:
                break
            time.sleep(0.5)
        jobs = conn.execute("SELECT status, worker FROM jobs_job WHERE kind = 'ops.backup'").fetchall()
        backups = conn.execute("SELECT status FROM ops_backuprecord").fetchall()
        beats = conn.execute("SELECT COUNT(*) FROM jobs_workerheartbeat").fetchone()[0]
    assert len(jobs) == JOBS
    assert {status for status, _ in jobs} == {"done"}
    # A job run twice would have written two backups.
    assert len(backups) == JOBS
    assert {status for (status,) in backups} == {"verified"}
    assert beats == 2
