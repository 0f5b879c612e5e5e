"""Uploaded roster files hold full identity numbers: they stay in storage only
while an import needs them. Every failure path removes them, stale ones are
swept, and a file too big to parse in a request goes to the background job
before anything parses it."""

from __future__ import annotations

import io
import os
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from tests.staffing import PENGLAI, id_number

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.jobs.models import Job, JobStatus
from bianzhi.jobs.services import job_enqueue, jobs_run_pending
from bianzhi.roster import views as roster_views
from bianzhi.roster.importing import HEADERS
from bianzhi.roster.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _staged(media: Path) -> list[str]:
    folder = media / "imports" / "roster"
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def _row(serial: int) -> list[Any]:
    values: dict[str, Any] = {h: None for h in HEADERS}
    values.update({"身份证号": id_number(serial), "姓名": f"人员{serial}", "乡镇代码": PENGLAI,
                   "编制类型": "行政编制", "入编日期": date(2015, 9, 1)})
    return [values[h] for h in HEADERS]


def _upload(rows: int, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, write_workbook("实名制名册", HEADERS, [_row(s) for s in range(1, rows + 1)]))


def _upload_with_dimension(rows: int) -> SimpleUploadedFile:
    """Written as Excel writes it: the sheet declares its size (<dimension>)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "实名制名册"
    sheet.append(HEADERS)
    for serial in range(1, rows + 1):
        sheet.append(_row(serial))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("大名册.xlsx", out.getvalue())


def _never_parse_here(**kwargs: Any) -> Any:
    raise AssertionError("the request parsed a file that is over the preview size")


@pytest.mark.parametrize("measure", ["rows", "bytes"])
def test_a_file_over_the_preview_size_goes_to_the_job_unparsed_and_shows_progress(
    measure: str, login: Any, daying_officer: Any, penglai: Any, media: Path, settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if measure == "rows":
        settings.BIANZHI_ROSTER_PREVIEW_MAX_ROWS = 3
        upload = _upload_with_dimension(6)
    else:
        settings.BIANZHI_ROSTER_PREVIEW_MAX_BYTES = 2000  # the six-row sheet is bigger
        upload = _upload(6)
    monkeypatch.setattr(roster_views, "roster_import_parse", _never_parse_here)
    client = login(daying_officer)

    response = client.post("/roster/import/", {"file": upload})

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "roster.import" and job.status == JobStatus.QUEUED
    assert not Person.objects.exists() and len(_staged(media)) == 1
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "排队中" in page and "<progress" in page

    assert jobs_run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert Person.objects.filter(region__code=PENGLAI).count() == 6
    assert job.total == 6 and job.result is not None and job.result["新增"] == 6
    assert "已完成" in client.get(f"/jobs/{job.pk}/").content.decode()
    assert _staged(media) == []


def test_a_preview_that_crashes_leaves_no_file_behind(
    login: Any, daying_officer: Any, penglai: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(**kwargs: Any) -> Any:
        raise RuntimeError("worker killed mid-parse")

    monkeypatch.setattr(roster_views, "roster_import_parse", crash)
    client = login(daying_officer)
    client.raise_request_exception = False
    assert client.post("/roster/import/", {"file": _upload(2)}).status_code == 500
    assert _staged(media) == []


def test_a_confirmation_that_crashes_leaves_no_file_behind(
    login: Any, daying_officer: Any, penglai: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login(daying_officer)
    assert "新增2人" in client.post("/roster/import/", {"file": _upload(2)}).content.decode()
    assert len(_staged(media)) == 1

    def crash(**kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(roster_views, "roster_import_parse", crash)
    client.raise_request_exception = False
    assert client.post("/roster/import/", {"commit": "1"}).status_code == 500
    assert _staged(media) == [] and not Person.objects.exists()


def test_a_failed_hand_over_to_the_job_leaves_no_file_behind(
    login: Any, daying_officer: Any, penglai: Any, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bianzhi.jobs.services as job_services

    monkeypatch.setattr(roster_views, "INLINE_IMPORT_LIMIT", 1)
    client = login(daying_officer)
    client.post("/roster/import/", {"file": _upload(2)})
    assert len(_staged(media)) == 1

    def refuse(**kwargs: Any) -> Any:
        raise RuntimeError("queue unavailable")

    monkeypatch.setattr(job_services, "job_enqueue", refuse)
    client.raise_request_exception = False
    assert client.post("/roster/import/", {"commit": "1"}).status_code == 500
    assert _staged(media) == [] and not Job.objects.exists()


def _stage_by_hand(media: Path, name: str, age_hours: float) -> str:
    folder = media / "imports" / "roster"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"PK full identity numbers")
    stamp = time.time() - age_hours * 3600
    os.utime(path, (stamp, stamp))
    return f"imports/roster/{name}"


def test_stale_staged_files_are_swept_on_the_next_upload(
    login: Any, daying_officer: Any, penglai: Any, media: Path
) -> None:
    _stage_by_hand(media, "abandoned.xlsx", age_hours=3)  # a preview nobody confirmed, or a killed request
    _stage_by_hand(media, "recent.xlsx", age_hours=0.1)  # someone else's preview, still open
    waiting = _stage_by_hand(media, "waiting.xlsx", age_hours=3)  # a queued job still needs it
    job_enqueue(kind="roster.import", params={"path": waiting, "filename": "x.xlsx", "region": "510923"},
                actor=daying_officer, region=penglai)

    login(daying_officer).post("/roster/import/", {"file": _upload(1)})

    staged = _staged(media)
    assert "abandoned.xlsx" not in staged
    assert "recent.xlsx" in staged and "waiting.xlsx" in staged
    assert len(staged) == 3  # with the new preview's own file


def test_the_import_job_sweeps_stale_staged_files_too(daying_officer: Any, penglai: Any, media: Path) -> None:
    _stage_by_hand(media, "abandoned.xlsx", age_hours=3)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    path = default_storage.save("imports/roster/job.xlsx", ContentFile(_upload(1).read()))
    job_enqueue(kind="roster.import", params={"path": path, "filename": "名册.xlsx", "region": "510923"},
                actor=daying_officer, region=penglai)
    jobs_run_pending()
    assert Job.objects.get().status == JobStatus.DONE
    assert _staged(media) == []


def test_a_job_whose_file_is_gone_fails_with_a_chinese_message(daying_officer: Any, penglai: Any) -> None:
    job_enqueue(kind="roster.import", params={"path": "imports/roster/gone.xlsx", "filename": "名册.xlsx",
                                              "region": "510923"}, actor=daying_officer, region=penglai)
    jobs_run_pending()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and "文件已不存在" in job.error
