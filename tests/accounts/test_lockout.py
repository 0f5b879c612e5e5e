from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from bianzhi.accounts.models import LoginThrottle
from bianzhi.accounts.services import login_failure_record, login_locked_until

PASSWORD = "Xq7-test-pass"


def _post_login(client: Any, username: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_four_failures_do_not_lock(client: Any, daying_officer: Any) -> None:
    for _ in range(4):
        _post_login(client, "daying", "wrong")
    response = _post_login(client, "daying", PASSWORD)
    assert response.status_code == 302


def test_five_failures_lock_the_account_with_a_chinese_message(
    client: Any, daying_officer: Any
) -> None:
    for _ in range(4):
        response = _post_login(client, "daying", "wrong")
        assert "用户名或密码不正确" in response.content.decode()
    response = _post_login(client, "daying", "wrong")
    assert "账号已锁定" in response.content.decode()
    # Even the right password is refused while locked.
    response = _post_login(client, "daying", PASSWORD)
    assert response.status_code == 200
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_expires_after_15_minutes(client: Any, daying_officer: Any) -> None:
    for _ in range(5):
        login_failure_record(username="daying")
    assert login_locked_until(username="daying") is not None
    later = timezone.now() + timedelta(minutes=15, seconds=1)
    assert login_locked_until(username="daying", now=later) is None
    LoginThrottle.objects.filter(username="daying").update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert _post_login(client, "daying", PASSWORD).status_code == 302


def test_a_success_resets_the_count(client: Any, daying_officer: Any) -> None:
    for _ in range(4):
        _post_login(client, "daying", "wrong")
    assert _post_login(client, "daying", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _post_login(client, "daying", "wrong")
    assert _post_login(client, "daying", PASSWORD).status_code == 302


def test_usernames_are_counted_case_insensitively(daying_officer: Any) -> None:
    for name in ["daying", "DAYING", "Daying", " daying", "daYing"]:
        login_failure_record(username=name)
    assert login_locked_until(username="daying") is not None


def test_token_login_has_the_same_lockout(client: Any, daying_officer: Any) -> None:
    url = reverse("api-token")
    for _ in range(4):
        assert client.post(url, {"username": "daying", "password": "x"}).status_code == 400
    response = client.post(url, {"username": "daying", "password": "x"})
    assert response.status_code == 403
    assert "锁定" in response.json()["detail"]
    assert client.post(url, {"username": "daying", "password": PASSWORD}).status_code == 403


@pytest.mark.django_db
def test_unknown_usernames_are_locked_too() -> None:
    for _ in range(5):
        login_failure_record(username="nobody")
    assert login_locked_until(username="nobody") is not None
