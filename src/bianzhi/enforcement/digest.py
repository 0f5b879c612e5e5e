"""The enforcement app's part of the daily digest: enforcement certificates
expiring within 30 days (or expired), told to whoever keeps the roster of
the township (编办管理员 above it, the township's 乡镇用户). Registered by
``EnforcementConfig.ready()`` (``bianzhi.inbox.digest``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.urls import reverse

from bianzhi.accounts.scope import scope_for
from bianzhi.core.enforcement import CERTIFICATE_WARN_DAYS
from bianzhi.enforcement.notifications import CERTIFICATE
from bianzhi.enforcement.selectors import WRITER_ROLES, expiring_certificates
from bianzhi.inbox.digest import DigestItem


def certificate_digest(*, user: Any, today: dt.date, warn_days: int | None) -> Iterator[DigestItem]:
    """One message per certificate: once when it comes within 30 days of its
    expiry, once more when it has expired (keys name the event)."""
    scope = scope_for(user)
    if not (scope.is_superuser or scope.roles & WRITER_ROLES):
        return
    for person in expiring_certificates(scope=scope, today=today, days=CERTIFICATE_WARN_DAYS):
        expiry = person.certificate_expiry
        assert expiry is not None
        expired = expiry < today
        yield DigestItem(
            kind=CERTIFICATE,
            key=f"certificate:{person.pk}:{expiry.isoformat()}:{'expired' if expired else 'due'}",
            title=(
                f"执法证{'已过期' if expired else '即将到期'}：{person.region.name} {person.name}"
                f"（有效期至 {expiry:%Y-%m-%d}）"
            ),
            body=f"执法证号 {person.certificate_number or '未登记'}，请及时办理换证或年审。",
            url=reverse("roster:detail", args=[person.pk]),
        )
