"""Roster import benchmark (issue 5 §8, issue 16 §2).

Runs against a throw-away database: SQLite in a temporary directory by
default, PostgreSQL when BIANZHI_DATABASE_URL is set (use an empty database:
the benchmark migrates it and deletes roster rows between runs). The data is
四川省 (3,111 townships in the shipped official tree) with generated
approved quotas, institutions, ledgers and persons.

* roster.import_1m.<database>: a 1,000,000-row .xlsx (the import template's
  columns, generated once into the cache directory) imported by the command
  a user runs, `bianzhi import roster`, in a child process (its peak memory
  is recorded): parsed, validated and committed with one audit record per
  person, rules refreshed for every county touched. Before each run the
  roster and its audit records are emptied with two SQL DELETEs (not timed). The
  baseline: django-import-export (bench/roster_resource.py) importing the
  same file's first 10,000 rows; both must store the same persons.
The dashboard and rule rows on this data, with their baselines, are in
bench_province.py (issue 16).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.runner import Benchmark

WORK = Path(os.environ.get("BIANZHI_BENCH_DIR", Path(tempfile.gettempdir()) / "bianzhi-bench-roster"))
IMPORT_ROWS = 1_000_000
BASELINE_ROWS = 10_000
POSTGRES = os.environ.get("BIANZHI_DATABASE_URL", "").startswith("postgres")
# The Person fields compared between the product's import and the baseline.
_COMPARED = ("name", "gender", "birth_date", "region_id", "institution_id", "quota_type", "post_category",
             "is_enforcement_staff", "status", "secondment_unit", "secondment_start", "entry_date", "entry_way",
             "education", "certificate_number", "certificate_expiry", "assessment_grade", "exited_on")
_IMPORT_EXTRA: dict[str, Any] = {"rows": IMPORT_ROWS}
DASHBOARD_PERSONS = 150_000
PROVINCE = "51"
_STATE: dict[str, Any] = {}


def _django() -> None:
    if _STATE.get("django"):
        return
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.web.settings")
    os.environ.setdefault("BIANZHI_VAR_DIR", str(WORK / "var"))
    os.environ["BIANZHI_DEBUG"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    # No collectstatic here: serve pages with the plain storage (as the tests do).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    _STATE["django"] = True


def _province() -> Any:
    """四川省 with approved quotas, one office and one centre with ledgers per
    township (idempotent)."""
    if "province" in _STATE:
        return _STATE["province"]
    _django()
    from bianzhi.institutions.models import Institution, InstitutionLedgerEntry
    from bianzhi.regions.models import Level, Region
    from bianzhi.regions.services import regions_import
    from bianzhi.townships.models import ApprovedQuota

    # A database that holds only the demo counties of the province has its row
    # but not its 3,111 townships: count townships, not the province.
    if Region.objects.filter(level=Level.TOWNSHIP, province_code=PROVINCE).count() < 3000:
        regions_import(only=[PROVINCE])
    townships = list(Region.objects.filter(level=Level.TOWNSHIP, province_code=PROVINCE).order_by("code"))
    with_quota = set(ApprovedQuota.objects.filter(township__province_code=PROVINCE).values_list("township_id", flat=True))
    if len(with_quota) < len(townships):
        ApprovedQuota.objects.bulk_create(
            [ApprovedQuota(township=t, quota_type=q, count=n) for t in townships if t.pk not in with_quota
             for q, n in (("行政编制", 28), ("事业编制", 26))], batch_size=5000)
    with_institutions = set(Institution.objects.filter(region__province_code=PROVINCE).values_list("region_id", flat=True))
    if len(with_institutions) < len(townships):
        institutions = [Institution(region=t, name=name, kind=kind, established_on=date(2021, 1, 1))
                        for t in townships if t.pk not in with_institutions for name, kind in (("综合办公室", "office"), ("便民服务中心", "public-institution"))]
        Institution.objects.bulk_create(institutions, batch_size=5000)
        entries = []
        for i in Institution.objects.filter(region__province_code=PROVINCE).exclude(region_id__in=with_institutions):
            items = (("行政编制", 28), ("leader-chief", 2), ("leader-deputy", 5)) if i.kind == "office" else (("事业编制", 26),)
            entries += [InstitutionLedgerEntry(institution=i, region_id=i.region_id, item=item, delta=n,
                                    effective_on=date(2021, 1, 1), document_number="川委编发〔2021〕1号",
                                    reason="基准数据") for item, n in items]
        InstitutionLedgerEntry.objects.bulk_create(entries, batch_size=5000)
    _STATE["province"] = townships
    return townships


def _roster_rows(townships: list[Any]) -> Iterator[list[Any]]:
    """The import file's rows (the template's 17 columns), fixed seed."""
    from bianzhi.roster.demo import GIVEN, SURNAMES, _id_number

    rng = random.Random(5)
    used: set[str] = set()
    for n in range(IMPORT_ROWS):
        township = townships[n % len(townships)]
        status = "借调出" if n % 40 == 0 else "在岗"
        yield [
            _id_number(rng, township.code[:6], used), rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            township.code, "综合办公室" if n % 2 else "便民服务中心", "行政编制" if n % 2 else "事业编制",
            "领导" if n % 25 == 0 else "一般", "是" if n % 12 == 0 else "否", status,
            "县委办公室" if status == "借调出" else "", date(2023, 3, 1) if status == "借调出" else None,
            date(2010 + n % 12, 1 + n % 12, 1), "考录", None, "大学本科",
            f"ZF{n:07d}" if n % 12 == 0 else "", date(2030, 12, 31) if n % 12 == 0 else None,
            "优秀" if n % 7 == 0 else "称职",
        ]


def _roster_files() -> tuple[Path, Path]:
    """The 1,000,000-row import file and a file of its first 10,000 rows (the
    baseline's), generated once into the cache directory (a few minutes)."""
    big = WORK / f"roster_{IMPORT_ROWS}_{PROVINCE}.xlsx"
    head = WORK / f"roster_{IMPORT_ROWS}_{PROVINCE}_first{BASELINE_ROWS}.xlsx"
    if big.exists() and head.exists():
        return big, head
    townships = _province()
    from openpyxl import Workbook

    from bianzhi.roster.importing import HEADERS

    books = {path: Workbook(write_only=True) for path in (big, head)}
    sheets = {path: book.create_sheet("实名制名册") for path, book in books.items()}
    for sheet in sheets.values():
        sheet.append(HEADERS)
    for n, row in enumerate(_roster_rows(townships)):
        sheets[big].append(row)
        if n < BASELINE_ROWS:
            sheets[head].append(row)
    for path, book in books.items():
        # Written under another name first: an interrupted run leaves no
        # half-written file that the next run would take as the cache.
        partial = path.with_suffix(".partial.xlsx")
        book.save(partial)
        partial.replace(path)
    return big, head


def _clear_roster() -> None:
    # Audit records cannot be deleted through the ORM, nor (audit.dbguard's
    # triggers) through SQL: the benchmark's throw-away database lifts the
    # triggers for the one transaction that resets its own data.
    from django.db import connection, transaction

    from bianzhi.audit import dbguard
    from bianzhi.audit.models import AuditRecord
    from bianzhi.roster.models import Person

    with transaction.atomic(), connection.cursor() as cursor:
        for statement in dbguard.drop_sql(connection.vendor):
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {AuditRecord._meta.db_table} WHERE object_type = %s", ["roster.person"])
        cursor.execute(f"DELETE FROM {Person._meta.db_table}")
        for statement in dbguard.create_sql(connection.vendor):
            cursor.execute(statement)


@dataclass
class ImportState:
    path: Path
    head: Path
    head_ids: list[str]
    peak_kib: list[int]


def import_setup() -> ImportState:
    _province()
    path, head = _roster_files()
    from bianzhi.adapters.xlsx_columns import read_rows
    from bianzhi.roster.importing import COLUMNS

    head_ids = [str(values["id_number"]) for _, values in read_rows(head, COLUMNS, filename=head.name)]
    return ImportState(path, head, head_ids, [])


# The command a user runs for the largest files (the web's background job
# calls the same service); the child reports its peak memory (ru_maxrss).
_CHILD = """
import resource, sys
from pathlib import Path
from bianzhi.cli.main import main
out = Path(sys.argv.pop())
try:
    main()
finally:
    out.write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
"""


def import_run(state: ImportState) -> dict[str, tuple[Any, ...]]:
    """`bianzhi import roster <1,000,000 行.xlsx>` in a child process, on an
    empty roster; returns the first 10,000 rows' persons as stored."""
    peak = WORK / "import-peak-kib"
    subprocess.run([sys.executable, "-c", _CHILD, "import", "roster", str(state.path), str(peak)],
                   check=True, stdout=subprocess.DEVNULL, env=os.environ.copy())
    state.peak_kib.append(int(peak.read_text()))
    _IMPORT_EXTRA["peak_memory_mb"] = max(state.peak_kib) / 1024
    from bianzhi.roster.models import Person

    assert Person.objects.count() == IMPORT_ROWS
    return _stored(state.head_ids)


def _stored(ids: list[str]) -> dict[str, tuple[Any, ...]]:
    """The stored fields of the persons with these identity numbers (the
    ones both importers set; service_period_end only the product fills in
    from the county's rule, see roster_resource)."""
    from bianzhi.roster.models import Person

    names = [f for f in _COMPARED]
    out: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 2000):
        for values in Person.objects.filter(id_number__in=ids[start:start + 2000]).values_list("id_number", *names):
            out[values[0]] = values[1:]
    return out


