"""`bianzhi check` and `/healthz`: what they report, and that the public
endpoint reveals nothing but check names and ok/fail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner

from bianzhi.cli.main import main
from bianzhi.jobs.models import WorkerHeartbeat
from bianzhi.jobs.periodic import heartbeat
from bianzhi.kernel import clock as kclock

pytestmark = pytest.mark.django_db


def test_healthz_needs_no_login_and_names_only_checks(client: Any, settings: Any) -> None:
    settings.BIANZHI_BACKUP_INTERVAL_HOURS = 24
    response = client.get("/healthz")
    assert response.status_code == 200  # database, migrations and disk are fine
    body = response.json()
    assert set(body["checks"]) == {"database", "migrations", "worker", "disk", "fonts", "backup"}
    assert set(body["checks"].values()) <= {"ok", "fail"}
    # No worker has run and there is no backup: degraded, not down.
    assert body["status"] == "degraded"
    assert body["checks"]["worker"] == "fail" and body["checks"]["backup"] == "fail"
    text = response.content.decode()
    for secret in (str(settings.DATA_DIR), settings.DATABASES["default"]["NAME"], "sqlite", "postgres"):
        assert str(secret) not in text


def test_healthz_is_503_when_the_disk_is_full(client: Any, settings: Any) -> None:
    settings.BIANZHI_MIN_FREE_MB = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"] == "fail"


def test_check_exits_non_zero_with_chinese_reasons(settings: Any) -> None:
    settings.BIANZHI_BACKUP_INTERVAL_HOURS = 24
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "[正常] 数据库" in result.output
    assert "[异常] 后台任务进程：没有后台任务进程运行过" in result.output
    assert "[异常] 备份：还没有通过校验的备份" in result.output


def test_a_silent_worker_is_reported_after_five_minutes(settings: Any, clock: Any) -> None:
    settings.BIANZHI_BACKUP_INTERVAL_HOURS = 0
    clock(dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC))
    heartbeat("host:1")
    assert "[正常] 后台任务进程" in CliRunner().invoke(main, ["check"]).output
    clock(kclock.now() + dt.timedelta(minutes=6))
    result = CliRunner().invoke(main, ["check"])
    assert "后台任务进程已 6 分钟没有心跳" in result.output
    assert WorkerHeartbeat.objects.get().name == "host:1"
