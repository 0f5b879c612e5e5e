"""Reads of the inbox. A message belongs to one user, not to a region, so
these take the user instead of a ``Scope``: nobody else sees it, whatever
their scope (an administrator neither)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bianzhi.inbox.models import Notification


def inbox(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def inbox_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get(*, user: Any, notification_id: int) -> Notification:
    item = Notification.objects.filter(user=user, pk=notification_id).first()
    if item is None:
        raise Http404("消息不存在")
    return item
