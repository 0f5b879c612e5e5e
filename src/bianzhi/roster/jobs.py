"""The background job for big roster imports from the web (kind
"roster.import"): the file waits in storage, a worker parses and commits it
with progress, the job page shows the bar and the result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage

from bianzhi.jobs.services import JobError, JobOutput, Progress, job_kind
from bianzhi.regions.models import Region
from bianzhi.roster import staging
from bianzhi.roster.importing import ImportRefused, roster_import

if TYPE_CHECKING:
    from bianzhi.accounts.models import User


@job_kind("roster.import", "实名制名册导入")
def roster_import_job(*, params: dict[str, Any], actor: User | None, progress: Progress) -> JobOutput:
    """params: {"path": storage name, "filename": shown name, "region": code}."""
    # Workers run whether or not anyone uploads again: sweep what crashed or
    # abandoned imports left (this job's own file is kept: its job is running).
    staging.sweep()
    region = Region.objects.filter(code=params.get("region", "")).first()
    if not default_storage.exists(params["path"]):
        raise JobError("上传的文件已不存在（可能已超过保留时间被清理），请重新上传。")
    try:
        with default_storage.open(params["path"], "rb") as handle:
            result = roster_import(
                actor=actor,
                source=handle,
                filename=params.get("filename", "名册.xlsx"),
                region=region,
                progress=progress,
            )
    except ImportRefused as refused:
        shown = "\n".join(str(e) for e in refused.errors[:200])
        more = f"\n……共{len(refused.errors)}处错误" if len(refused.errors) > 200 else ""
        raise JobError(f"{refused}：\n{shown}{more}") from None
    finally:
        # The upload holds full identity numbers and was kept only for this
        # job (the page deletes inline imports' files itself): remove it once
        # the job has run, whether it succeeded or not. A worker that dies
        # mid-job never gets here, so a requeued job still finds its file.
        staging.discard(params["path"])
    return JobOutput(
        result={
            "新增": result.created,
            "变更": result.updated,
            "未变": result.unchanged,
            "阻止级问题": result.block_findings,
            "预警": result.warning_findings,
        }
    )
