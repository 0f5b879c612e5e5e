"""Backup, verification, restore and scheduled backups.

A backup is one archive (``adapters/backup_archive.py``): the database as a
consistent copy (SQLite's online backup API, or ``pg_dump`` inside a
repeatable-read snapshot whose row counts go into the manifest), the media
folder, and a manifest. Restoring writes into an empty database (or, with
``force``, wipes it first) and checks every table's row count against the
manifest before reporting success.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from bianzhi import __version__
from bianzhi.adapters import backup_archive
from bianzhi.adapters.backup_archive import ArchiveError
from bianzhi.audit.services import audit_record
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError
from bianzhi.ops import database
from bianzhi.ops.models import BackupKind, BackupRecord, BackupStatus

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"


def backup_dir() -> Path:
    return Path(settings.BIANZHI_BACKUP_DIR)


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


CHAIN_HEAD_TABLE = "audit_auditchainhead"


def _chain_head(cursor: Any, tables: dict[str, int]) -> dict[str, Any] | None:
    """The audit hash chain's head (``audit.AuditChainHead``, one row) as read
    through ``cursor`` inside the backup's own snapshot, so it matches the
    dumped records; None for a database from before the chain."""
    if CHAIN_HEAD_TABLE not in tables:
        return None
    cursor.execute(f"SELECT last_id, last_digest FROM {CHAIN_HEAD_TABLE} WHERE id = 1")
    row = cursor.fetchone()
    return {"last_id": row[0], "last_digest": row[1]} if row else None


def _audit_chain_verify() -> str | None:
    """A Chinese problem with the restored audit hash chain, or None."""
    from bianzhi.audit.chain import verify

    result = verify()
    return None if result.ok else (result.message or "哈希链不完整")


@dataclass(frozen=True)
class BackupResult:
    record: BackupRecord
    manifest: dict[str, Any]
    size: int


def _dump_sqlite(into: Path) -> tuple[Path, dict[str, int], dict[str, Any] | None]:
    target = into / SQLITE_FILE
    connection.ensure_connection()
    raw = connection.connection
    dest = sqlite3.connect(target)
    try:
        raw.backup(dest)  # a consistent copy while others keep writing
        counts = _sqlite_counts(target)
        head = _chain_head(dest.cursor(), counts)
    finally:
        dest.close()
    return target, counts, head


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            if not row[0].startswith("sqlite_")
        ]
        return {n: int(db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names}
    finally:
        db.close()


def _dump_postgres(into: Path) -> tuple[Path, dict[str, int], dict[str, Any] | None]:
    target = into / PG_FILE
    pg_dump = database.pg_tool("pg_dump")
    # pg_dump reads the snapshot this transaction exports, so the dump and the
    # counts in the manifest are of the same moment.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = database.table_counts(connection)
        head = _chain_head(cursor, counts)
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", f"--file={target}"],
            env=database.libpq_env(connection), capture_output=True, text=True, check=False,
        )
    if done.returncode != 0:
        raise ServiceError(f"pg_dump 失败：{done.stderr.strip()[:500]}")
    return target, counts, head


def backup_create(
    *, out: Path, actor: User | None, kind: str = BackupKind.MANUAL, slot: str | None = None
) -> BackupResult:
    """Write a backup archive to ``out``, verify it, and record it."""
    engine = database.engine_of(connection)
    out = out.resolve()
    with transaction.atomic():
        record = BackupRecord.objects.create(
            path=str(out), kind=kind, slot=slot, created_at=clock.now()
        )
        audit_record(actor=actor, action="export", obj=record, after={"文件": str(out)})
    return _backup_write(record=record, out=out, engine=engine)


def _backup_write(*, record: BackupRecord, out: Path, engine: str) -> BackupResult:
    try:
        with tempfile.TemporaryDirectory(prefix="bianzhi-backup-") as tmp:
            dump = _dump_sqlite if engine == "sqlite" else _dump_postgres
            db_file, counts, head = dump(Path(tmp))
            manifest: dict[str, Any] = {
                "app": "bianzhi",
                "version": __version__,
                "created_at": clock.now().isoformat(),
                "engine": engine,
                "database_file": db_file.name,
                "tables": counts,
                "audit_chain_head": head,
            }
            size = backup_archive.write_archive(
                out=out, manifest=manifest, database=db_file,
                database_name=db_file.name, media=_media_root(),
            )
        problem = backup_verify(out)
    except (ServiceError, OSError, ArchiveError) as exc:
        BackupRecord.objects.filter(pk=record.pk).update(
            status=BackupStatus.FAILED, message=str(exc)[:2000], finished_at=clock.now()
        )
        raise ServiceError(f"备份失败：{exc}") from exc
    BackupRecord.objects.filter(pk=record.pk).update(
        status=BackupStatus.FAILED if problem else BackupStatus.VERIFIED,
        message=problem or "", size=size, manifest=manifest, finished_at=clock.now(),
    )
    record.refresh_from_db()
    if problem:
        raise ServiceError(f"备份已写出但校验未通过：{problem}")
    return BackupResult(record=record, manifest=manifest, size=size)


def backup_verify(archive: Path) -> str | None:
    """Re-read a written archive: manifest, database file and its row counts
    (SQLite), or the dump's table of contents (PostgreSQL). A Chinese problem
    or None."""
    try:
        manifest = backup_archive.read_manifest(archive)
        with tempfile.TemporaryDirectory(prefix="bianzhi-verify-") as tmp:
            db_file = backup_archive.extract_database(archive, manifest, Path(tmp))
            if manifest["engine"] == "sqlite":
                db = sqlite3.connect(db_file)
                try:
                    check = db.execute("PRAGMA quick_check").fetchone()[0]
                finally:
                    db.close()
                if check != "ok":
                    return f"数据库文件校验失败：{check}"
                counts = _sqlite_counts(db_file)
                if counts != manifest["tables"]:
                    return "数据库文件的行数与清单不一致。"
            else:
                listed = subprocess.run(
                    [database.pg_tool("pg_restore"), "--list", str(db_file)],
                    capture_output=True, text=True, check=False,
                )
                if listed.returncode != 0:
                    return f"pg_restore 读不出备份：{listed.stderr.strip()[:300]}"
                data = {
                    line.split()[-2] for line in listed.stdout.splitlines() if " TABLE DATA " in line
                }
                missing = [t for t in manifest["tables"] if t not in data]
                if missing:
                    return f"备份中缺少表的数据：{'、'.join(missing[:5])}"
    except (ArchiveError, OSError, sqlite3.Error) as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    media_files: int


def backup_restore(*, archive: Path, actor: User | None, force: bool = False) -> RestoreResult:
    """Restore ``archive`` into the configured database and media folder.

    Refuses a database that has tables unless ``force`` (then it is emptied
    first); verifies every table's row count against the manifest afterwards.
    """
    manifest = backup_archive.read_manifest(archive)
    engine = database.engine_of(connection)
    if manifest["engine"] != engine:
        raise ServiceError(
            f"备份来自 {manifest['engine']} 数据库，当前数据库是 {engine}：不能直接恢复。"
            "请恢复到同类数据库，再用 bianzhi migrate-db 迁移。"
        )
    if not database.is_empty(connection) and not force:
        raise ServiceError(
            "当前数据库不是空的，恢复会覆盖其中全部数据。确认要覆盖时请加 --force。"
        )
    with tempfile.TemporaryDirectory(prefix="bianzhi-restore-") as tmp:
        db_file = backup_archive.extract_database(archive, manifest, Path(tmp))
        if engine == "sqlite":
            _restore_sqlite(db_file)
        else:
            _restore_postgres(db_file)
    media = _media_root()
    if force and media.is_dir():
        shutil.rmtree(media)
    media.mkdir(parents=True, exist_ok=True)
    media_files = backup_archive.extract_media(archive, media)
    counts = database.table_counts(connection)
    expected: dict[str, int] = manifest["tables"]
    wrong = [
        f"{name}（应为 {rows} 行，实为 {counts.get(name, '缺表')}）"
        for name, rows in expected.items()
        if counts.get(name) != rows
    ]
    if wrong:
        raise ServiceError("恢复后行数与备份清单不一致：" + "；".join(wrong[:10]))
    if manifest.get("audit_chain_head") is not None:
        with connection.cursor() as cursor:
            restored_head = _chain_head(cursor, counts)
        if restored_head != manifest["audit_chain_head"]:
            raise ServiceError("恢复后变更记录哈希链的链头与备份清单不一致。")
    problem = _audit_chain_verify()
    if problem:
        raise ServiceError(f"恢复后变更记录的哈希链校验未通过：{problem}")
    with transaction.atomic():
        # A backup that was still being written when the archive was taken.
        BackupRecord.objects.filter(status=BackupStatus.RUNNING).update(
            status=BackupStatus.FAILED, message="备份进行中时的状态（从备份恢复后）"
        )
        audit_record(
            actor=actor, action="import", object_type="ops.backuprecord",
            object_id=archive.name[:64], object_label=f"从备份恢复：{archive.name}",
            after={"备份时间": manifest["created_at"], "版本": manifest["version"]},
        )
    return RestoreResult(
        manifest=manifest, tables=len(expected), rows=sum(expected.values()),
        media_files=media_files,
    )


def _restore_sqlite(db_file: Path) -> None:
    target = database.sqlite_path(connection)
    connection.close()
    source = sqlite3.connect(db_file)
    dest = sqlite3.connect(target)
    try:
        # Replaces every page of the target, whatever it held (the --force case).
        source.backup(dest)
    finally:
        source.close()
        dest.close()


def _restore_postgres(db_file: Path) -> None:
    with connection.cursor() as cursor:
        # Empty already, or --force: the public schema is recreated either way.
        cursor.execute("DROP SCHEMA IF EXISTS public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    done = subprocess.run(
        [database.pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
         "--single-transaction", f"--dbname={connection.settings_dict['NAME']}", str(db_file)],
        env=database.libpq_env(connection), capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise ServiceError(f"pg_restore 失败：{done.stderr.strip()[:500]}")


def backup_scheduled() -> BackupRecord | None:
    """The worker's periodic backup: at most one per interval (a day by
    default), claimed by a unique slot so two workers never both write it; then
    only the newest ``BIANZHI_BACKUP_KEEP`` scheduled archives are kept."""
    hours = float(settings.BIANZHI_BACKUP_INTERVAL_HOURS)
    if hours <= 0:
        return None
    now = clock.now()
    slot = f"{int(now.timestamp() // (hours * 3600))}/{hours:g}h"
    if BackupRecord.objects.filter(slot=slot).exists():
        return None
    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    out = backup_dir() / f"bianzhi-backup-{stamp}.tar.gz"
    try:
        with transaction.atomic():
            record = BackupRecord.objects.create(
                path=str(out), kind=BackupKind.SCHEDULED, slot=slot, created_at=now
            )
            audit_record(actor=None, action="export", obj=record, after={"文件": str(out)})
    except IntegrityError:
        return None  # another worker took this slot
    engine = database.engine_of(connection)
    try:
        _backup_write(record=record, out=out, engine=engine)
    finally:
        backups_prune(keep=int(settings.BIANZHI_BACKUP_KEEP))
    record.refresh_from_db()
    return record


def backups_prune(*, keep: int) -> int:
    """Delete scheduled archives beyond the newest ``keep`` verified ones."""
    old = list(
        BackupRecord.objects.filter(kind=BackupKind.SCHEDULED, status=BackupStatus.VERIFIED)
        .order_by("-created_at", "-id")[keep:]
    )
    for record in old:
        Path(record.path).unlink(missing_ok=True)
    BackupRecord.objects.filter(pk__in=[r.pk for r in old]).update(status=BackupStatus.DELETED)
    return len(old)


def backup_due_within() -> timedelta | None:
    """How old the newest verified backup may be before `check` complains."""
    hours = float(settings.BIANZHI_BACKUP_INTERVAL_HOURS)
    return timedelta(hours=hours * 2) if hours > 0 else None


def backup_request(*, actor: User | None) -> Any:
    """Queue "立即备份" for a worker (system administrators only); returns the job."""
    from bianzhi.jobs.services import job_enqueue

    if not getattr(actor, "is_superuser", False):
        raise ServiceError("只有系统管理员可以备份。")
    return job_enqueue(kind="ops.backup", params={}, actor=actor, region=None)
