"""The inbox and the daily digest (`bianzhi notify --once`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from click.testing import CliRunner
from django.core import mail

from bianzhi.inbox.models import DigestRun, Notification
from bianzhi.inbox.services import notify_daily


def test_digest_fills_inboxes_and_is_idempotent_per_day(
    plan: Any, daying_officer: Any, penglai_user: Any, settings: Any
) -> None:
    settings.BIANZHI_EMAIL_ENABLED = True
    daying_officer.email = "daying@example.cn"
    daying_officer.save()
    day = dt.date(2021, 5, 28)  # task 1 overdue, 2 due in 3 days
    first = notify_daily(today=day)
    assert not first.skipped
    titles = set(Notification.objects.filter(user=penglai_user).values_list("title", flat=True))
    assert any(t.startswith("已逾期：盘活用好镇村公有资产工作方案 第1项") for t in titles)
    assert any(t.startswith("即将到期：盘活用好镇村公有资产工作方案 第2项") for t in titles)
    assert first.emails == 1 and len(mail.outbox) == 1  # only the officer has an address
    assert "待办提醒" in mail.outbox[0].subject
    count = Notification.objects.count()
    again = notify_daily(today=day)
    assert again.skipped and Notification.objects.count() == count and len(mail.outbox) == 1
    forced = notify_daily(today=day, force=True)
    assert forced.notifications == 0  # keyed messages are not duplicated
    assert DigestRun.objects.filter(day=day).count() == 1


def test_no_email_without_smtp(plan: Any, daying_officer: Any) -> None:
    daying_officer.email = "daying@example.cn"
    daying_officer.save()
    notify_daily(today=dt.date(2021, 5, 28))
    assert mail.outbox == []


def test_inbox_read_marks_and_redirects(
    plan: Any, login: Any, penglai_user: Any, tongwei_officer: Any
) -> None:
    notify_daily(today=dt.date(2021, 5, 28))
    item = Notification.objects.filter(user=penglai_user).first()
    assert item is not None
    client = login(tongwei_officer)
    assert client.post(f"/tasks/inbox/{item.pk}/read/").status_code == 404
    client = login(penglai_user)
    response = client.post(f"/tasks/inbox/{item.pk}/read/")
    assert response.status_code == 302 and response["Location"] == item.url
    item.refresh_from_db()
    assert item.read_at is not None


def test_notify_command_once(plan: Any) -> None:
    from bianzhi.cli.main import main

    runner = CliRunner()
    result = runner.invoke(main, ["notify", "--once", "--date", "2021-05-28"])
    assert result.exit_code == 0, result.output
    assert "新消息" in result.output
    result = runner.invoke(main, ["notify", "--once", "--date", "2021-05-28"])
    assert "今天的提醒已发送过" in result.output
