"""The background job "立即备份": a backup an administrator asks for on the
backup page, written by a worker (it may take minutes) into the backup folder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bianzhi.jobs.services import JobOutput, Progress, job_kind
from bianzhi.kernel import clock
from bianzhi.ops.services import backup_create, backup_dir

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


@job_kind("ops.backup", "立即备份")
def backup_job(*, params: dict[str, Any], actor: User | None, progress: Progress) -> JobOutput:
    progress(0, 1, "正在备份")
    stamp = clock.now().astimezone().strftime("%Y%m%d-%H%M%S-%f")
    result = backup_create(out=backup_dir() / f"bianzhi-backup-{stamp}.tar.gz", actor=actor)
    progress(1, 1, "已备份并校验")
    return JobOutput(result={"文件": result.record.path, "大小（字节）": result.size})
