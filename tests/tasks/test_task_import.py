"""Importing task tables: 004's columns, all or nothing, row and column errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.conftest import PENGLAI
from tests.tasks.conftest import ROWS_004, xlsx

from bianzhi.adapters.problems import InputError
from bianzhi.adapters.xlsx_tasks import read_task_table, task_table_xlsx
from bianzhi.audit.models import AuditRecord
from bianzhi.tasks.models import Task, WorkPlan


def test_it_reads_004s_table_with_a_title_row() -> None:
    rows = read_task_table(xlsx(ROWS_004))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].lead_units == ("财政办", "农业综合服务中心")
    assert rows[0].responsible_units[-1] == "派出所"  # trailing 等 dropped
    assert rows[0].deadline == dt.date(2021, 3, 31)
    assert rows[3].deadline == dt.date(2021, 12, 31)
    assert rows[3].deadline_text == "2021年12月底前"


def test_it_reports_every_bad_cell_with_row_and_column() -> None:
    bad = [
        ("1", "", "财政办", "", "2021年3月31日前"),
        ("1", "重复序号", "财政办", "", "2021年5月31日前"),
        ("x", "序号不是数", "", "", "尽快"),
    ]
    with pytest.raises(InputError) as caught:
        read_task_table(xlsx(bad), filename="清单.xlsx")
    messages = [str(p) for p in caught.value.problems]
    assert "清单.xlsx 第 3 行 B 列“工作任务”：不能为空。" in messages
    assert "清单.xlsx 第 4 行 A 列“序号”：序号 1 与第 3 行重复。" not in messages  # row 3 was bad
    assert "清单.xlsx 第 5 行 A 列“序号”：“x”不是整数。" in messages
    assert "清单.xlsx 第 5 行 C 列“牵头单位”：不能为空。" in messages
    assert any(
        m.startswith("清单.xlsx 第 5 行 E 列“完成时限”：无法识别日期“尽快”") for m in messages
    )


def test_header_aliases_and_missing_columns() -> None:
    rows = read_task_table(
        xlsx(
            [("1", "任务", "财政办", "", "2021年3月31日前")],
            header=("序号", "任务内容", "牵头单位", "责任单位", "完成时间"),
        )
    )
    assert rows[0].content == "任务"
    with pytest.raises(InputError, match="缺少这一列"):
        read_task_table(xlsx([("1", "任务")], header=("序号", "工作任务")))
    with pytest.raises(InputError, match="无法读取"):
        read_task_table(b"not a spreadsheet")


def test_the_template_reads_back() -> None:
    rows = read_task_table(task_table_xlsx())
    assert rows[0].deadline == dt.date(2021, 3, 31)


def test_import_creates_plan_tasks_and_one_audit_record_each(plan: Any) -> None:
    assert plan.tasks.count() == 5
    assert AuditRecord.objects.filter(object_type="tasks.task", action="import").count() == 5
    assert AuditRecord.objects.filter(object_type="tasks.workplan").count() == 1


def test_import_is_all_or_nothing(plan: Any, daying_officer: Any) -> None:
    from bianzhi.tasks.services import plan_import_tasks

    rows = read_task_table(
        xlsx(
            [
                ("6", "新任务", "财政办", "", "2021年12月底前"),
                ("1", "序号冲突", "财政办", "", "2021年12月底前"),
            ]
        )
    )
    with pytest.raises(ValidationError, match="序号 1 已存在"):
        plan_import_tasks(actor=daying_officer, plan=plan, rows=rows)
    assert plan.tasks.count() == 5


def test_outsider_and_township_user_cannot_import(
    regions: Any, tongwei_officer: Any, penglai_user: Any
) -> None:
    from bianzhi.tasks.services import plan_create

    for user in (tongwei_officer, penglai_user):
        with pytest.raises(PermissionDenied):
            plan_create(actor=user, region=regions[PENGLAI], title="方案")
    assert not WorkPlan.objects.exists()


def test_import_page_shows_row_errors_and_imports_nothing(
    login: Any, daying_officer: Any, regions: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(daying_officer)
    bad = SimpleUploadedFile("任务.xlsx", xlsx([("1", "任务", "财政办", "", "明年")]))
    response = client.post(
        "/tasks/", {"region": PENGLAI, "title": "方案", "file": bad}, follow=True
    )
    body = response.content.decode()
    assert "第 3 行 E 列“完成时限”：无法识别日期“明年”" in body
    assert "任务清单未导入" in body
    assert not Task.objects.exists()
    good = SimpleUploadedFile("任务.xlsx", xlsx(ROWS_004))
    response = client.post(
        "/tasks/", {"region": PENGLAI, "title": "盘活方案", "file": good}, follow=True
    )
    assert "已导入“盘活方案”，共 5 项任务。" in response.content.decode()
    assert Task.objects.count() == 5


def test_template_download(login: Any, daying_officer: Any) -> None:
    response = login(daying_officer).get("/tasks/template.xlsx")
    assert response.status_code == 200
    assert read_task_table(response.content)[0].seq == 1
