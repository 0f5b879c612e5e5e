"""Every login attempt, through every path, leaves one append-only record:
time, the username as typed, the account if known, address, user agent,
success or the reason in Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from bianzhi.accounts.scope import Scope
from bianzhi.audit.models import AuditImmutableError, LoginEvent
from bianzhi.audit.selectors import login_event_list
from bianzhi.audit.services import login_event_record

PASSWORD = "Xq7-test-pass"
BROWSER = "Mozilla/5.0 (测试浏览器)"


def _web_login(client: Any, username: str, password: str, **extra: Any) -> Any:
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        HTTP_USER_AGENT=BROWSER,
        **extra,
    )


def _token_login(client: Any, username: str, password: str) -> Any:
    return client.post(
        reverse("api-token"), {"username": username, "password": password}, HTTP_USER_AGENT="curl/8"
    )


def _events() -> list[LoginEvent]:
    return list(LoginEvent.objects.order_by("id"))


def test_a_web_login_is_recorded_with_address_and_browser(client: Any, daying_officer: Any) -> None:
    assert _web_login(client, "daying", PASSWORD).status_code == 302
    [event] = _events()
    assert event.succeeded and event.user == daying_officer and event.username == "daying"
    assert event.reason_text == "登录成功" and event.get_channel_display() == "网页"
    assert event.client_address == "127.0.0.1" and event.user_agent == BROWSER
    assert event.at is not None


def test_failures_are_recorded_with_the_reason_in_chinese(client: Any, daying_officer: Any) -> None:
    _web_login(client, "daying", "wrong")
    _web_login(client, "nobody", "wrong")
    _web_login(client, "Daying", PASSWORD)  # usernames are case-sensitive
    wrong, unknown, case = _events()
    assert (wrong.succeeded, wrong.user, wrong.reason_text) == (False, daying_officer, "密码错误")
    assert (unknown.user, unknown.username, unknown.reason_text) == (None, "nobody", "用户名不存在")
    assert case.username == "Daying" and case.reason_text == "用户名不存在"


def test_a_deactivated_account_is_recorded_as_such(client: Any, daying_officer: Any) -> None:
    get_user_model().objects.filter(pk=daying_officer.pk).update(is_active=False)
    response = _web_login(client, "daying", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    [event] = _events()
    assert not event.succeeded and event.reason_text == "账号已停用"


def test_the_lockout_and_attempts_while_locked_are_recorded(
    client: Any, daying_officer: Any
) -> None:
    for _ in range(5):
        _web_login(client, "daying", "wrong")
    response = _web_login(client, "daying", PASSWORD)
    assert "账号已锁定" in response.content.decode()
    events = _events()
    assert [e.locked_out for e in events[:5]] == [False, False, False, False, True]
    assert events[4].reason_text == "密码错误，账号被锁定"
    # The right password while locked: refused, and recorded as refused.
    assert len(events) == 6
    assert not events[5].succeeded and events[5].reason_text == "账号已锁定"
    assert events[5].user == daying_officer


def test_the_api_token_endpoint_records_logins_failures_and_locks(
    client: Any, daying_officer: Any
) -> None:
    assert _token_login(client, "daying", PASSWORD).status_code == 200
    for _ in range(5):
        _token_login(client, "daying", "wrong")
    assert _token_login(client, "daying", PASSWORD).status_code == 403
    events = _events()
    assert all(e.get_channel_display() == "API 令牌" for e in events)
    assert all(e.user_agent == "curl/8" for e in events)
    assert [e.reason_text for e in events] == [
        "登录成功",
        *["密码错误"] * 4,
        "密码错误，账号被锁定",
        "账号已锁定",
    ]


def test_the_admin_site_form_logs_nobody_in(client: Any, superuser: Any) -> None:
    # The admin site's own login form would skip the second factor and the
    # session limit: it sends everyone to the site's login page instead.
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _events() == []


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(
    client: Any, daying_officer: Any
) -> None:
    _web_login(client, "daying", "wrong", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert _events()[0].client_address == "127.0.0.1"


@override_settings(BIANZHI_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_address_it_saw_is_recorded(client: Any, daying_officer: Any) -> None:
    # The client typed the first address; the proxy appended the real one.
    _web_login(
        client,
        "daying",
        "wrong",
        HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7",
        REMOTE_ADDR="10.0.0.2",
    )
    assert _events()[0].client_address == "203.0.113.7"


# --- append-only --------------------------------------------------------------------------


@pytest.fixture
def event(daying_officer: Any) -> LoginEvent:
    return login_event_record(
        request=None, username="daying", user=daying_officer, reason="wrong_password"
    )


def test_login_records_cannot_be_changed_or_deleted(event: LoginEvent) -> None:
    event.username = "someone"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        LoginEvent.objects.filter(pk=event.pk).update(succeeded=True)
    with pytest.raises(AuditImmutableError):
        LoginEvent.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        LoginEvent.objects.bulk_update([event], ["username"])
    event.refresh_from_db()
    assert event.username == "daying" and not event.succeeded


def test_the_admin_lists_login_records_read_only(
    client: Any, superuser: Any, event: LoginEvent
) -> None:
    client.force_login(superuser)
    listing = client.get(reverse("admin:audit_loginevent_changelist"))
    assert listing.status_code == 200 and "daying" in listing.content.decode()
    assert client.get(reverse("admin:audit_loginevent_add")).status_code == 403
    delete = reverse("admin:audit_loginevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert LoginEvent.objects.filter(pk=event.pk).exists()


# --- who may read it ----------------------------------------------------------------------


def test_the_login_history_is_scoped(
    daying_officer: Any,
    penglai_user: Any,
    tongwei_officer: Any,
    suining_viewer: Any,
    superuser: Any,
) -> None:
    for user in (daying_officer, penglai_user, tongwei_officer, suining_viewer):
        login_event_record(request=None, username=user.username, user=user, reason="success")
    login_event_record(request=None, username="ghost", reason="unknown_user")

    def seen(reader: Any, user_id: int | None = None) -> set[str]:
        return {e.username for e in login_event_list(scope=Scope.for_user(reader), user_id=user_id)}

    # 编办管理员: their own and their region's users.
    assert seen(daying_officer) == {"daying", "penglai"}
    # Other roles: only their own.
    assert seen(penglai_user) == {"penglai"}
    assert seen(suining_viewer) == {"suining"}
    assert seen(tongwei_officer) == {"tongwei"}
    assert seen(tongwei_officer, user_id=penglai_user.pk) == set()
    # Superusers: everything, attempts on unknown names too.
    assert seen(superuser) == {"daying", "penglai", "tongwei", "suining", "ghost"}
