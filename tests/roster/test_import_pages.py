"""The roster import page end to end: preview → confirm for small files, and
files over the inline limit handed to the "roster.import" background job
(run here synchronously with jobs_run_pending)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.staffing import PENGLAI, enter, id_number

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.audit.models import AuditRecord
from bianzhi.institutions.services import institution_abolish
from bianzhi.jobs.models import Job, JobStatus
from bianzhi.jobs.services import jobs_run_pending
from bianzhi.roster import views as roster_views
from bianzhi.roster.importing import HEADERS
from bianzhi.roster.models import Person

pytestmark = pytest.mark.django_db

LIMIT = 5  # the inline limit in these tests (5,000 in production)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploads and job files go to a throw-away directory."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(roster_views, "INLINE_IMPORT_LIMIT", LIMIT)
    return LIMIT


def _row(serial: int, **changes: Any) -> list[Any]:
    values: dict[str, Any] = {h: None for h in HEADERS}
    values.update({"身份证号": id_number(serial), "姓名": f"人员{serial}", "乡镇代码": PENGLAI,
                   "编制类型": "行政编制", "入编日期": date(2015, 9, 1)})
    values.update(changes)
    return [values[h] for h in HEADERS]


def _upload(rows: list[list[Any]], name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, write_workbook("实名制名册", HEADERS, rows))


def _imports() -> Any:
    return AuditRecord.objects.filter(action="import", object_type__endswith="person")


def test_small_file_preview_counts_new_changed_and_unchanged_then_commits_inline(
    login: Any, daying_officer: Any, penglai: Any
) -> None:
    client = login(daying_officer)
    enter(1)
    enter(2)
    rows = [_row(1, 姓名="改名"), _row(2, 姓名="人员2"), _row(3), _row(4)]
    preview = client.post("/roster/import/", {"file": _upload(rows)})
    body = preview.content.decode()
    assert "新增2人，变更1人，未变1人" in body
    assert "改名：姓名" in body  # the changed person with the changed field
    assert Person.objects.count() == 2 and not _imports().exists()

    done = client.post("/roster/import/", {"commit": "1"}, follow=True)
    assert "导入完成：新增2人，变更1人，未变1人" in done.content.decode()
    assert not Job.objects.exists()  # small: no background job
    assert sorted(Person.objects.values_list("name", flat=True)) == ["人员2", "人员3", "人员4", "改名"]
    assert _imports().count() == 3  # two new, one changed; the unchanged one is not recorded
    # The confirmation is used up: a second confirm imports nothing again.
    again = client.post("/roster/import/", {"commit": "1"}, follow=True)
    assert "没有待确认的导入" in again.content.decode()


def test_a_file_over_the_limit_becomes_a_job_that_imports_and_audits_everyone(
    login: Any, daying_officer: Any, penglai: Any, media: Path, small_limit: int
) -> None:
    client = login(daying_officer)
    rows = [_row(serial) for serial in range(1, small_limit + 2)]  # one over the limit
    preview = client.post("/roster/import/", {"file": _upload(rows, "大名册.xlsx")})
    assert f"新增{small_limit + 1}人" in preview.content.decode()

    response = client.post("/roster/import/", {"commit": "1"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "roster.import" and job.status == JobStatus.QUEUED
    assert not Person.objects.exists()  # nothing written before the job runs

    assert jobs_run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    persons = Person.objects.filter(region__code=PENGLAI)
    assert persons.count() == small_limit + 1
    records = _imports()
    assert records.count() == small_limit + 1
    assert set(records.values_list("object_id", flat=True)) == {str(pk) for pk in persons.values_list("pk", flat=True)}
    assert set(records.values_list("actor_id", flat=True)) == {daying_officer.pk}
    assert job.result is not None and job.result["新增"] == small_limit + 1

    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已完成" in page and "新增" in page and str(small_limit + 1) in page
    # The uploaded file (full identity numbers) does not stay in storage.
    assert not list((media / "imports" / "roster").glob("*.xlsx"))


def test_a_job_whose_file_turned_bad_fails_with_the_row_errors_and_changes_nothing(
    login: Any, daying_officer: Any, penglai: Any, office: Any, media: Path, small_limit: int
) -> None:
    client = login(daying_officer)
    enter(1)  # on file already: the job would change this person
    rows = [_row(serial, 机构="综合办公室") for serial in range(1, small_limit + 2)]
    client.post("/roster/import/", {"file": _upload(rows)})
    response = client.post("/roster/import/", {"commit": "1"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    # Between the confirmation and the worker, the office every row names is abolished.
    institution_abolish(actor=daying_officer, institution=office, effective_on=date(2024, 6, 1),
                        document_number="大委编发〔2024〕9号")
    persons_before = list(Person.objects.values_list("pk", "name", "institution_id"))

    jobs_run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert f"导入文件有{small_limit + 1}处错误，未导入任何数据" in job.error
    assert "名册.xlsx 第2行" in job.error and "本乡镇没有名为“综合办公室”的机构" in job.error
    assert list(Person.objects.values_list("pk", "name", "institution_id")) == persons_before
    assert not _imports().exists()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "失败" in page and "本乡镇没有名为“综合办公室”的机构" in page
    assert not list((media / "imports" / "roster").glob("*.xlsx"))


def test_a_bad_big_file_is_refused_at_the_preview_and_never_queued(
    login: Any, daying_officer: Any, penglai: Any, small_limit: int
) -> None:
    client = login(daying_officer)
    rows = [_row(serial) for serial in range(1, small_limit + 2)] + [_row(99, 编制类型="临时编制")]
    body = client.post("/roster/import/", {"file": _upload(rows)}).content.decode()
    assert "发现 1 处错误" in body and "“临时编制”无效" in body
    client.post("/roster/import/", {"commit": "1"})
    assert not Job.objects.exists() and not Person.objects.exists()


def test_another_countys_officer_cannot_see_the_import_job(
    login: Any, daying_officer: Any, tongwei_officer: Any, penglai: Any, small_limit: int
) -> None:
    client = login(daying_officer)
    client.post("/roster/import/", {"file": _upload([_row(s) for s in range(1, small_limit + 2)])})
    client.post("/roster/import/", {"commit": "1"})
    job = Job.objects.get()
    assert login(tongwei_officer).get(f"/jobs/{job.pk}/").status_code == 404
