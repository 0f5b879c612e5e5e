"""Concurrent writes on the default SQLite database do not fail.

A real gunicorn (several processes, several threads each) serves a fresh
SQLite file made by ``bianzhi migrate``; twelve clients log in at the same
moment and then each changes a different approved quota at the same moment.
Without WAL, a busy timeout and write-locking transactions, SQLite answered
some of these with "database is locked" (HTTP 500).

The server runs in subprocesses with an environment of its own, so this test
checks the embedded SQLite setup whichever database the suite runs on.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# It tests the embedded SQLite setup in subprocesses of its own: once is
# enough, in the SQLite run of the suite.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("BIANZHI_DATABASE_URL")), reason="只测内置 SQLite，已在 SQLite 运行中测过"
)

CLIENTS = 12
PASSWORD = "Xq7-test-pass"
SETUP = f"""
import django
django.setup()
from bianzhi.accounts.services import user_create
from bianzhi.regions.models import Region
from bianzhi.regions.services import regions_import
regions_import(only=["510923"])
user_create(username="daying", password={PASSWORD!r}, region=Region.objects.get(code="510923"),
            roles=["officer", "approver"], validate=False)
# Twelve simultaneous logins of one account stand for twelve users here:
# lift the security policy's one-session-per-account limit.
from bianzhi.accounts.models import SecurityPolicy
SecurityPolicy.objects.update_or_create(pk=1, defaults={{"max_sessions": 0}})
"""


CLI = [sys.executable, "-c", "from bianzhi.cli.main import main; main()"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(var_dir: Path) -> dict[str, str]:
    # Only the defaults: the embedded SQLite file under BIANZHI_VAR_DIR.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BIANZHI_")}
    return {
        **clean,
        "BIANZHI_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "bianzhi.web.settings",
    }


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with 大英县 and its officer, made once."""
    var_dir = tmp_path_factory.mktemp("template")
    env = _env(var_dir)
    subprocess.run([*CLI, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, capture_output=True)
    return var_dir / "bianzhi.sqlite3"


@pytest.fixture
def var_dir(migrated: Path, tmp_path: Path) -> Path:
    # The file is in WAL mode: copy it after the last connection closed (it did:
    # the subprocesses ended), then the -wal file holds nothing.
    shutil.copy(migrated, tmp_path / "bianzhi.sqlite3")
    return tmp_path


@pytest.fixture
def server(var_dir: Path) -> Iterator[tuple[str, Path]]:
    port = _free_port()
    log = (var_dir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bianzhi.web.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        env=_env(var_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "/accounts/login/", timeout=60).read()
                break
            except OSError:  # refused until gunicorn listens
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield url, var_dir / "bianzhi.sqlite3"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf(self, path: str) -> str:
        status, page = self.request(path)
        assert status == 200, (path, status)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, path
        return found.group(1)


def _run_clients(base: str, townships: list[str]) -> list[tuple[str, int, str]]:
    # A client that fails before a barrier breaks it for all: no hang.
    ready = threading.Barrier(CLIENTS, timeout=180)
    results: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        browser = _Browser(base)
        token = browser.csrf("/accounts/login/")
        ready.wait()
        status, body = browser.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": "daying", "password": PASSWORD},
        )
        with lock:
            results.append(("login", status, body))
        township = townships[i % len(townships)]
        quota_type = "行政编制" if i < len(townships) else "事业编制"
        path = f"/townships/{township}/quota/"
        token = browser.csrf(path)
        ready.wait()
        status, body = browser.request(
            path,
            {
                "csrfmiddlewaretoken": token,
                "quota_type": quota_type,
                "count": str(10 + i),
                "document_number": f"大委编发〔2026〕{i + 1}号",
                "date": "2026-03-01",
                "reason": "",
            },
        )
        with lock:
            results.append(("quota", status, body))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def test_simultaneous_writes_on_sqlite_all_succeed(server: tuple[str, Path]) -> None:
    base, database = server
    with sqlite3.connect(database) as conn:
        townships = [
            code
            for (code,) in conn.execute(
                "SELECT code FROM regions_region WHERE level = 'township' ORDER BY code"
            )
        ]
    assert len(townships) == 10
    results = _run_clients(base, townships)
    assert len(results) == 2 * CLIENTS
    failed = [(kind, status, body[:200]) for kind, status, body in results if status != 302]
    assert not failed, (f"{len(failed)} of {len(results)} requests failed", failed)
    with sqlite3.connect(database) as conn:
        (entries,) = conn.execute("SELECT COUNT(*) FROM townships_quotaledgerentry").fetchone()
    assert entries == CLIENTS


JOBS = 24
WORKER = """
import sys
import django
django.setup()
from bianzhi.audit.services import audit_record
from bianzhi.jobs.services import JobOutput, job_kind, jobs_run_pending

@job_kind("test.write", "测试写入")
def write(*, params, actor, progress):
    progress(0, 2, "开始")
    audit_record(actor=None, action="create", object_type="test.job", object_id=str(params["n"]))
    progress(2, 2, "完成")
    return JobOutput(result={"n": params["n"]})

if sys.argv[1] == "enqueue":
    from bianzhi.jobs.services import job_enqueue
    for n in range(int(sys.argv[2])):
        job_enqueue(kind="test.write", params={"n": n}, actor=None, region=None)
else:
    jobs_run_pending()
"""


def test_workers_claim_each_job_once_while_the_web_writes(server: tuple[str, Path]) -> None:
    """Three `bianzhi worker`s race for the queue (compare-and-set claims)
    while twelve web clients write: every job runs exactly once, none fails."""
    base, database = server
    env = _env(database.parent)
    subprocess.run([sys.executable, "-c", WORKER, "enqueue", str(JOBS)], env=env, check=True)
    with sqlite3.connect(database) as conn:
        townships = [
            code
            for (code,) in conn.execute(
                "SELECT code FROM regions_region WHERE level = 'township' ORDER BY code"
            )
        ]
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER, "run"], env=env, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    results = _run_clients(base, townships)
    errors = [w.communicate(timeout=300)[1].decode() for w in workers]
    assert all(w.returncode == 0 for w in workers), errors
    assert [status for _, status, _ in results] == [302] * (2 * CLIENTS)
    with sqlite3.connect(database) as conn:
        statuses = dict(conn.execute("SELECT status, COUNT(*) FROM jobs_job GROUP BY status"))
        runs = conn.execute(
            "SELECT object_id, COUNT(*) FROM audit_auditrecord WHERE object_type = 'test.job' "
            "GROUP BY object_id"
        ).fetchall()
    assert statuses == {"done": JOBS}
    assert sorted(int(n) for n, _ in runs) == list(range(JOBS))
    assert all(count == 1 for _, count in runs)
