"""What goes into the daily digest: sources registered by the apps.

The inbox knows nothing of deadlines or findings. An app that wants to tell a
user about something every day (``tasks``: tasks due soon or overdue, open
findings, close-outs awaiting approval) registers a source from its
``AppConfig.ready()``::

    from bianzhi.inbox.digest import DigestItem, digest_source_register

    def _items(*, user, today, warn_days):
        yield DigestItem(kind=DEADLINE, key=f"deadline:{task.pk}:overdue", title=..., url=...)

    digest_source_register("tasks", _items)

``notify_daily`` asks every source for every user with a role (or
superuser), puts the items in the inbox (keyed: repeats add nothing) and
e-mails them with whatever else the user has not read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class DigestItem:
    """One message of the digest. ``key`` names the event (and the day, if it
    is to be repeated daily), so that a rerun adds nothing."""

    kind: str
    key: str
    title: str
    body: str = ""
    url: str = ""


class DigestSource(Protocol):
    """``user``'s items for ``today``. ``warn_days`` is how many days ahead
    to warn of a deadline; None: the source's own default."""

    def __call__(
        self, *, user: Any, today: dt.date, warn_days: int | None
    ) -> Iterable[DigestItem]: ...


_sources: dict[str, DigestSource] = {}


def digest_source_register(name: str, source: DigestSource) -> None:
    """Add ``source`` to the digest under ``name`` (registering a name again
    replaces its source). Sources run in the order they were registered,
    i.e. the order of INSTALLED_APPS."""
    _sources[name] = source


def digest_sources() -> list[DigestSource]:
    return list(_sources.values())
