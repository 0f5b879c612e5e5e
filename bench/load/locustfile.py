"""The simulated users of the load test (issue 16 §3).

Every user logs in through the login form (or, for the API clients, uses a
token issued by fixtures.py) and then clicks through its role's pages with
a short pause (0.1–0.5 s): the capacity run measures what the server can
carry, so the users must keep it busy; with minutes-long human pauses 50
users would not load it at all. The paced run (BIANZHI_LOAD_PACE=seconds,
`python -m bench.load --pace 5`) measures response times at an office's
rate instead: each user pauses 2.5–7.5 s (PACE/2 to 3·PACE/2) between
requests, so the times are not queueing behind a saturated server. Request names are the URL patterns, so the table groups
e.g. every county's dashboard under one row.

* county 编办管理员 (19): home, the county dashboard, the roster with filters,
  the county's township page, plan list and a plan, institutions, findings;
* city 只读 (10): home, the city and county dashboards, plans, roster lists;
* township users (15): home, their township, its roster and institutions;
* API clients (5, tokens): the list endpoints with filters;
* one importer: every minute uploads a 6,000-row roster of 大英县 (preview
  validated in the request), confirms it (the roster.import background job
  writes it), and follows the job page until it is done.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, constant_pacing, events, task

CONFIG = json.loads(Path(os.environ["BIANZHI_LOAD_USERS"]).read_text())
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_STATUS = re.compile(r'data-status="(\w+)"')
_POOLS: dict[str, list[dict[str, Any]]] = {}


def _take(kind: str) -> dict[str, Any]:
    """Each simulated user its own account (the session limit counts per account)."""
    pool = _POOLS.setdefault(kind, list(CONFIG[kind]))
    return pool.pop(0) if pool else random.choice(CONFIG[kind])


_READY = {"users": 0}
# 0: the capacity run's short pauses; > 0: a pause of PACE s on average
# between a user's requests, drawn at random from PACE/2 to 3·PACE/2 (a fixed
# pace would keep the 50 users, who start together, clicking in step: bursts
# of 50 requests every PACE seconds, which no office produces).
PACE = float(os.environ.get("BIANZHI_LOAD_PACE", "0") or 0)
WAIT = between(PACE / 2, PACE * 3 / 2) if PACE > 0 else between(0.1, 0.5)


def _logged_in(environment: Any) -> None:
    """Once every simulated user has logged in (or has its token), start the
    measurement afresh: the login burst (one deliberately slow password hash
    each) is not the steady state the table reports."""
    _READY["users"] += 1
    if _READY["users"] == sum(len(CONFIG[k]) for k in ("county", "city", "township", "api", "importer")):
        environment.runner.stats.reset_all()
        # Measure for BIANZHI_LOAD_SECONDS from here, then stop (locust's own
        # run time would include the logins).
        start = (time.monotonic(), server_cpu_seconds(), os.getloadavg()[0])

        def stop() -> None:
            window = {"wall_s": time.monotonic() - start[0], "server_cpu_s": server_cpu_seconds() - start[1],
                      "load": [start[2], os.getloadavg()[0]]}
            Path(os.environ["BIANZHI_LOAD_WINDOW"]).write_text(json.dumps(window))
            environment.runner.quit()

        gevent.spawn_later(float(os.environ.get("BIANZHI_LOAD_SECONDS", "60")), stop)


def server_cpu_seconds() -> float:
    """CPU time of the server's processes (gunicorn master, workers, job worker)."""
    import psutil

    total = 0.0
    try:
        root = psutil.Process(int(os.environ["BIANZHI_LOAD_SERVER_PID"]))
        for proc in [root, *root.children(recursive=True)]:
            times = proc.cpu_times()
            total += times.user + times.system
    except (psutil.Error, KeyError, ValueError):
        pass
    return total


