"""Periodic work done by the job worker (scheduled backups), and the worker's
heartbeat.

An app registers a callable at start-up (``periodic_register`` in its
``ready()``); `bianzhi worker` calls every registered one about every
``PERIODIC_SECONDS``. The callable decides itself whether anything is due and
must be safe when several workers call it at once (e.g. claim the run with a
unique row), so a lower app never needs to know what the higher one does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bianzhi.jobs.models import WorkerHeartbeat
from bianzhi.kernel import clock

log = logging.getLogger(__name__)

PERIODIC_SECONDS = 300.0
HEARTBEAT_SECONDS = 30.0

PERIODIC: dict[str, Callable[[], object]] = {}


def periodic_register(name: str, call: Callable[[], object]) -> None:
    PERIODIC[name] = call


def periodic_run() -> None:
    """Call every registered periodic function; one failing does not stop the others."""
    for name, call in list(PERIODIC.items()):
        try:
            call()
        except Exception:  # logged; the worker keeps running jobs
            log.exception("periodic %s failed", name)


def heartbeat(name: str) -> None:
    """Record that worker ``name`` is alive (one row per worker process)."""
    now = clock.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            name=name, defaults={"seen_at": now, "started_at": now}
        )
