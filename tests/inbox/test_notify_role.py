"""notify_role, the helper other apps use to reach "every user with role R in
region X", and the daily digest carrying their messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from bianzhi.accounts.services import user_create
from bianzhi.inbox.models import Notification
from bianzhi.inbox.services import notify_daily, notify_role

pytestmark = pytest.mark.django_db


def _notify(region: Any, role: str, **kwargs: Any) -> list[Any]:
    defaults: dict[str, Any] = {"kind": "approval", "title": "待审核：测试", "key": "test:1", "url": "/x/"}
    defaults.update(kwargs)
    return notify_role(region=region, role=role, **defaults)


def test_only_holders_of_the_role_in_the_region_are_notified(
    regions: Any, daying_officer: Any, penglai_user: Any, tongwei_officer: Any, suining_viewer: Any
) -> None:
    assert _notify(regions["510923"], "officer") == [daying_officer]
    assert _notify(regions["510923"], "township") == []  # penglai is below, not in, the county
    assert _notify(regions["510923"], "township", below=True, key="test:2") == [penglai_user]
    assert not Notification.objects.filter(user__in=[tongwei_officer, suining_viewer]).exists()


def test_a_repeated_key_adds_nothing_and_inactive_users_are_skipped(regions: Any, daying_officer: Any) -> None:
    other = user_create(username="daying2", password="x", region=regions["510923"], roles=["officer"], validate=False)
    other.is_active = False
    other.save()
    _notify(regions["510923"], "officer")
    assert _notify(regions["510923"], "officer") == []
    assert Notification.objects.filter(key="test:1").count() == 1


def test_a_url_function_gives_each_user_their_own_region_page(regions: Any, penglai_user: Any) -> None:
    longsheng = user_create(username="ls", password="x", region=regions["510923101"], roles=["township"], validate=False)
    _notify(regions["510923"], "township", below=True, url=lambda r: f"/townships/{r.code}/")
    assert Notification.objects.get(user=penglai_user).url == "/townships/510923100/"
    assert Notification.objects.get(user=longsheng).url == "/townships/510923101/"


def test_the_digest_e_mails_what_other_apps_put_in_the_inbox_once(
    regions: Any, daying_officer: Any, settings: Any
) -> None:
    settings.BIANZHI_EMAIL_ENABLED = True
    settings.BIANZHI_SITE_URL = "https://bianzhi.example.cn"
    daying_officer.email = "daying@example.cn"
    daying_officer.save()
    _notify(regions["510923"], "approver", title="待审核测算方案：2026年方案", url="/plans/7/")
    _notify(regions["510923"], "approver", title="已读的消息", key="test:read")
    Notification.objects.filter(key="test:read").update(read_at=timezone.now())
    notify_daily(today=dt.date(2026, 3, 2))
    [email] = mail.outbox
    assert "待审核测算方案：2026年方案\n  https://bianzhi.example.cn/plans/7/" in email.body
    assert "已读的消息" not in email.body and "（1 项）" in email.subject
    notify_daily(today=dt.date(2026, 3, 3))  # already e-mailed: not again
    assert len(mail.outbox) == 1
