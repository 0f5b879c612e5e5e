"""In a browser: a township reports progress on an overdue task, asks for
close-out with evidence, and the county approver crosses it off (销号)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def overdue_task(
    regions: Any, daying_officer: Any, penglai_user: Any, settings: Any, tmp_path: Path
) -> Any:
    from bianzhi.adapters.xlsx_tasks import TaskRow
    from bianzhi.tasks.services import plan_import

    settings.MEDIA_ROOT = tmp_path / "media"
    plan = plan_import(
        actor=daying_officer,
        region=regions["510923100"],
        title="盘活用好镇村公有资产工作方案",
        rows=[
            TaskRow(
                3,
                1,
                "组织开展资产清查",
                ("财政办", "农业综合服务中心"),
                ("各村(社区)",),
                dt.date(2021, 3, 31),
                "2021年3月31日前",
            ),
        ],
    )
    return plan.tasks.get()


def test_report_then_overdue_warning_then_closeout(
    page: Any, browser_login: Any, overdue_task: Any, tmp_path: Path
) -> None:
    evidence = tmp_path / "清查报告.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% evidence\n")

    browser_login(page, "penglai")
    page.goto("/tasks/")
    warnings = page.get_by_test_id("warnings")
    assert "已逾期" in warnings.inner_text()
    warnings.get_by_role("link", name="1. 组织开展资产清查").click()
    assert page.get_by_test_id("task-status").inner_text() == "未启动"
    assert "已逾期" in page.get_by_test_id("task-urgency").inner_text()

    page.get_by_label("进展情况").fill("镇国有资产清查完成，统计表已报县财政局。")
    page.get_by_role("button", name="报送进展").click()
    assert "进展已报送" in page.content()
    assert page.get_by_test_id("task-status").inner_text() == "推进中"

    page.get_by_label("完成情况").fill("清查完成，账实相符。")
    page.get_by_label("佐证材料（必填）").set_input_files(str(evidence))
    page.get_by_role("button", name="申请销号").click()
    assert page.get_by_test_id("task-status").inner_text() == "待销号"
    assert "清查报告.pdf" in page.get_by_test_id("timeline").inner_text()

    page.context.clear_cookies()
    browser_login(page, "daying")
    page.goto("/tasks/inbox/")
    page.get_by_test_id("inbox").get_by_role("button", name="查看").first.click()
    assert page.get_by_test_id("task-status").inner_text() == "待销号"
    page.get_by_label("审核意见").fill("核实无误")
    page.get_by_role("button", name="准予销号").click()
    assert page.get_by_test_id("task-status").inner_text() == "已销号"
    assert page.get_by_test_id("task-urgency").inner_text() == "已完成"
    page.goto("/tasks/")
    assert page.get_by_test_id("warnings").count() == 0
