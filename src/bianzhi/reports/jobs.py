"""Background job: the 三定方案 of a whole county as a zip (bianzhi.jobs)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from bianzhi.jobs.services import JobError, JobOutput, Progress, job_kind
from bianzhi.regions.models import Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

SANDING_BATCH = "reports.sanding_batch"


@job_kind(SANDING_BATCH, "三定方案批量生成")
def sanding_batch(*, params: dict[str, Any], actor: User | None, progress: Progress) -> JobOutput:
    from bianzhi.reports.services import sanding_batch_build

    county = Region.objects.filter(code=params.get("county", "")).first()
    if county is None:
        raise JobError("县级区划不存在")
    rendered = sanding_batch_build(
        county=county,
        on=dt.date.fromisoformat(params["on"]),
        fmt=params.get("format", "docx"),
        progress=progress,
    )
    return JobOutput(
        result={"county": county.code, "bytes": len(rendered.content)},
        content=rendered.content,
        filename=rendered.filename,
    )
