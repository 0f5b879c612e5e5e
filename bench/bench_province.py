"""Province-scale benchmarks on the paths users run (issue 16 §2): all rules
for a province, the province dashboard page, and the 三定方案 PDFs of one
county as a background job.

The database is the one bench_roster builds (四川省: 183 counties, 3,111
townships, 150,000 persons; SQLite in a temporary directory, or PostgreSQL
with BIANZHI_DATABASE_URL). Each row's baseline is the code as it stood
before issue 16, run in the same process on the same data, and each result
is checked against it:

* rules.province: `findings_evaluate` (the roster as tallies, one GROUP BY);
  baseline: the per-county path, county by county (`county_facts`, one
  PersonState per person, `settings_for`, `evaluate`); the findings must be
  the same, in the same order.
* dashboard.province: GET /dashboards/51/ through the Django test client.
  The page's 执法 and 资产 tables have one row per city (21 rows, each name
  linking to the city's dashboard), as its roster table does: an overseer
  reads the level below and drills down; 3,111 township rows (about 1 MB
  of HTML) were neither readable nor cheap. Baseline: the same request as
  the page stood before issue 16, its templates (reference_templates/) and
  its per-township figures (reference_figures.py, counted case by case in
  Python). Checked: each city row equals the sum of its townships' rows
  in the baseline page (its embedded per-township figures; the average
  days to close from the cases, one plain query), and the rest of the
  page and the chart JSON equal the baseline's (two later changes to the
  page taken back: the shared chart script, 超编N for a negative vacancy).
* documents.sanding_county_pdf_job: the `reports.sanding_batch` job (PDF)
  for a county of 30 townships, queued and run by the database-queue
  worker code, with its progress; checked: a zip with one PDF per township
  plus the 备案报告, progress at its total.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from bench import bench_roster as roster
from bench.runner import Benchmark

OLD_TEMPLATES = Path(__file__).resolve().parent / "reference_templates"


# --- all rules for a province ------------------------------------------------


def rules_setup() -> Any:
    return roster.rules_setup()


def rules_run(region: Any) -> list[Any]:
    from bianzhi.rules.services import findings_evaluate

    return [c.findings for c in findings_evaluate(region)]


def rules_per_county(region: Any) -> list[Any]:
    """Before issue 16: every county on its own, each person an object."""
    from bianzhi.core.rules import evaluate
    from bianzhi.kernel import clock
    from bianzhi.regions.models import Level, Region
    from bianzhi.rules.facts import county_facts, settings_for

    today = clock.today()
    return [
        evaluate(county_facts(county, today=today), settings_for(county.code), today=today)
        for county in Region.objects.filter(level=Level.COUNTY, province_code=region.code).order_by("code")
    ]


def rules_check(region: Any, result: list[Any], baseline: list[Any]) -> None:
    if result != baseline:
        raise AssertionError("findings differ from the per-county path")
    if not sum(map(len, result)):
        raise AssertionError("no findings: the data does not exercise the rules")


# --- the province dashboard --------------------------------------------------


def dashboard_setup() -> Any:
    return roster.dashboard_setup()


def dashboard_run(client: Any) -> str:
    response = client.get(f"/dashboards/{roster.PROVINCE}/")
    assert response.status_code == 200, response.status_code
    return str(response.content.decode("utf-8"))


def dashboard_before(client: Any) -> str:
    """The same request as the page stood before issue 16: its templates
    (reference_templates/) and its enforcement and asset figures
    (reference_figures: one row per township, counted in Python)."""
    from unittest import mock

    from django.conf import settings
    from django.test.utils import override_settings

    from bench import reference_figures
    from bianzhi.dashboards import views

    engine = {**settings.TEMPLATES[0]}
    options = {k: v for k, v in engine.get("OPTIONS", {}).items() if k != "loaders"}
    old = {
        name: (OLD_TEMPLATES / name.replace("/", "__")).read_text(encoding="utf-8")
        for name in ("dashboards/region.html", "dashboards/_issue15.html")
    }
    loaders = [
        ("django.template.loaders.locmem.Loader", old),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    with (
        override_settings(TEMPLATES=[{**engine, "APP_DIRS": False, "OPTIONS": {**options, "loaders": loaders}}]),
        # The old figures counted the enforcement staff themselves.
        mock.patch.object(views, "enforcement_figures",
                          lambda *, staff, **kw: reference_figures.enforcement_figures(**kw)),
        mock.patch.object(views, "asset_figures", reference_figures.asset_figures),
    ):
        return dashboard_run(client)


# The CSRF token is masked anew on every response.
_TOKEN = re.compile(r"[A-Za-z0-9]{64}")
_SCRIPT = re.compile(r'<script id="dashboard-data" type="application/json">(.*?)</script>', re.S)
# The enforcement and asset tables: per township before, per city now.
_TABLE = re.compile(r'<table(?: data-testid="[a-z-]+")?>\s*<thead><tr><th>[^<]*</th><th class="num">(案件|资产)</th>.*?</table>', re.S)
_ROW = re.compile(r'<tr><td><a href="/dashboards/(\d+)/">[^<]*</a></td>((?:<td class="num">[^<]*</td>)+)</tr>')
_CELL = re.compile(r'<td class="num">([^<]*)</td>')
_CHARTS = re.compile(r'<script src="[^"]*/bianzhi/charts\.js" defer></script>\n')
_VACANCY = re.compile(r"/超编(\d+)</td>")
ENFORCEMENT_COLUMNS = ("cases", "open", "closed", "transferred", "average_days_to_close", "certificate_rate")
ASSET_COLUMNS = ("total", "idle", "revitalised", "idle_share", "revitalised_share", "closed_plans")


def _cell(text: str) -> int | float | None:
    text = text.replace(",", "").rstrip("%")
    return None if text == "—" else float(text) if "." in text else int(text)


def _city_rows(page: str, kind: str, columns: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    table = next(m.group(0) for m in _TABLE.finditer(page) if m.group(1) == kind)
    return {
        code: dict(zip(columns, map(_cell, _CELL.findall(cells)), strict=True))
        for code, cells in _ROW.findall(table)
    }


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _by_city(before: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The baseline page's per-township figures (its embedded JSON: the
    counts behind each row of its two tables) summed by city (a township
    code starts with its city's). Average days to close need the days
    themselves: summed here from the cases, one plain query."""
    from bianzhi.enforcement.models import Case

    enforcement: dict[str, dict[str, Any]] = {}
    for t in before["enforcement"]["townships"]:
        city = enforcement.setdefault(t["code"][:4], dict.fromkeys(("cases", "open", "closed", "transferred", "staff", "certified"), 0))
        for key in city:
            city[key] += t[key]
    days: dict[str, list[int]] = {}
    for code, filed, closed in Case.objects.filter(
        status="closed", closed_on__isnull=False, township__province_code=roster.PROVINCE
    ).values_list("township__code", "filed_on", "closed_on"):
        days.setdefault(code[:4], []).append((closed - filed).days)
    for code, city in enforcement.items():
        d = days.get(code, [])
        city["average_days_to_close"] = round(sum(d) / len(d), 1) if d else None
        city["certificate_rate"] = _rate(city.pop("certified"), city.pop("staff"))
    assets: dict[str, dict[str, Any]] = {}
    for t in before["assets"]["townships"]:
        city = assets.setdefault(t["code"][:4], dict.fromkeys(("total", "idle", "revitalised", "closed_plans"), 0))
        for key in city:
            city[key] += t[key]
    for city in assets.values():
        city["idle_share"] = _rate(city["idle"], city["total"])
        city["revitalised_share"] = _rate(city["revitalised"], city["idle"] + city["revitalised"])
    return enforcement, assets