class _Browser(HttpUser):
    abstract = True
    wait_time = WAIT
    kind = ""

    def on_start(self) -> None:
        self.account = _take(self.kind)
        page = self.client.get("/accounts/login/", name="登录页")
        token = _CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            data={"username": self.account["username"], "password": CONFIG["password"],
                  "csrfmiddlewaretoken": token.group(1) if token else "", "next": "/"},
            headers={"Referer": self.host + "/accounts/login/"},
            name="登录（口令哈希）",
        )

        _logged_in(self.environment)

    def page(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


class CountyUser(_Browser):
    fixed_count = 19
    kind = "county"

    @task(3)
    def home(self) -> None:
        self.page("/", "/ 首页")

    @task(3)
    def dashboard(self) -> None:
        self.page(f"/dashboards/{self.account['region']}/", "/dashboards/<县>/")

    @task(4)
    def roster(self) -> None:
        township = random.choice(self.account["townships"])
        query = random.choice([f"region={township}", f"region={township}&status=on-post",
                               "quota_type=行政编制", "post_category=leader", "grade=优秀", "page=2"])
        self.page(f"/roster/?{query}", "/roster/?筛选")

    @task(2)
    def county(self) -> None:
        self.page(f"/townships/county/{self.account['region']}/", "/townships/county/<县>/")

    @task(1)
    def township(self) -> None:
        self.page(f"/townships/{random.choice(self.account['townships'])}/", "/townships/<乡镇>/")

    @task(1)
    def plans(self) -> None:
        self.page("/plans/", "/plans/")

    @task(2)
    def plan(self) -> None:
        if self.account["plans"]:
            self.page(f"/plans/{random.choice(self.account['plans'])}/", "/plans/<方案>/")

    @task(1)
    def institutions(self) -> None:
        self.page(f"/institutions/county/{self.account['region']}/", "/institutions/county/<县>/")

    @task(1)
    def findings(self) -> None:
        self.page(random.choice(["/rules/findings/", "/rules/findings/?severity=block"]), "/rules/findings/?筛选")


class CityUser(_Browser):
    fixed_count = 10
    kind = "city"

    @task(2)
    def home(self) -> None:
        self.page("/", "/ 首页")

    @task(3)
    def city_dashboard(self) -> None:
        self.page(f"/dashboards/{self.account['region']}/", "/dashboards/<市>/")

    @task(2)
    def county_dashboard(self) -> None:
        self.page(f"/dashboards/{random.choice(self.account['counties'])}/", "/dashboards/<县>/")

    @task(1)
    def plans(self) -> None:
        self.page("/plans/", "/plans/")

    @task(1)
    def plan(self) -> None:
        if self.account["plans"]:
            self.page(f"/plans/{random.choice(self.account['plans'])}/", "/plans/<方案>/")

    @task(2)
    def roster(self) -> None:
        query = random.choice(["status=seconded-out", "quota_type=事业编制", "enforcement=1", ""])
        self.page(f"/roster/?{query}", "/roster/?筛选")


class TownshipUser(_Browser):
    fixed_count = 15
    kind = "township"

    @task(2)
    def home(self) -> None:
        self.page("/", "/ 首页")

    @task(2)
    def own(self) -> None:
        self.page(f"/townships/{self.account['region']}/", "/townships/<乡镇>/")

    @task(3)
    def roster(self) -> None:
        query = random.choice(["", "status=on-post", "quota_type=行政编制", "q=王"])
        self.page(f"/roster/?{query}", "/roster/?筛选")

    @task(1)
    def institutions(self) -> None:
        self.page(f"/institutions/township/{self.account['region']}/", "/institutions/township/<乡镇>/")


class ApiClient(HttpUser):
    fixed_count = 5
    wait_time = WAIT

    def on_start(self) -> None:
        self.account = _take("api")
        self.client.headers["Authorization"] = f"Token {self.account['token']}"
        _logged_in(self.environment)

    def get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task(3)
    def persons(self) -> None:
        township = random.choice(self.account["townships"])
        query = random.choice([f"township={township}", f"township={township}&status=on-post", "quota_type=行政编制"])
        self.get(f"/api/v1/persons/?{query}", "API /api/v1/persons/?筛选")

    @task(2)
    def townships(self) -> None:
        self.get("/api/v1/townships/", "API /api/v1/townships/")

    @task(2)
    def institutions(self) -> None:
        self.get("/api/v1/institutions/", "API /api/v1/institutions/")

    @task(1)
    def findings(self) -> None:
        self.get("/api/v1/findings/", "API /api/v1/findings/")

    @task(1)
    def plans(self) -> None:
        self.get("/api/v1/plans/", "API /api/v1/plans/")


class Importer(_Browser):
    fixed_count = 1
    kind = "importer"
    wait_time = constant_pacing(60)

    def on_start(self) -> None:
        super().on_start()
        self.turn = 0

    @task
    def import_roster(self) -> None:
        path = self.account["files"][self.turn % len(self.account["files"])]
        self.turn += 1
        form = self.client.get("/roster/import/", name="导入：表单")
        token = _CSRF.search(form.text)
        csrf = token.group(1) if token else ""
        referer = {"Referer": self.host + "/roster/import/"}
        with open(path, "rb") as handle:
            preview = self.client.post(
                "/roster/import/", data={"csrfmiddlewaretoken": csrf},
                files={"file": (Path(path).name, handle,
                                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
                headers=referer, name="导入：上传并校验（6,000 行）")
        token = _CSRF.search(preview.text)
        with self.client.post("/roster/import/", data={"csrfmiddlewaretoken": token.group(1) if token else csrf,
                                                        "commit": "1"},
                              headers=referer, name="导入：确认（转后台任务）", allow_redirects=False,
                              catch_response=True) as r:
            job = r.headers.get("Location", "")
            if r.status_code != 302 or "/jobs/" not in job:
                r.failure(f"HTTP {r.status_code} {job}")
                return
        start = time.monotonic()
        while time.monotonic() - start < 50:
            # The progress fragment the page polls (HTMX), as the browser does.
            status = self.client.get(job, name="/jobs/<任务>/ 进度", headers={"HX-Request": "true"})
            state = _STATUS.search(status.text)
            if state and state.group(1) in ("done", "failed"):
                events.request.fire(request_type="JOB", name="导入任务（6,000 行，后台）",
                                    response_time=(time.monotonic() - start) * 1000, response_length=0,
                                    exception=None if state.group(1) == "done" else RuntimeError("任务失败"),
                                    context={})
                return
            time.sleep(2)
