"""The last resort when SQLite stays locked: a Chinese 503 instead of a 500.

With WAL, IMMEDIATE transactions and the busy timeout (settings.py) writers
queue for the write lock; only a writer that waited the whole timeout (behind
a long import, say) still gets ``OperationalError: database is locked``. That
is the server being busy, not a fault of the request: the user is told to try
again, with ``Retry-After``.

``DatabaseBusyMiddleware`` turns the error into the 503 when a view raises it;
``server_error`` (``handler500``) does the same when it comes from elsewhere
(the session save after the view, for instance) and otherwise shows the
Chinese 500 page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 10
BUSY_MESSAGE = "系统繁忙，请稍后重试。"


def is_database_busy(exc: BaseException | None) -> bool:
    """SQLite's "database is locked" / "database table is locked"."""
    return isinstance(exc, OperationalError) and "is locked" in str(exc)


def busy_response(request: HttpRequest) -> HttpResponse:
    # Rendered without base.html: the page must not need the database.
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": BUSY_MESSAGE}, status=503)
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            return busy_response(request)
        return None


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while handling the exception."""
    if is_database_busy(sys.exc_info()[1]):
        return busy_response(request)
    # The request id (web.requestlog) is what the user quotes to the
    # administrator; the log line with the traceback carries the same id.
    context = {"request_id": getattr(request, "request_id", "")}
    return HttpResponse(render_to_string("500.html", context), status=500)