def dashboard_check(client: Any, page: str, before: str) -> None:
    new_json, old_json = (json.loads(_SCRIPT.search(p).group(1)) for p in (page, before))  # type: ignore[union-attr]
    if new_json != {k: v for k, v in old_json.items() if k not in ("enforcement", "assets")}:
        raise AssertionError("the chart data differs")
    # The enforcement and asset tables: one row per city, each the sum of
    # its townships' rows on the baseline page.
    enforcement, assets = _by_city(old_json)
    if _city_rows(page, "案件", ENFORCEMENT_COLUMNS) != enforcement or len(enforcement) < 15:
        raise AssertionError("the enforcement rows are not the sums of the baseline's township rows")
    if _city_rows(page, "资产", ASSET_COLUMNS) != assets:
        raise AssertionError("the asset rows are not the sums of the baseline's township rows")
    if not sum(c["cases"] for c in enforcement.values()) or not sum(c["closed_plans"] for c in assets.values()):
        raise AssertionError("no cases or plans: the data does not exercise the tables")

    # Everything else (figures, totals, the lines by matter and category) as
    # before; two later changes to the page taken back first: the shared
    # chart script, and an excess (a negative vacancy) said as 超编N.
    def rest(p: str) -> str:
        return _TABLE.sub("", _TOKEN.sub("", _SCRIPT.sub("", p)))

    now = _VACANCY.sub(r"/-\1</td>", _CHARTS.sub("", page))
    if rest(now) != rest(before):
        raise AssertionError("the page differs from the pre-issue-16 page")


