"""Structured request logging: every request gets an id (``X-Request-ID``),
and one JSON line per request goes to the log with that id, the user, the
status and the duration; every other log line written while the request runs
(errors included) carries the same id, and the 500 page shows it, so a user
can quote it to the administrator, who finds the traceback with ``grep``.

Logged to ``<data folder>/logs/bianzhi.log`` (``BIANZHI_LOG_DIR``), rotated at
``BIANZHI_LOG_MAX_MB`` keeping ``BIANZHI_LOG_BACKUPS`` files (settings.py).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

request_id_var: ContextVar[str] = ContextVar("bianzhi_request_id", default="")
request_var: ContextVar[HttpRequest | None] = ContextVar("bianzhi_request", default=None)

log = logging.getLogger("bianzhi.request")

# An id sent by a reverse proxy is kept (to follow a request through both
# logs) only when it looks like one.
_INCOMING = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


class RequestContextFilter(logging.Filter):
    """Puts the current request's id and user on every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", "") or request_id_var.get()
        record.user = getattr(record, "user", "") or _username(request_var.get())
        return True


def _username(request: HttpRequest | None) -> str:
    """The logged-in user's name if the request already looked it up (never a
    database query from inside logging: the database may be what failed)."""
    user = getattr(request, "_cached_user", None)
    return user.get_username() if user is not None and user.is_authenticated else ""


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id,
    user, and the request fields or the traceback when there are any."""

    FIELDS = ("method", "path", "status", "duration_ms")

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "user": getattr(record, "user", ""),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestLogMiddleware:
    """Outermost middleware: sees every request, including those others refuse."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = request_id_var.set(request_id)
        request_token = request_var.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            log.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path,
                       "status": response.status_code, "duration_ms": duration,
                       "request_id": request_id, "user": _username(request)},
            )
        finally:
            request_id_var.reset(id_token)
            request_var.reset(request_token)
        return response
