"""URL-walk parameters for the jobs pages (see bianzhi.web.testing)."""

from __future__ import annotations

from bianzhi.jobs.models import Job
from bianzhi.web.testing import ForeignWorld, url_param


@url_param("job_id")
def _job(world: ForeignWorld) -> list[str]:
    job = Job.objects.create(
        kind="test", label="大英县的任务", created_by=world.officer, region=world.county
    )
    return [str(job.pk)]
