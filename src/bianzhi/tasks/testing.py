"""URL-walk parameters for the work-plan pages (see bianzhi.kernel.testing).

Every object is created in 大英县's 蓬莱镇, so 通渭县's officer must get 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from bianzhi.kernel.testing import ForeignWorld, url_param
from bianzhi.tasks.models import (
    Attachment,
    Finding,
    SupervisionRound,
    Task,
    WorkPlan,
)


def _task(world: ForeignWorld) -> Task:
    cached: Any = world.extra.get("tasks.task")
    if cached is None:
        plan = WorkPlan.objects.create(region=world.township, title="盘活用好镇村公有资产工作方案")
        cached = Task.objects.create(
            plan=plan,
            seq=1,
            content="组织开展资产清查",
            lead_units=["财政办"],
            deadline=dt.date(2021, 3, 31),
        )
        world.extra["tasks.task"] = cached
    return cached  # type: ignore[no-any-return]


@url_param("work_plan_id")
def _plan(world: ForeignWorld) -> list[str]:
    return [str(_task(world).plan_id)]


@url_param("task_id")
def _task_id(world: ForeignWorld) -> list[str]:
    return [str(_task(world).pk)]


@url_param("attachment_id")
def _attachment(world: ForeignWorld) -> list[str]:
    task = _task(world)
    item = Attachment(task=task, original_name="清查表.pdf", size=9, content_type="application/pdf")
    item.file.save("test.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    item.save()
    return [str(item.pk)]


def _round(world: ForeignWorld) -> SupervisionRound:
    cached: Any = world.extra.get("tasks.round")
    if cached is None:
        cached = SupervisionRound.objects.create(
            region=world.township, held_on=dt.date(2021, 9, 1), title="第一轮巡回督导"
        )
        world.extra["tasks.round"] = cached
    return cached  # type: ignore[no-any-return]


@url_param("supervision_id")
def _round_id(world: ForeignWorld) -> list[str]:
    return [str(_round(world).pk)]


@url_param("finding_id")
def _finding(world: ForeignWorld) -> list[str]:
    finding = Finding.objects.create(round=_round(world), task=_task(world), description="台账不全")
    return [str(finding.pk)]


@url_param("pk", url_name="work-plan-detail")
def _api_plan(world: ForeignWorld) -> list[str]:
    return _plan(world)


@url_param("pk", url_name="task-detail")
def _api_task(world: ForeignWorld) -> list[str]:
    return _task_id(world)
