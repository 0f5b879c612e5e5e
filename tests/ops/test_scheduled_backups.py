"""Scheduled backups by the worker: once per interval whoever calls, verified,
only the newest N kept, listed for system administrators with size and
verification status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.ops.conftest import on_sqlite

from bianzhi.ops.models import BackupRecord, BackupStatus
from bianzhi.ops.services import backup_scheduled

UTC = dt.UTC

# SQLite's online backup waits for open write transactions to end, so these
# tests commit (transaction=True) instead of running inside one. In-process
# backups read the test database through this process's own
# connection; on PostgreSQL pg_dump (another process) cannot see a test's
# uncommitted rows, so the PostgreSQL backup is tested end to end in
# test_backup_restore.py instead.
pytestmark = [pytest.mark.django_db(transaction=True), on_sqlite]


@pytest.fixture
def backups(settings: Any, tmp_path: Path) -> Path:
    settings.BIANZHI_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BIANZHI_BACKUP_INTERVAL_HOURS = 24
    settings.BIANZHI_BACKUP_KEEP = 2
    return tmp_path / "backups"


def test_one_verified_backup_per_day_however_often_the_workers_ask(
    backups: Path, regions: Any, clock: Any
) -> None:
    clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    first = backup_scheduled()
    assert first is not None and first.status == BackupStatus.VERIFIED
    assert Path(first.path).is_file() and first.size == Path(first.path).stat().st_size
    assert first.manifest["tables"]["regions_region"] == len(regions)
    assert first.manifest["version"] and first.manifest["created_at"].startswith("2026-03-01")
    # The audit chain's head where the audit app keeps one (issue 14), else null.
    assert "audit_chain_head" in first.manifest
    clock(dt.datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    assert backup_scheduled() is None  # same day: another worker, or the same one later
    assert BackupRecord.objects.count() == 1


def test_only_the_newest_backups_are_kept(backups: Path, regions: Any, clock: Any) -> None:
    made = []
    for day in (1, 2, 3):
        clock(dt.datetime(2026, 3, day, 2, 0, tzinfo=UTC))
        made.append(backup_scheduled())
    assert all(record is not None for record in made)
    statuses = [BackupRecord.objects.get(pk=r.pk).status for r in made if r]
    assert statuses == [BackupStatus.DELETED, BackupStatus.VERIFIED, BackupStatus.VERIFIED]
    assert sorted(p.name for p in backups.iterdir()) == sorted(Path(r.path).name for r in made[1:] if r)


def test_off_when_the_interval_is_zero(backups: Path, settings: Any, regions: Any) -> None:
    settings.BIANZHI_BACKUP_INTERVAL_HOURS = 0
    assert backup_scheduled() is None
    assert not BackupRecord.objects.exists()


def test_backup_page_lists_size_and_verification_for_administrators_only(
    backups: Path, login: Any, superuser: Any, daying_officer: Any
) -> None:
    record = backup_scheduled()
    assert record is not None
    page = login(superuser).get("/ops/backups/")
    text = page.content.decode()
    assert page.status_code == 200
    assert Path(record.path).name in text and "已校验" in text
    assert "KB" in text or "MB" in text
    assert login(daying_officer).get("/ops/backups/").status_code == 403
