"""The inbox pages keep the addresses users know (/tasks/inbox/), are in the
main navigation, and show only one's own messages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bianzhi.inbox.kinds import NotificationKind
from bianzhi.inbox.services import notification_create

pytestmark = pytest.mark.django_db


def test_addresses_and_navigation(daying_officer: Any, login: Any) -> None:
    assert reverse("inbox:list") == "/tasks/inbox/"
    assert reverse("inbox:read", args=[7]) == "/tasks/inbox/7/read/"
    client = login(daying_officer)
    assert 'href="/tasks/inbox/">消息</a>' in client.get("/").content.decode()  # main navigation
    assert 'href="/tasks/inbox/">消息</a>' in client.get("/tasks/").content.decode()  # tasks' own


def test_only_ones_own_messages_are_listed(
    daying_officer: Any, tongwei_officer: Any, login: Any
) -> None:
    notification_create(user=daying_officer, kind=NotificationKind.APPROVAL, title="大英县待审核", key="a")
    notification_create(user=tongwei_officer, kind=NotificationKind.RESULT, title="通渭县结果", key="b")
    page = login(daying_officer).get("/tasks/inbox/").content.decode()
    assert "大英县待审核" in page and "<td>待审核</td>" in page and "通渭县结果" not in page


def test_reading_a_message_without_a_link_stays_in_the_inbox(
    daying_officer: Any, login: Any
) -> None:
    item = notification_create(user=daying_officer, kind=NotificationKind.OTHER, title="通知", key="c")
    assert item is not None
    client = login(daying_officer)
    assert client.get(f"/tasks/inbox/{item.pk}/read/").status_code == 405
    response = client.post(f"/tasks/inbox/{item.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/tasks/inbox/"
    item.refresh_from_db()
    assert item.read_at is not None
