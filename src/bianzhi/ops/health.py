"""The health checks behind `bianzhi check` and `/healthz`.

Each check answers ok or not with a Chinese reason. "critical" ones (the
database answers, its migrations are applied, the disk has room) make
`/healthz` answer 503 so a load balancer takes the server out; the others
(worker heartbeat, fonts, backup age) concern the installation, not this
server, and only show as failed. `bianzhi check` exits non-zero on any
failure.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from bianzhi.adapters.pdf_official import FontsMissing, resolved_fonts
from bianzhi.jobs.models import WorkerHeartbeat
from bianzhi.kernel import clock
from bianzhi.ops.models import BackupRecord, BackupStatus

WORKER_SILENT_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Check:
    name: str  # a short key, also used by /healthz
    label: str
    ok: bool
    detail: str
    critical: bool


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return Check("database", "数据库", False, f"连接不上数据库：{exc}", True)
    return Check("database", "数据库", True, f"可以连接（{connection.vendor}）", True)


def _migrations() -> Check:
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Check("migrations", "数据库结构", False, f"读不出迁移记录：{exc}", True)
    if plan:
        return Check(
            "migrations", "数据库结构", False,
            f"有 {len(plan)} 个迁移未执行，请运行：bianzhi migrate", True,
        )
    return Check("migrations", "数据库结构", True, "已是当前版本", True)


def _worker() -> Check:
    try:
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    except DatabaseError:
        beat = None
    if beat is None:
        return Check("worker", "后台任务进程", False,
                     "没有后台任务进程运行过（bianzhi worker 或 bianzhi serve）", False)
    age = clock.now() - beat.seen_at
    if age > WORKER_SILENT_AFTER:
        minutes = int(age.total_seconds() // 60)
        return Check("worker", "后台任务进程", False,
                     f"后台任务进程已 {minutes} 分钟没有心跳，请检查 bianzhi worker 是否在运行", False)
    return Check("worker", "后台任务进程", True, f"{beat.name} 运行中", False)


def _disk() -> Check:
    data = Path(settings.DATA_DIR)
    usage = shutil.disk_usage(data if data.exists() else Path.home())
    free_mb = usage.free // (1024 * 1024)
    need = int(settings.BIANZHI_MIN_FREE_MB)
    if free_mb < need:
        return Check("disk", "磁盘空间", False,
                     f"数据目录 {data} 所在磁盘只剩 {free_mb} MB（要求至少 {need} MB）", True)
    return Check("disk", "磁盘空间", True, f"剩余 {free_mb} MB", True)


def _fonts() -> Check:
    # The same resolution the PDFs use (official font, else its Noto substitute).
    try:
        fonts = resolved_fonts()
    except FontsMissing as exc:
        return Check("fonts", "中文字体", False, f"{exc}（PDF 无法生成）", False)
    families = sorted({font.family for font in fonts.values()})
    return Check("fonts", "中文字体", True, "、".join(families), False)


def _backup() -> Check:
    hours = float(settings.BIANZHI_BACKUP_INTERVAL_HOURS)
    try:
        last = BackupRecord.objects.filter(status=BackupStatus.VERIFIED).order_by("-created_at").first()
    except DatabaseError:
        last = None
    if hours <= 0 and last is None:
        return Check("backup", "备份", True, "未启用定时备份（BIANZHI_BACKUP_INTERVAL_HOURS=0）", False)
    if last is None:
        return Check("backup", "备份", False, "还没有通过校验的备份", False)
    age = clock.now() - last.created_at
    age_hours = age.total_seconds() / 3600
    if hours > 0 and age_hours > 2 * hours:
        return Check("backup", "备份", False,
                     f"最近一次通过校验的备份在 {age_hours:.0f} 小时前（应每 {hours:g} 小时一次）", False)
    return Check("backup", "备份", True, f"最近一次在 {age_hours:.1f} 小时前", False)


def database_ready() -> bool:
    """The database answers and its migrations are applied (`bianzhi serve`
    refuses to start otherwise, naming the command to run)."""
    return _database().ok and _migrations().ok


def run_checks() -> list[Check]:
    first = _database()
    if not first.ok:
        return [first]
    return [first, _migrations(), _worker(), _disk(), _fonts(), _backup()]
