"""Notification kinds are registered by the apps (bianzhi.inbox.kinds), not a
choices list of the inbox's column: notify_* refuses a kind nobody
registered, and the inbox shows the registered label."""

from __future__ import annotations

from typing import Any

import pytest

from bianzhi.inbox import kinds
from bianzhi.inbox.kinds import UnknownKind, kind_label, kind_register
from bianzhi.inbox.models import Notification
from bianzhi.inbox.services import notification_create, notify_role, notify_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kinds registered in a test are forgotten afterwards."""
    monkeypatch.setattr(kinds, "_labels", dict(kinds._labels))


def test_the_kinds_stored_before_the_registry_keep_their_labels() -> None:
    # Registered at start-up: the inbox's own, tasks' and rules' kinds, with
    # the labels the old choices list gave them.
    assert {code: kind_label(code) for code in ("deadline", "approval", "finding", "rule", "result", "other")} == {
        "deadline": "任务时限",
        "approval": "待审核",
        "finding": "督导问题",
        "rule": "规则问题",
        "result": "办理结果",
        "other": "其他",
    }


def test_an_unregistered_kind_is_refused_and_nothing_written(
    regions: Any, daying_officer: Any
) -> None:
    with pytest.raises(UnknownKind):
        notify_users(users=[daying_officer], kind="plan.approved", title="t", key="k")
    with pytest.raises(UnknownKind):
        notify_role(region=regions["510923"], role="officer", kind="plan.approved", title="t", key="k")
    with pytest.raises(UnknownKind):
        notification_create(user=daying_officer, kind="plan.approved", title="t", key="k")
    assert not Notification.objects.exists()


def test_a_kind_registered_by_an_app_needs_no_migration_and_shows_its_label(
    fresh_kinds: None, regions: Any, daying_officer: Any, login: Any
) -> None:
    code = kind_register("plan.approved", "方案已批准")
    assert code == "plan.approved"
    assert kind_register("plan.approved", "方案已批准") == code  # ready() may run twice
    [user] = notify_role(region=regions["510923"], role="officer", kind=code, title="方案已批准：2026年", key="p:1")
    assert user == daying_officer
    page = login(daying_officer).get("/tasks/inbox/").content.decode()
    assert "<td>方案已批准</td>" in page and "方案已批准：2026年" in page


def test_two_apps_cannot_claim_one_code_with_different_labels(fresh_kinds: None) -> None:
    kind_register("x.done", "已办结")
    with pytest.raises(ValueError, match="已登记为“已办结”"):
        kind_register("x.done", "已完成")
    with pytest.raises(ValueError):
        kind_register("x" * 65, "太长")
    with pytest.raises(ValueError):
        kind_register("x.blank", " ")


def test_a_stored_kind_nobody_registers_any_more_shows_its_code(
    daying_officer: Any, login: Any
) -> None:
    Notification.objects.create(user=daying_officer, kind="gone.app", title="旧消息", key="old")
    page = login(daying_officer).get("/tasks/inbox/").content.decode()
    assert "<td>gone.app</td>" in page and "旧消息" in page
