"""The demo's work plans: tasks in every state, a round with findings, snapshots."""

from __future__ import annotations

import pytest

from bianzhi.inbox.models import Notification
from bianzhi.kernel.demo import DemoContext, demo_run
from bianzhi.reports.models import Snapshot
from bianzhi.tasks.models import Finding, SupervisionRound, Task, WorkPlan


@pytest.mark.django_db
def test_demo_has_every_state_and_is_idempotent() -> None:
    ctx = DemoContext(full_country=False, echo=lambda _: None)
    demo_run(context=ctx)
    statuses = set(Task.objects.values_list("status", flat=True))
    assert statuses == {"not_started", "in_progress", "close_requested", "closed"}
    plan = WorkPlan.objects.get(title="盘活用好镇村公有资产工作方案")
    assert "004" in plan.source and "任务表原文" in plan.source
    assert SupervisionRound.objects.count() == 1
    assert set(Finding.objects.values_list("status", flat=True)) == {"open", "verified"}
    assert Snapshot.objects.values("taken_on").distinct().count() == 2
    assert Notification.objects.filter(user__username="daying", kind="approval").exists()
    counts = (Task.objects.count(), Snapshot.objects.count(), Notification.objects.count())
    demo_run(context=ctx)
    assert (Task.objects.count(), Snapshot.objects.count(), Notification.objects.count()) == counts
