"""URL-walk parameters for the jobs pages (see bianzhi.kernel.testing)."""

from __future__ import annotations

from bianzhi.jobs.models import Job
from bianzhi.kernel.testing import ForeignWorld, url_param


@url_param("job_id")
def _job(world: ForeignWorld) -> list[str]:
    job = Job.objects.create(
        kind="test", label="大英县的任务", created_by=world.officer, region=world.county
    )
    return [str(job.pk)]


@url_param("job_id", url_name="jobs:download")
def _finished_job(world: ForeignWorld) -> list[str]:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("jobs/test/结果.txt", ContentFile(b"ok"))
    job = Job.objects.create(
        kind="test",
        label="大英县的任务",
        status="done",
        created_by=world.officer,
        region=world.county,
        result_file=name,
        result_filename="结果.txt",
    )
    return [str(job.pk)]
