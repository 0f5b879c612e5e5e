"""Roster, dashboard and rule benchmarks (issue 5 §8).

Runs against a throw-away database: SQLite in a temporary directory by
default, PostgreSQL when BIANZHI_DATABASE_URL is set (use an empty database:
the benchmark migrates it and deletes roster rows between runs). The data is
四川省 (3,111 townships in the shipped official tree) with generated
approved quotas, institutions, ledgers and persons.

* roster.import_100k: a 100,000-row .xlsx (the import template's columns,
  generated once and cached in the temp directory) parsed, validated and
  committed with one audit record per person, rules refreshed for every
  county touched. Each run first deletes the previous run's persons and
  their audit records with two SQL DELETEs (counted in the time).
The dashboard and rule rows on this data, with their baselines, are in
bench_province.py (issue 16).
"""

from __future__ import annotations

import os
import random
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from bench.runner import Benchmark

WORK = Path(os.environ.get("BIANZHI_BENCH_DIR", Path(tempfile.gettempdir()) / "bianzhi-bench-roster"))
IMPORT_ROWS = 100_000
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


def _roster_file() -> Path:
    """The 100,000-row import file (generated once: about 15 s)."""
    path = WORK / f"roster_{IMPORT_ROWS}_{PROVINCE}.xlsx"
    if path.exists():
        return path
    from openpyxl import Workbook

    from bianzhi.roster.demo import GIVEN, SURNAMES, _id_number
    from bianzhi.roster.importing import HEADERS

    townships = _province()
    rng = random.Random(5)
    used: set[str] = set()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("实名制名册")
    sheet.append(HEADERS)
    for n in range(IMPORT_ROWS):
        township = townships[n % len(townships)]
        status = "借调出" if n % 40 == 0 else "在岗"
        sheet.append([
            _id_number(rng, township.code[:6], used), rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            township.code, "综合办公室" if n % 2 else "便民服务中心", "行政编制" if n % 2 else "事业编制",
            "领导" if n % 25 == 0 else "一般", "是" if n % 12 == 0 else "否", status,
            "县委办公室" if status == "借调出" else "", date(2023, 3, 1) if status == "借调出" else None,
            date(2010 + n % 12, 1 + n % 12, 1), "考录", None, "大学本科",
            f"ZF{n:06d}" if n % 12 == 0 else "", date(2030, 12, 31) if n % 12 == 0 else None,
            "优秀" if n % 7 == 0 else "称职",
        ])
    workbook.save(path)
    return path


def _clear_roster() -> None:
    # Audit records cannot be deleted through the ORM (by design); the
    # benchmark resets its own data with plain SQL.
    from django.db import connection

    from bianzhi.audit.models import AuditRecord
    from bianzhi.roster.models import Person

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditRecord._meta.db_table} WHERE object_type = %s", ["roster.person"])
        cursor.execute(f"DELETE FROM {Person._meta.db_table}")


def import_setup() -> Path:
    _province()
    return _roster_file()


def import_run(path: Path) -> Any:
    from bianzhi.roster.importing import roster_import

    _clear_roster()
    result = roster_import(actor=None, source=path, filename=path.name)
    assert result.created == IMPORT_ROWS, result
    return result


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


def dashboard_setup() -> Any:
    _django()
    from django.test import Client

    from bianzhi.accounts.models import User
    from bianzhi.regions.models import Region
    from bianzhi.rules.services import findings_refresh

    _province()
    _fill_roster(DASHBOARD_PERSONS)
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
        name="roster.import_100k",
        description="(a) 100,000 行实名制名册 .xlsx：读取、全部校验、写入并逐人审计、规则重查",
        setup=import_setup,
        run=import_run,
        target_s=30.0,
        repeat=2,
        extra={"rows": IMPORT_ROWS},
    ),
]
