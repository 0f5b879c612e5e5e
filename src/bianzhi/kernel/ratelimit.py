"""Rate limit for requests without login (the published duty lists).

Each client address may make ``BIANZHI_ANON_RATE_LIMIT`` requests per fixed
window of ``BIANZHI_ANON_RATE_WINDOW`` seconds; more get a Chinese 429 page
with ``Retry-After``. Counters are rows of ``RateCounter`` incremented with
one INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.24, PostgreSQL), so several
processes and app servers count together and no increment is lost (the
database cache's ``incr`` is a read then a write and would lose some under
exactly the bursts this is for). Logged-in users are not limited.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from bianzhi.kernel.clientinfo import client_address
from bianzhi.kernel.models import RateCounter


def rate_limit_hit(
    *, scope: str, address: str | None, limit: int, window: int, now: float | None = None
) -> int | None:
    """Count one request; None if allowed, else the seconds until the window ends."""
    now = time.time() if now is None else now
    number = int(now // window)
    ends = (number + 1) * window
    key = f"{scope}:{address or '?'}:{number}"[:200]
    expires = datetime.fromtimestamp(ends, tz=UTC)
    q = connection.ops.quote_name
    table = q(RateCounter._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # The upsert locks the row to the end of the transaction, so the
        # count read back is this request's.
        cursor.execute(
            f"INSERT INTO {table} ({q('key')}, {q('count')}, {q('expires_at')}) "
            f"VALUES (%s, 1, %s) ON CONFLICT ({q('key')}) "
            f"DO UPDATE SET {q('count')} = {table}.{q('count')} + 1",
            [key, connection.ops.adapt_datetimefield_value(expires)],
        )
        count = RateCounter.objects.filter(key=key).values_list("count", flat=True).get()
        if count == 1:
            # First request of a window: clear out the windows that ended.
            RateCounter.objects.filter(expires_at__lt=datetime.fromtimestamp(now, tz=UTC)).delete()
    if count > limit:
        return max(1, math.ceil(ends - now))
    return None


def too_many_requests(retry_after: int) -> HttpResponse:
    # Rendered without base.html: no user, no navigation, no database.
    response = HttpResponse(render_to_string("429.html", {"retry_after": retry_after}), status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit_anonymous(
    scope: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view that works without login: anonymous requests are
    counted per client address under ``scope`` and refused above the limit."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)  # keeps login_not_required's marker
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                retry = rate_limit_hit(
                    scope=scope,
                    address=client_address(request),
                    limit=settings.BIANZHI_ANON_RATE_LIMIT,
                    window=settings.BIANZHI_ANON_RATE_WINDOW,
                )
                if retry is not None:
                    return too_many_requests(retry)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
