"""Uploaded roster files waiting in storage between the upload and the import
(the preview's confirmation, or the background job).

They hold full identity numbers, so they stay no longer than an import needs
them: the page and the job delete them on every way out (success, refusal,
crash), and what a killed request or an abandoned preview leaves behind is
swept once it is older than `max_age()` (setting
BIANZHI_ROSTER_STAGED_MAX_MINUTES, default 120), on every new upload and
whenever the roster.import job runs. A file a queued or running job still
names is kept whatever its age: a requeued job must find it.

Storage goes through Django's storage API, so every app server and worker
sees the same files (app servers keep no state: see bianzhi.web.settings).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage

from bianzhi.kernel import clock

log = logging.getLogger(__name__)

FOLDER = "imports/roster"
JOB_KIND = "roster.import"
DEFAULT_MAX_MINUTES = 120


def max_age() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "BIANZHI_ROSTER_STAGED_MAX_MINUTES", DEFAULT_MAX_MINUTES)))


def stage(upload: File) -> str:  # type: ignore[type-arg]
    """Store `upload` under a generated name; returns the storage name."""
    upload.seek(0)
    return default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.xlsx", upload)


def discard(name: str | None) -> None:
    """Delete a staged file if it is there. Never raises: it runs on the way
    out of failures, whose own error must be the one reported."""
    if not name or not name.startswith(f"{FOLDER}/"):
        return
    try:
        default_storage.delete(name)
    except Exception:  # the sweep retries later
        log.exception("could not delete staged roster file %s", name)


def _needed_by_jobs() -> set[str]:
    from bianzhi.jobs.models import Job, JobStatus

    params = Job.objects.filter(
        kind=JOB_KIND, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    ).values_list("params", flat=True)
    return {str(p.get("path", "")) for p in params if isinstance(p, dict)}


def sweep(*, now: datetime | None = None) -> int:
    """Delete staged files older than `max_age()` that no queued or running
    job needs; returns how many were deleted."""
    cutoff = (now or clock.now()) - max_age()
    try:
        _, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    keep = _needed_by_jobs()
    deleted = 0
    for filename in names:
        name = f"{FOLDER}/{filename}"
        if name in keep:
            continue
        try:
            modified = default_storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified < cutoff:
            discard(name)
            deleted += 1
    return deleted
