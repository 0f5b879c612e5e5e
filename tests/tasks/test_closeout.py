"""Progress reports, attachments, supervision findings and close-out (销号)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from tests.conftest import PENGLAI
from tests.tasks.conftest import PDF, PNG, FakeUpload

from bianzhi.core.tasks import Urgency
from bianzhi.inbox.models import Notification
from bianzhi.tasks import selectors, services
from bianzhi.tasks.models import Attachment

ON = dt.date(2021, 4, 10)


def _first(plan: Any) -> Any:
    return plan.tasks.get(seq=1)


def test_a_progress_report_starts_the_task_and_stores_files_safely(
    plan: Any, penglai_user: Any
) -> None:
    task = _first(plan)
    services.task_report_progress(
        actor=penglai_user,
        task=task,
        unit="财政办",
        text="已完成清查统计表",
        files=[FakeUpload("../../etc/清查表.pdf", PDF), FakeUpload("照片.png", PNG)],
    )
    task.refresh_from_db()
    assert task.status == "in_progress"
    names = sorted(a.original_name for a in Attachment.objects.all())
    assert names == ["清查表.pdf", "照片.png"]
    for a in Attachment.objects.all():
        assert a.file.name.startswith(f"tasks/{task.pk}/")
        assert "清查" not in a.file.name and ".." not in a.file.name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.exe", b"MZ", "不支持的文件类型"),
        ("伪装.pdf", b"MZ\x90\x00", "文件内容与扩展名 .pdf 不符"),
        ("空.pdf", b"", "文件是空的"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_written(
    plan: Any, penglai_user: Any, name: str, data: bytes, message: str
) -> None:
    task = _first(plan)
    with pytest.raises(ValueError, match=message):
        services.task_report_progress(
            actor=penglai_user,
            task=task,
            unit="财政办",
            text="进展",
            files=[FakeUpload(name, data)],
        )
    task.refresh_from_db()
    assert task.status == "not_started" and not task.reports.exists()


def test_size_limit(plan: Any, penglai_user: Any, settings: Any) -> None:
    settings.BIANZHI_ATTACHMENT_MAX_MB = 1
    big = FakeUpload("大.pdf", PDF + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValueError, match="超过 1 MB 上限"):
        services.task_report_progress(
            actor=penglai_user, task=_first(plan), unit="财政办", text="进展", files=[big]
        )


def test_overdue_then_closeout_with_evidence_after_findings_are_verified(
    plan: Any, penglai_user: Any, daying_officer: Any
) -> None:
    task = _first(plan)
    # 1. Overdue on 10 April (deadline 31 March), due soon on 25 March.
    assert (
        selectors.task_list(scope=selectors_scope(daying_officer), on=ON)[0].urgency
        is Urgency.OVERDUE
    )
    assert [
        v.task.seq
        for v in selectors.warnings(scope=selectors_scope(penglai_user), on=dt.date(2021, 3, 25))
    ] == [1]
    # 2. No close-out before any progress.
    with pytest.raises(ValidationError, match="尚未报送任何进展"):
        services.task_request_closeout(
            actor=penglai_user, task=task, unit="财政办", text="", files=[FakeUpload("a.pdf", PDF)]
        )
    services.task_report_progress(actor=penglai_user, task=task, unit="财政办", text="清查完成")
    # 3. A supervision finding on the task blocks close-out until verified.
    rnd = services.round_create(
        actor=daying_officer,
        region=plan.region,
        held_on=dt.date(2021, 4, 1),
        title="第一轮巡回督导",
        inspector="镇纪委",
        plan=plan,
    )
    finding = services.finding_create(
        actor=daying_officer,
        round=rnd,
        task=task,
        description="台账未分类",
        rectify_by=dt.date(2021, 4, 15),
    )
    assert Notification.objects.filter(user=penglai_user, kind="finding").count() == 1
    with pytest.raises(ValidationError, match="1 条督导问题未整改核实"):
        services.task_request_closeout(
            actor=penglai_user, task=task, unit="财政办", text="", files=[FakeUpload("a.pdf", PDF)]
        )
    services.finding_rectify(actor=penglai_user, finding=finding, text="已分类建账")
    with pytest.raises(PermissionDenied):
        services.finding_verify(actor=penglai_user, finding=finding)
    services.finding_verify(actor=daying_officer, finding=finding)
    # 4. Evidence is required.
    with pytest.raises(ValidationError, match="须上传佐证材料"):
        services.task_request_closeout(
            actor=penglai_user, task=task, unit="财政办", text="", files=[]
        )
    services.task_request_closeout(
        actor=penglai_user,
        task=task,
        unit="财政办",
        text="已完成",
        files=[FakeUpload("清查报告.pdf", PDF)],
    )
    task.refresh_from_db()
    assert task.status == "close_requested"
    assert Notification.objects.filter(user=daying_officer, kind="approval").count() == 1
    # 5. Township users cannot approve; the approver can.
    with pytest.raises(PermissionDenied):
        services.task_approve_closeout(actor=penglai_user, task=task)
    services.task_approve_closeout(actor=daying_officer, task=task, text="核实无误")
    task.refresh_from_db()
    assert task.status == "closed" and task.closed_by == daying_officer
    assert (
        selectors.task_list(scope=selectors_scope(daying_officer), on=ON)[0].urgency is Urgency.DONE
    )
    assert Notification.objects.filter(user=penglai_user, title__startswith="已销号").count() == 1
    with pytest.raises(ValidationError):
        services.task_report_progress(actor=penglai_user, task=task, unit="财政办", text="再报")


def test_rejecting_sends_the_task_back(plan: Any, penglai_user: Any, daying_officer: Any) -> None:
    task = _first(plan)
    services.task_report_progress(actor=penglai_user, task=task, unit="财政办", text="进展")
    services.task_request_closeout(
        actor=penglai_user, task=task, unit="财政办", text="", files=[FakeUpload("a.pdf", PDF)]
    )
    with pytest.raises(ValidationError, match="退回理由"):
        services.task_reject_closeout(actor=daying_officer, task=task, reason=" ")
    services.task_reject_closeout(actor=daying_officer, task=task, reason="佐证不足")
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert list(task.reports.values_list("kind", flat=True)) == [
        "progress",
        "closeout_request",
        "closeout_rejected",
    ]


def test_outsider_cannot_report(plan: Any, tongwei_officer: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.task_report_progress(actor=tongwei_officer, task=_first(plan), unit="x", text="y")


def test_views_by_unit_and_calendar(plan: Any, daying_officer: Any) -> None:
    scope = selectors_scope(daying_officer)
    rows = {r.unit: r for r in selectors.unit_summary(scope=scope, on=ON)}
    assert rows["财政办"].total == 5 and rows["财政办"].overdue == 1
    assert rows["农业综合服务中心"].total == 4
    only = selectors.task_list(scope=scope, on=ON, filters=selectors.TaskFilter(unit="村建办"))
    assert [v.task.seq for v in only] == [4, 5]
    weeks = selectors.calendar_month(scope=scope, year=2021, month=12, on=ON)
    day31 = next(d for w in weeks for d in w if d.date == dt.date(2021, 12, 31))
    assert [v.task.seq for v in day31.tasks] == [4, 5]
    assert all(len(w) == 7 for w in weeks)


def selectors_scope(user: Any) -> Any:
    from bianzhi.accounts.scope import scope_for

    return scope_for(user)


def test_pages_render(plan: Any, login: Any, daying_officer: Any, penglai_user: Any) -> None:
    client = login(daying_officer)
    task = _first(plan)
    for url in [
        "/tasks/",
        f"/tasks/plans/{plan.pk}/",
        "/tasks/all/?unit=财政办",
        "/tasks/calendar/?month=2021-03",
        f"/tasks/t/{task.pk}/",
        "/tasks/rounds/",
        "/tasks/inbox/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "组织开展资产清查" in client.get("/tasks/calendar/?month=2021-03").content.decode()
    fragment = client.get(
        f"/tasks/plans/{plan.pk}/?unit=村建办", headers={"HX-Request": "true"}
    ).content.decode()
    assert "盘活镇国有资产" in fragment and "组织开展资产清查" not in fragment
    client = login(penglai_user)
    response = client.post(
        f"/tasks/t/{task.pk}/report/",
        {"unit": "财政办", "text": "网页报送", "files": [FakeUpload("表.xlsx", b"PK\x03\x04rest")]},
        follow=True,
    )
    assert "进展已报送" in response.content.decode()
    attachment = Attachment.objects.get()
    download = client.get(f"/tasks/files/{attachment.pk}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert client.get(f"/tasks/t/{task.pk}/report/").status_code == 405


def test_region_of_plan_is_the_township(plan: Any, regions: Any) -> None:
    assert plan.region == regions[PENGLAI]
