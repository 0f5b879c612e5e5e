"""Structured request logs: an id per request (header, log line, 500 page),
the user and the duration, as JSON lines."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import RequestFactory

from bianzhi.web.busy import server_error
from bianzhi.web.requestlog import JsonFormatter, RequestContextFilter

pytestmark = pytest.mark.django_db


def _request_lines(caplog: Any) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bianzhi.request"]


def test_every_request_gets_an_id_and_one_json_line_with_user_and_duration(
    login: Any, daying_officer: Any, caplog: Any
) -> None:
    client = login(daying_officer)
    with caplog.at_level(logging.INFO, logger="bianzhi.request"):
        response = client.get("/jobs/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 16
    (record,) = _request_lines(caplog)
    RequestContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == request_id
    assert line["user"] == "daying"
    assert line["status"] == 200 and line["path"] == "/jobs/" and line["method"] == "GET"
    assert isinstance(line["duration_ms"], float)


def test_a_proxy_request_id_is_kept_only_when_it_looks_like_one(client: Any) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-0123456789ab")["X-Request-ID"] == (
        "nginx-0123456789ab"
    )
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_the_error_page_shows_the_request_id() -> None:
    request = RequestFactory().get("/")
    request.request_id = "3f2a9c01d4e5b6a7"  # type: ignore[attr-defined]
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert "请求编号：<code>3f2a9c01d4e5b6a7</code>" in response.content.decode()


def test_an_error_logged_during_a_request_carries_its_id(caplog: Any) -> None:
    from bianzhi.web.requestlog import request_id_var

    token = request_id_var.set("abcdef0123456789")
    try:
        try:
            raise ValueError("bad")
        except ValueError:
            logging.getLogger("django.request").exception("Internal Server Error: /x")
    finally:
        request_id_var.reset(token)
    record = next(r for r in caplog.records if r.name == "django.request")
    RequestContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abcdef0123456789"
    assert "ValueError: bad" in line["error"]
