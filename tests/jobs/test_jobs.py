"""The database-backed job queue: enqueue, claim, run, progress, failure,
scoping of the pages and the `bianzhi worker` command."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from django.core.files.storage import default_storage

from bianzhi.jobs.models import Job, JobStatus
from bianzhi.jobs.services import (
    JobError,
    JobOutput,
    job_claim_next,
    job_enqueue,
    job_kind,
    job_requeue_stale,
    job_run,
    jobs_run_pending,
)

seen_progress: list[tuple[int, int]] = []


@job_kind("test.count", "测试计数")
def _count(*, params: dict[str, Any], actor: Any, progress: Any) -> JobOutput:
    n = params["n"]
    for i in range(n):
        progress(i + 1, n, f"第 {i + 1} 步")
        seen_progress.append((i + 1, n))
    return JobOutput(result={"步数": n, "提交人": str(actor)}, content=b"ok", filename="结果.txt")


@job_kind("test.fail", "测试失败")
def _fail(*, params: dict[str, Any], actor: Any, progress: Any) -> None:
    raise JobError("第 3 行：身份证号校验码错误")


@pytest.fixture
def county(regions: Any) -> Any:
    return regions["510923"]


def test_enqueued_job_runs_to_done_with_result_file(daying_officer, county):
    job = job_enqueue(kind="test.count", params={"n": 3}, actor=daying_officer, region=county)
    assert job.status == JobStatus.QUEUED
    assert jobs_run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.percent == 100
    assert job.result == {"步数": 3, "提交人": "daying"}
    assert job.result_filename == "结果.txt"
    with default_storage.open(job.result_file) as fh:
        assert fh.read() == b"ok"
    assert (job.progress, job.total) == (3, 3)


def test_failed_job_keeps_the_users_message(daying_officer, county):
    job = job_enqueue(kind="test.fail", params={}, actor=daying_officer, region=county)
    jobs_run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "第 3 行：身份证号校验码错误"


def test_a_job_is_claimed_by_one_worker_only(daying_officer, county):
    job_enqueue(kind="test.count", params={"n": 1}, actor=daying_officer, region=county)
    first = job_claim_next(worker="a")
    second = job_claim_next(worker="b")
    assert first is not None and first.worker == "a"
    assert second is None
    job_run(first)
    assert Job.objects.get().status == JobStatus.DONE


def test_stale_running_job_is_requeued(daying_officer, county):
    from datetime import timedelta

    from django.utils import timezone

    job_enqueue(kind="test.count", params={"n": 1}, actor=daying_officer, region=county)
    job = job_claim_next(worker="dead")
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert job_requeue_stale() == 1
    assert Job.objects.get().status == JobStatus.QUEUED


def test_enqueue_is_audited(daying_officer, county):
    from bianzhi.audit.models import AuditRecord

    job = job_enqueue(kind="test.count", params={"n": 1}, actor=daying_officer, region=county)
    record = AuditRecord.objects.get(object_type="jobs.job", object_id=str(job.pk))
    assert record.actor_name == "daying" and record.region_code == "510923"


def test_progress_page_polls_until_done_then_offers_the_download(
    client, login, daying_officer, county
):
    job = job_enqueue(kind="test.count", params={"n": 2}, actor=daying_officer, region=county)
    login(daying_officer)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in page.content.decode()
    jobs_run_pending()
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "已完成" in fragment and "下载 结果.txt" in fragment
    assert "· 完成" not in fragment  # the status says it once, not "已完成 · 完成"
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"ok"


def test_other_countys_officer_cannot_see_the_job(
    client, login, daying_officer, tongwei_officer, county
):
    job = job_enqueue(kind="test.count", params={"n": 1}, actor=daying_officer, region=county)
    login(tongwei_officer)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert str(job.pk) not in client.get("/jobs/").content.decode().split("<tbody>")[1]


def test_worker_once_command_runs_queued_jobs(daying_officer, county):
    from bianzhi.cli.main import main

    job_enqueue(kind="test.count", params={"n": 1}, actor=daying_officer, region=county)
    result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "已运行 1 个后台任务" in result.output
    assert Job.objects.get().status == JobStatus.DONE
