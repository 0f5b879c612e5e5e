"""Enqueueing, claiming and running background jobs.

A job kind is registered once, at import time of the app that owns it::

    @job_kind("roster.import", "实名制名册导入")
    def _import(*, params, actor, progress):
        ...
        progress(done, total, "已校验 3000 行")
        return JobOutput(result={"created": 12}, content=xlsx_bytes, filename="错误报告.xlsx")

Workers (`bianzhi worker`) claim queued jobs with a compare-and-set UPDATE,
so several workers on several machines can share one database safely, on
PostgreSQL and SQLite alike, without a broker.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from bianzhi.audit.services import audit_record
from bianzhi.jobs.models import Job, JobStatus
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class JobOutput:
    """What a handler returns: a JSON-able summary and/or one file."""

    result: dict[str, Any] | None = None
    content: bytes | None = None
    filename: str = ""


class Handler(Protocol):
    def __call__(
        self, *, params: dict[str, Any], actor: User | None, progress: Progress
    ) -> JobOutput | None: ...


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: str
    handler: Handler


JOB_KINDS: dict[str, JobKind] = {}


def job_kind(kind: str, label: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for jobs of ``kind`` (``label`` is shown to users)."""

    def register(handler: Handler) -> Handler:
        JOB_KINDS[kind] = JobKind(kind, label, handler)
        return handler

    return register


class JobError(ServiceError):
    """A handler's failure meant for the user: the message is shown as is."""


@transaction.atomic
def job_enqueue(
    *,
    kind: str,
    params: dict[str, Any],
    actor: User | None,
    region: Region | None,
    label: str = "",
) -> Job:
    """Queue a job; a worker picks it up. Raises KeyError for an unknown kind."""
    spec = JOB_KINDS[kind]
    user = actor if getattr(actor, "is_authenticated", False) else None
    job = Job.objects.create(
        kind=kind,
        label=label or spec.label,
        params=params,
        created_by=user,
        region=region,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=job,
        region_code=region.code if region else "",
        after={"kind": kind, "label": job.label, "params": params},
    )
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def job_claim_next(*, worker: str | None = None) -> Job | None:
    """Take the oldest queued job, or None. Safe against concurrent workers:
    the UPDATE only succeeds for the worker that still sees it queued."""
    worker = worker or worker_name()
    for candidate in Job.objects.filter(status=JobStatus.QUEUED).order_by("created_at", "id")[:5]:
        now = clock.now()
        taken = Job.objects.filter(pk=candidate.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, worker=worker, started_at=now, heartbeat_at=now
        )
        if taken:
            return Job.objects.get(pk=candidate.pk)
    return None


@dataclass
class _Reporter:
    """Writes progress to the job row, at most every `interval` seconds."""

    job_id: int
    interval: float = 0.5
    _last: float = field(default=0.0)

    def __call__(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if now - self._last < self.interval and done < total:
            return
        self._last = now
        Job.objects.filter(pk=self.job_id).update(
            progress=max(done, 0),
            total=max(total, 0),
            message=message[:255],
            heartbeat_at=clock.now(),
        )


def job_run(job: Job) -> Job:
    """Run a claimed job to the end, recording success or failure. Never raises
    for a handler's error: the job row carries it."""
    spec = JOB_KINDS.get(job.kind)
    try:
        if spec is None:
            raise JobError(f"未知的任务类型：{job.kind}")
        output = spec.handler(params=job.params, actor=job.created_by, progress=_Reporter(job.pk))
        fields: dict[str, Any] = {
            "status": JobStatus.DONE,
            "finished_at": clock.now(),
            "message": "完成",
        }
        if output is not None:
            fields["result"] = output.result
            if output.content is not None:
                name = default_storage.save(
                    f"jobs/{job.pk}/{output.filename or 'result.bin'}", ContentFile(output.content)
                )
                fields["result_file"] = name
                fields["result_filename"] = output.filename or "result.bin"
        Job.objects.filter(pk=job.pk).update(**fields)
    except Exception as exc:  # the job records any failure; the worker goes on
        message = str(exc) if isinstance(exc, JobError | ValueError) else f"内部错误：{exc!r}"
        log.error("job %s failed: %s", job.pk, traceback.format_exc())
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            finished_at=clock.now(),
            error=message,
            message="失败",
        )
    job.refresh_from_db()
    return job


def job_requeue_stale(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Put back running jobs whose worker stopped reporting (it died)."""
    cutoff = clock.now() - older_than
    return Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).update(
        status=JobStatus.QUEUED, worker="", started_at=None
    )


def jobs_run_pending(*, worker: str | None = None, limit: int | None = None) -> int:
    """Run queued jobs until none is left (or ``limit`` ran); returns the count."""
    count = 0
    while limit is None or count < limit:
        job = job_claim_next(worker=worker)
        if job is None:
            break
        job_run(job)
        count += 1
    return count


def worker_loop(*, poll_seconds: float = 1.0, once: bool = False) -> None:
    """The worker's main loop (`bianzhi worker`): jobs, and between them the
    heartbeat and the periodic work (scheduled backups), each at its interval."""
    from bianzhi.jobs.periodic import HEARTBEAT_SECONDS, PERIODIC_SECONDS, heartbeat, periodic_run

    job_requeue_stale()
    name = worker_name()
    last_beat = last_periodic = float("-inf")
    while True:
        now = time.monotonic()
        if now - last_beat >= HEARTBEAT_SECONDS:
            heartbeat(name)
            last_beat = now
        if now - last_periodic >= PERIODIC_SECONDS:
            periodic_run()
            last_periodic = time.monotonic()
        ran = jobs_run_pending(worker=name)
        if once:
            return
        if not ran:
            time.sleep(poll_seconds)
