"""SQLite's "database is locked" that outlasts the busy timeout is a Chinese
503 with Retry-After, never a 500; other errors stay a (Chinese) 500."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

LOCKED = OperationalError("database is locked")


def test_a_view_that_meets_a_locked_database_answers_503_in_chinese(
    client: Any, daying_officer: Any
) -> None:
    client.force_login(daying_officer)
    with mock.patch("bianzhi.web.views.region_roots", side_effect=LOCKED):
        response = client.get(reverse("web:home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    body = response.content.decode()
    assert "系统繁忙" in body and "重试" in body


def test_the_api_gets_the_busy_answer_as_json(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    with mock.patch("bianzhi.regions.api.RegionViewSet.get_queryset", side_effect=LOCKED):
        response = client.get("/api/v1/regions/?parent=510923")
    assert response.status_code == 503
    assert response.json() == {"detail": "系统繁忙，请稍后重试。"}


def test_a_lock_after_the_view_saving_the_session_is_also_503(daying_officer: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(daying_officer)
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.save", side_effect=LOCKED):
        response = client.get(reverse("web:home"))
    assert response.status_code == 503 and "系统繁忙" in response.content.decode()


@pytest.mark.parametrize("error", [OperationalError("no such table: x"), RuntimeError("boom")])
def test_other_errors_remain_a_500_in_chinese(daying_officer: Any, error: Exception) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(daying_officer)
    with mock.patch("bianzhi.web.views.region_roots", side_effect=error):
        response = client.get(reverse("web:home"))
    assert response.status_code == 500
    assert "系统错误" in response.content.decode()
