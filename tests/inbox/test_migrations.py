"""A database migrated by the release where the inbox was part of ``tasks``
migrates forward with its notifications intact: inbox 0001 takes the tables
over (state only), tasks 0003 forgets them (state only), inbox 0002 renames
them to inbox_* and moves their content types. Run on SQLite and, in CI,
on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

OLD = [("tasks", "0002_notification_kinds"), ("inbox", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(
        [t for t in targets if t[1] is not None]
    ).apps


def _latest() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_old_releases_notifications_survive_the_move(daying_officer: Any) -> None:
    try:
        old = _migrate(OLD)
        tables = connection.introspection.table_names()
        assert "tasks_notification" in tables and "inbox_notification" not in tables
        content_type = old.get_model("contenttypes", "ContentType")
        assert content_type.objects.filter(app_label="tasks", model="notification").exists()
        old_notification = old.get_model("tasks", "Notification")
        read_at = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
        kept = old_notification.objects.create(
            user_id=daying_officer.pk, kind="rule", title="新增阻止级问题1个：大英县",
            body="蓬莱镇：超编", url="/rules/", key="rule-block:510923:x", read_at=read_at,
        )
        old.get_model("tasks", "DigestRun").objects.create(
            day=dt.date(2026, 3, 1), notifications=3, emails=1
        )
    finally:
        _migrate(_latest())

    from django.contrib.contenttypes.models import ContentType

    from bianzhi.inbox.models import DigestRun, Notification

    tables = connection.introspection.table_names()
    assert "inbox_notification" in tables and "tasks_notification" not in tables
    assert "inbox_digestrun" in tables and "tasks_digestrun" not in tables
    moved = Notification.objects.get(pk=kept.pk)
    assert (moved.user_id, moved.kind, moved.kind_label, moved.title, moved.body, moved.url) == (
        daying_officer.pk, "rule", "规则问题", "新增阻止级问题1个：大英县", "蓬莱镇：超编", "/rules/"
    )
    assert moved.key == "rule-block:510923:x" and moved.read_at == read_at
    run = DigestRun.objects.get(day=dt.date(2026, 3, 1))
    assert (run.notifications, run.emails) == (3, 1)
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Notification).app_label == "inbox"
    assert not ContentType.objects.filter(app_label="tasks", model="notification").exists()
    # The key stays unique per user in the renamed table.
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=daying_officer, kind="rule", title="重复", key=moved.key)