# --- 三定方案 PDFs of one county as a job -------------------------------------


def pdf_job_setup() -> Any:
    roster._province()
    from bianzhi.regions.models import Level, Region

    counties = Region.objects.filter(level=Level.COUNTY, province_code=roster.PROVINCE).order_by("code")
    for county in counties:
        if Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).count() == 30:
            return county
    raise AssertionError("no county of 30 townships")


def pdf_job_run(county: Any) -> Any:
    from bianzhi.jobs.models import Job
    from bianzhi.jobs.services import job_enqueue, jobs_run_pending
    from bianzhi.kernel import clock
    from bianzhi.reports.jobs import SANDING_BATCH

    Job.objects.filter(kind=SANDING_BATCH).delete()
    job = job_enqueue(kind=SANDING_BATCH, params={"county": county.code, "on": clock.today().isoformat(),
                                                  "format": "pdf"}, actor=None, region=county)  # fmt: skip
    assert jobs_run_pending(limit=1) == 1
    job.refresh_from_db()
    return job


def pdf_job_check(county: Any, job: Any, _baseline: Any) -> None:
    from django.core.files.storage import default_storage

    from bianzhi.regions.models import Region

    if job.status != "done":
        raise AssertionError(f"job {job.status}: {job.error}")
    with default_storage.open(job.result_file) as fh:
        names = zipfile.ZipFile(io.BytesIO(fh.read())).namelist()
    townships = Region.objects.filter(level="township", county_code=county.code).count()
    if len(names) != townships + 1 or not all(n.endswith(".pdf") for n in names):
        raise AssertionError(f"{len(names)} files for {townships} townships")
    if job.progress != job.total or job.total != townships + 1:
        raise AssertionError(f"progress {job.progress}/{job.total}")


# The same rows on PostgreSQL (BIANZHI_DATABASE_URL) are kept beside the
# SQLite ones in the table, under their own names.
_POSTGRES = os.environ.get("BIANZHI_DATABASE_URL", "").startswith("postgres")
_DB = "PostgreSQL" if _POSTGRES else "SQLite"


def _named(benchmark: Benchmark) -> Benchmark:
    suffix = ".postgresql" if _POSTGRES else ""
    return dataclasses.replace(
        benchmark, name=benchmark.name + suffix, description=f"{benchmark.description}；{_DB}"
    )


BENCHMARKS = [
    Benchmark(
        name="rules.province",
        description="全省各县全部规则检查（四川 183 个县、150,000 人，只计算）",
        setup=rules_setup,
        run=rules_run,
        target_s=0.5,
        baseline=rules_per_county,
        baseline_name="改前的逐县路径（逐人对象、逐县查询）",
        baseline_repeat=1,
        check=rules_check,
        repeat=5,
        note="SQLite 的 CPU 时间约三分之一在名册的一次分组统计（在本进程内），其余在其他查询、组装和 183 个县的规则计算"
        "（约 150 ms）；PostgreSQL 的墙钟时间另含数据库服务器上的分组统计（约 100–200 ms）；本机负载高时墙钟和 CPU 时间都随之上升",
    ),
    Benchmark(
        name="rules.province_refresh",
        description="全省各县全部规则检查并保存结果",
        setup=rules_setup,
        run=lambda region: len(__import__("bianzhi.rules.services", fromlist=["x"]).findings_refresh(region=region)),
        repeat=3,
    ),
    Benchmark(
        name="dashboard.province",
        description="省级统计图页面（3,111 个乡镇，150,000 人；Django 测试客户端，整页）",
        setup=dashboard_setup,
        run=dashboard_run,
        target_s=0.15,
        baseline=dashboard_before,
        baseline_name="改前的模板（逐乡镇模板循环、整份数据嵌入页面）",
        check=dashboard_check,
        repeat=5,
        note="执法、资产两张表按市分行（21 行，原为 3,111 个乡镇）；余下的 CPU 时间主要在名册按市的分组统计（15 万人，8 个条件计数，SQLite 在本进程内执行）和其余分组查询，其次是模板；墙钟时间受测量时本机负载影响",
    ),
    Benchmark(
        name="documents.sanding_county_pdf_job",
        description="一个县 30 个乡镇的三定方案 PDF：后台任务（数据库队列），含进度",
        setup=pdf_job_setup,
        run=pdf_job_run,
        target_s=30.0,
        check=pdf_job_check,
        repeat=1,
        note="31 份 PDF（含备案报告）由 WeasyPrint 逐份排版，共约 14 s CPU；墙钟时间是 CPU 时间的约 6 倍，因测量时 2 核上的 1 分钟负载约为 10",
    ),
]
BENCHMARKS = [_named(b) for b in BENCHMARKS]