def import_baseline(state: ImportState) -> dict[str, tuple[Any, ...]]:
    """django-import-export importing the same file's first 10,000 rows."""
    from bench.roster_resource import import_rows

    import_rows(state.head)
    return _stored(state.head_ids)


def import_check(state: ImportState, result: Any, baseline: Any) -> None:
    assert len(result) == BASELINE_ROWS and result == baseline, "两种导入写入的人员不一致"


def _fill_roster(count: int) -> None:
    """`count` persons spread over the province (bulk, no audit: this is
    fixture data for the read benchmarks)."""
    from bianzhi.roster.demo import _id_number
    from bianzhi.roster.models import Person

    if Person.objects.count() == count:
        return
    _clear_roster()
    townships = _province()
    rng = random.Random(7)
    used: set[str] = set()
    batch = []
    for n in range(count):
        t = townships[n % len(townships)]
        batch.append(Person(
            id_number=_id_number(rng, t.code[:6], used), name=f"人员{n}", gender="男", birth_date=date(1980, 1, 1),
            region_id=t.pk, quota_type="行政编制" if n % 2 else "事业编制",
            post_category="leader" if n % 25 == 0 else "general", is_enforcement_staff=n % 12 == 0,
            certificate_expiry=date(2030, 1, 1) if n % 24 == 0 else None,
            status="seconded-out" if n % 40 == 0 else "on-post", assessment_grade="优秀" if n % 7 == 0 else "称职",
        ))
        if len(batch) == 5000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)


