"""The start page tells users when they last logged in and which attempts on
their account failed since."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

PASSWORD = "Xq7-test-pass"


def _login(client: Any, username: str, password: str, address: str) -> Any:
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_the_previous_login_and_the_failures_since_are_shown(daying_officer: Any) -> None:
    first = Client()
    assert _login(first, "daying", PASSWORD, "10.0.0.1").status_code == 302
    first.logout()
    stranger = Client()
    _login(stranger, "daying", "guess-1", "198.51.100.9")
    _login(stranger, "daying", "guess-2", "198.51.100.9")
    _login(stranger, "tongwei-nobody", "x", "198.51.100.9")  # another name: not shown
    second = Client()
    assert _login(second, "daying", PASSWORD, "10.0.0.2").status_code == 302
    body = second.get(reverse("web:home")).content.decode()
    assert "上次登录：" in body and "10.0.0.1" in body
    assert "自上次登录以来，您的账号有 2 次登录失败" in body
    assert body.count("198.51.100.9") == 2 and "密码错误" in body


def test_failures_are_no_news_after_the_next_login(daying_officer: Any) -> None:
    client = Client()
    _login(client, "daying", "wrong", "198.51.100.9")
    _login(client, "daying", PASSWORD, "10.0.0.1")
    assert "1 次登录失败" in client.get(reverse("web:home")).content.decode()
    client.logout()
    _login(client, "daying", PASSWORD, "10.0.0.2")
    body = client.get(reverse("web:home")).content.decode()
    assert "登录失败" not in body and "10.0.0.1" in body


def test_nothing_is_shown_without_history(login: Any, daying_officer: Any) -> None:
    body = login(daying_officer).get(reverse("web:home")).content.decode()
    assert "上次登录" not in body and "登录失败" not in body
