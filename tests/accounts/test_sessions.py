"""Concurrent sessions (issue 14 §2): by default a new login ends the old
session, and the old browser is told why."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from tests.conftest import PASSWORD

from bianzhi.accounts.models import SecurityPolicy


def _login(client: Any) -> None:
    client.post(reverse("accounts:login"), {"username": "daying", "password": PASSWORD},
                REMOTE_ADDR="10.0.0.9")


def test_a_new_login_ends_the_old_session_and_the_old_page_says_why(daying_officer: Any) -> None:
    first, second = Client(), Client()
    _login(first)
    assert first.get(reverse("web:home")).status_code == 200
    _login(second)
    assert second.get(reverse("web:home")).status_code == 200
    response = first.get(reverse("web:home"), follow=True)
    text = response.content.decode()
    assert response.request["PATH_INFO"] == reverse("accounts:login")
    assert "在另一处登录" in text and "10.0.0.9" in text


def test_the_limit_is_a_policy_setting(daying_officer: Any) -> None:
    SecurityPolicy.objects.update_or_create(pk=1, defaults={"max_sessions": 2})
    first, second = Client(), Client()
    _login(first)
    _login(second)
    assert first.get(reverse("web:home")).status_code == 200
    assert second.get(reverse("web:home")).status_code == 200