# The five matters' shares of the cases: 5:4:3:2:1, so that the page's
# "按事项" line has one order however it is counted.
_MATTERS = [m for m, n in enumerate((5, 4, 3, 2, 1)) for _ in range(n)]


def _fill_cases_and_assets() -> None:
    """Enforcement cases (0 to 3 a township, every status, closed ones with
    0 to 29 days to close) and public assets (0 to 2 a township, idle and
    revitalised ones with a plan, every other plan crossed off), bulk and
    idempotent: what the dashboard's two issue-15 tables add up."""
    from datetime import timedelta

    from bianzhi.assets.models import Asset, RevitalisationPlan
    from bianzhi.core.assets import IDLE, IN_USE, REVITALISED, TOWN_CATEGORIES
    from bianzhi.enforcement.models import Case

    if Case.objects.exists():
        return
    townships = _province()
    statuses = ("closed", "transferred", "filed", "closed", "investigating", "decided", "closed")
    cases, assets, j = [], [], 0
    for i, t in enumerate(townships):
        for k in range(i % 4):
            status = statuses[j % len(statuses)]
            filed = date(2025, 1, 1) + timedelta(days=j % 300)
            cases.append(Case(
                township_id=t.pk, number=f"综执立〔2025〕{k + 1}号", matter_code=f"M{_MATTERS[j % 15]}",
                matter_name=f"执法事项{_MATTERS[j % 15]}", power_type="处罚", party_kind="organisation",
                party_name="某公司", party_id="91510000MA0000000X", filed_on=filed, status=status,
                closed_on=filed + timedelta(days=(i + k) % 30) if status == "closed" else None,
            ))
            j += 1
        for k in range(i % 3):
            assets.append(Asset(township_id=t.pk, owner="镇", asset_class="办公用房", name=f"资产{k}", origin="原有",
                                registration="已登记", use_status=(IDLE, REVITALISED, IN_USE)[(i + k) % 3]))
    Case.objects.bulk_create(cases, batch_size=2000)
    Asset.objects.bulk_create(assets, batch_size=2000)
    RevitalisationPlan.objects.bulk_create([
        RevitalisationPlan(asset=a, category=TOWN_CATEGORIES[n % len(TOWN_CATEGORIES)], measures="改作办公",
                           responsible_unit="镇政府", deadline=date(2026, 12, 31),
                           status="closed" if n % 2 else "in-progress")
        for n, a in enumerate(Asset.objects.exclude(use_status=IN_USE).order_by("id"))
    ], batch_size=2000)  # fmt: skip


