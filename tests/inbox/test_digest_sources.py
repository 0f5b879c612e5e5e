"""The daily digest carries what the apps' digest sources give it: the inbox
itself knows nothing of tasks (bianzhi.inbox.digest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from bianzhi.inbox import digest
from bianzhi.inbox.digest import DigestItem, digest_source_register
from bianzhi.inbox.kinds import NotificationKind, UnknownKind
from bianzhi.inbox.models import DigestRun, Notification
from bianzhi.inbox.services import notify_daily

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_test_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "_sources", {})


def test_each_source_is_asked_for_each_user_with_a_role(
    only_test_sources: None, daying_officer: Any, penglai_user: Any
) -> None:
    asked: list[tuple[str, dt.date, int | None]] = []

    def source(*, user: Any, today: dt.date, warn_days: int | None) -> Iterator[DigestItem]:
        asked.append((user.username, today, warn_days))
        yield DigestItem(
            kind=NotificationKind.OTHER, key=f"test:{today}", title=f"{user.username} 的提醒", url="/x/"
        )

    digest_source_register("test", source)
    result = notify_daily(today=dt.date(2026, 3, 2), warn_days=3)
    assert sorted(asked) == [("daying", dt.date(2026, 3, 2), 3), ("penglai", dt.date(2026, 3, 2), 3)]
    assert result.notifications == 2
    assert Notification.objects.get(user=penglai_user).title == "penglai 的提醒"
    assert DigestRun.objects.get(day=dt.date(2026, 3, 2)).notifications == 2


def test_a_source_giving_an_unregistered_kind_fails_loudly(
    only_test_sources: None, daying_officer: Any
) -> None:
    def source(*, user: Any, today: dt.date, warn_days: int | None) -> list[DigestItem]:
        return [DigestItem(kind="nobody.registered", key="k", title="t")]

    digest_source_register("test", source)
    with pytest.raises(UnknownKind):
        notify_daily(today=dt.date(2026, 3, 2))
    assert not Notification.objects.exists()
