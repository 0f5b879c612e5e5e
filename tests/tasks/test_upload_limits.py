"""The task-table upload (POST /tasks/): only an editor's file reaches the
parser, and an oversized table is refused with the Chinese message, nothing
written."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import PENGLAI
from tests.duty_actors import department, dept_user  # noqa: F401 (fixtures)
from tests.oversized import Spy, Unreachable, declaring, upload

from bianzhi.adapters import xlsx_tasks
from bianzhi.adapters.xlsx_tasks import task_table_xlsx
from bianzhi.audit.models import AuditRecord
from bianzhi.tasks.models import WorkPlan


@pytest.mark.parametrize("user", ["suining_viewer", "penglai_user", "dept_user"])
def test_a_user_who_may_not_edit_is_refused_before_the_file_is_read(
    user: str, request: pytest.FixtureRequest, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = Unreachable()
    monkeypatch.setattr("bianzhi.tasks.views.read_task_table", reader)
    response = login(request.getfixturevalue(user)).post(
        "/tasks/", {"region": PENGLAI, "title": "方案", "file": upload(task_table_xlsx())}
    )
    assert response.status_code == 403
    assert reader.calls == []
    assert not WorkPlan.objects.exists()


def test_an_oversized_table_is_refused_with_the_chinese_message_and_nothing_is_written(
    login: Any, daying_officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = Spy(xlsx_tasks.load_workbook)
    monkeypatch.setattr(xlsx_tasks, "load_workbook", parser)
    # The template with its used range stretched past 65,536 rows: what a
    # sheet formatted all the way down (or a hostile one) declares.
    data = declaring("A1:E70000", task_table_xlsx())
    audit_before = AuditRecord.objects.count()
    response = login(daying_officer).post(
        "/tasks/",
        {"region": PENGLAI, "title": "方案", "file": upload(data, "任务.xlsx")},
        follow=True,
    )
    body = response.content.decode()
    assert "任务.xlsx：表格过大：第70000行超出上限（最多65536行、64列）" in body
    assert "任务清单未导入" in body
    assert parser.calls == 0
    assert not WorkPlan.objects.exists()
    assert AuditRecord.objects.count() == audit_before