def dashboard_setup() -> Any:
    _django()
    from django.test import Client

    from bianzhi.accounts.models import User
    from bianzhi.regions.models import Region
    from bianzhi.rules.services import findings_refresh

    _province()
    _fill_roster(DASHBOARD_PERSONS)
    _fill_cases_and_assets()
    findings_refresh(region=Region.objects.get(code=PROVINCE))
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_superuser(
        "bench-admin", password="bench-pass-12345")
    client = Client()
    client.force_login(admin)
    return client


def dashboard_run(client: Any) -> int:
    response = client.get(f"/dashboards/{PROVINCE}/")
    assert response.status_code == 200, response.status_code
    return len(response.content)


def rules_setup() -> Any:
    _django()
    from bianzhi.regions.models import Region

    _province()
    _fill_roster(DASHBOARD_PERSONS)
    return Region.objects.get(code=PROVINCE)


def rules_run(region: Any) -> int:
    from bianzhi.rules.services import findings_evaluate

    return sum(len(c.findings) for c in findings_evaluate(region))


def rules_refresh_run(region: Any) -> int:
    from bianzhi.rules.services import findings_refresh

    return len(findings_refresh(region=region))


BENCHMARKS = [
    Benchmark(
        # One row per database: the targets differ (issue 16 §2).
        name="roster.import_1m" + (".postgresql" if POSTGRES else ".sqlite"),
        description=f"(a) 1,000,000 行实名制名册 .xlsx（{'PostgreSQL' if POSTGRES else 'SQLite'}）：bianzhi import roster，"
        "读取、全部校验、写入并逐人审计、规则重查；峰值内存目标 1.5 GB",
        setup=import_setup,
        run=import_run,
        target_s=90.0 if POSTGRES else 60.0,
        baseline=import_baseline,
        baseline_name="django-import-export 逐行导入同一文件的前 10,000 行（关闭逐行历史，无审计），按行数折算",
        baseline_repeat=1,
        baseline_scale=IMPORT_ROWS / BASELINE_ROWS,
        check=import_check,
        before_each=lambda state: _clear_roster(),
        repeat=1,
        warmup=False,
        extra=_IMPORT_EXTRA,
    ),
]
