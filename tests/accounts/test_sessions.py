"""Concurrent sessions (issue 14 §2): by default a new login ends the old
session, and the old browser is told why."""

from __future__ import annotations

from datetime import UTC
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


def test_the_idle_timeout_moves_forward_at_most_once_a_minute_not_on_every_request(
    daying_officer: Any, clock: Any
) -> None:
    """SessionRefreshMiddleware: a session write per request cost the load
    test a database transaction a click; once a minute keeps the timeout."""
    from datetime import datetime, timedelta

    from django.contrib.sessions.models import Session

    start = clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    client = Client()
    _login(client)
    key = client.cookies["sessionid"].value

    def expiry() -> datetime:
        return Session.objects.get(session_key=key).expire_date

    client.get(reverse("web:home"))  # the first request after the login sets the mark
    first = expiry()
    clock(start + timedelta(seconds=30))
    client.get(reverse("web:home"))
    assert expiry() == first  # within the minute: not written
    clock(start + timedelta(seconds=61))
    client.get(reverse("web:home"))
    assert expiry() > first  # a minute on: the expiry moved forward


def test_an_anonymous_visitor_gets_no_session_row(db: Any) -> None:
    from django.contrib.sessions.models import Session

    Client().get(reverse("accounts:login"))
    assert not Session.objects.exists()
