"""The one clock of the project: ``now()`` and ``today()``.

Every "what time is it" of the apps goes through here instead of
``timezone.now()``, ``timezone.localdate()`` or ``date.today()``, so that a
test can freeze time for the whole program (views, services, the command
line and the live server thread of the browser tests alike) with
``frozen(at)`` or the ``clock`` fixture of ``tests/conftest.py``.

``now()`` is timezone-aware (UTC, as Django stores it); ``today()`` is the
local date in ``settings.TIME_ZONE`` (Asia/Shanghai): a deadline falls due at
local midnight, not at UTC midnight, which is 08:00 in China.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

# A process-wide setting, not a context variable: the browser tests' live
# server answers from another thread and must see the same frozen time.
_frozen_at: dt.datetime | None = None


def now() -> dt.datetime:
    """The current moment, timezone-aware (frozen while ``frozen`` is active)."""
    return _frozen_at if _frozen_at is not None else timezone.now()


def today() -> dt.date:
    """Today's local date in ``settings.TIME_ZONE`` (Asia/Shanghai)."""
    return timezone.localdate(now())


def _moment(at: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(at, dt.datetime):
        # A naive moment is read as local time, as a person would write it.
        return at if timezone.is_aware(at) else timezone.make_aware(at)
    # A bare date: noon local time, so that today() is that date and a
    # few hours either way (e.g. a time zone mix-up) cannot change it.
    return timezone.make_aware(dt.datetime.combine(at, dt.time(12)))


@contextmanager
def frozen(at: dt.date | dt.datetime) -> Iterator[dt.datetime]:
    """Freeze ``now()`` and ``today()`` at ``at`` inside the ``with`` block.

    ``at`` is a date (noon local time that day) or a datetime (a naive one is
    local time). Blocks nest; leaving one restores the clock it found.
    Only this clock stops: Django's ``auto_now`` fields and the database's own
    time still run.
    """
    global _frozen_at
    previous = _frozen_at
    _frozen_at = _moment(at)
    try:
        yield _frozen_at
    finally:
        _frozen_at = previous
