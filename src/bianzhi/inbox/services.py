"""Writes of the inbox: messages to users and to role holders, read marks,
the daily digest.

Messages are how apps tell "whoever must act" about their events::

    notify_role(region=county, role=Role.APPROVER, kind=NotificationKind.APPROVAL, ...)

The kind must be registered (``bianzhi.inbox.kinds``). Sending is not
audited: a message is the consequence of a write the calling service has
already audited, in the same transaction. ``notify_*`` run inside the
caller's transaction; a repeated ``key`` adds nothing, so callers need not
check whether they already told someone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from bianzhi.accounts.models import User
from bianzhi.inbox.digest import DigestItem, digest_sources
from bianzhi.inbox.kinds import kind_require
from bianzhi.inbox.models import DigestRun, Notification
from bianzhi.kernel import clock
from bianzhi.regions.models import Region


def notification_create(
    *, user: User, kind: str, title: str, key: str, body: str = "", url: str = ""
) -> Notification | None:
    """Put a message in ``user``'s inbox; None if one with ``key`` is already there.

    Pick a ``key`` that names the event, so repeating it adds nothing.
    """
    kind_require(kind)
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user, kind=kind, title=title[:255], body=body, url=url, key=key[:200]
            )
    except IntegrityError:
        return None


def role_holders(
    *, region: Region | Sequence[Region], role: str, below: bool = False
) -> list[User]:
    """Active users holding ``role`` whose region is ``region`` (or one of
    several regions; with ``below``: that region or any region under it).
    One query whatever the number of regions."""
    regions = [region] if isinstance(region, Region) else list(region)
    if not regions:
        return []
    where = Q(region__in=regions)
    if below:
        where = Q(pk__in=[])
        for r in regions:
            where |= Q(**{f"region__{r.level_field}": r.code})
    return list(
        User.objects.filter(where, is_active=True, role_grants__role=role)
        .select_related("region")
        .distinct()
        .order_by("id")
    )


def notify_users(
    *, users: Iterable[User], kind: str, title: str, key: str, body: str = "", url: str = ""
) -> list[User]:
    """Put the same message in each user's inbox; returns the users for whom it
    was new. Keyed like ``notification_create`` (a repeated ``key`` adds
    nothing), but in two queries whatever the number of users, so services
    can call it inside their own transaction."""
    kind_require(kind)
    targets = {u.pk: u for u in users}
    if not targets:
        return []
    key = key[:200]
    already = set(
        Notification.objects.filter(key=key, user_id__in=list(targets)).values_list(
            "user_id", flat=True
        )
    )
    new = [u for pk, u in targets.items() if pk not in already]
    # ignore_conflicts: a concurrent writer of the same key loses quietly,
    # as notification_create's IntegrityError path does.
    Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, title=title[:255], body=body, url=url, key=key)
            for u in new
        ],
        ignore_conflicts=True,
    )
    return new


def notify_role(
    *,
    region: Region,
    role: str,
    kind: str,
    title: str,
    key: str,
    body: str = "",
    url: str | Callable[[Region], str] = "",
    below: bool = False,
) -> list[User]:
    """Notify every active user holding ``role`` in ``region`` (with ``below``,
    also in the regions under it: e.g. every 乡镇用户 of a county). Superusers
    have no region and are not targeted. Returns the users newly notified.

    ``url`` is the page to act on, or a function of the recipient's region
    giving it (with ``below``, each township user gets their own township's
    page).
    """
    kind_require(kind)
    users = role_holders(region=region, role=role, below=below)
    if not callable(url):
        return notify_users(users=users, kind=kind, title=title, key=key, body=body, url=url)
    by_url: dict[str, list[User]] = {}
    for user in users:
        # role_holders only returns users with a region.
        by_url.setdefault(url(user.region) if user.region else "", []).append(user)
    notified: list[User] = []
    for link, group in by_url.items():
        notified += notify_users(users=group, kind=kind, title=title, key=key, body=body, url=link)
    return notified


@transaction.atomic
def notification_mark_read(*, user: Any, notification: Notification) -> None:
    if notification.user_id != user.pk:
        raise PermissionDenied("不能修改他人的消息")
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])


# --- the daily digest ------------------------------------------------------------------


@dataclass
class DigestResult:
    day: dt.date
    skipped: bool = False
    notifications: int = 0
    emails: int = 0
    users: list[str] = field(default_factory=list)


def _items_for(user: User, today: dt.date, warn_days: int | None) -> list[DigestItem]:
    items: list[DigestItem] = []
    for source in digest_sources():
        items.extend(source(user=user, today=today, warn_days=warn_days))
    return items


def notify_daily(
    *, today: dt.date, warn_days: int | None = None, force: bool = False
) -> DigestResult:
    """The daily digest: inbox messages from every registered digest source
    (``bianzhi.inbox.digest``; ``tasks``: deadlines, pending approvals and
    findings), and one e-mail per user when e-mail is configured.

    Idempotent per day: a second run on the same ``today`` does nothing
    (unless ``force``); inbox messages are keyed, so even a forced rerun adds
    no duplicates. Safe against two concurrent runs: the day's ``DigestRun``
    row is claimed first and only one run can create it.
    """
    with transaction.atomic():
        run, created = DigestRun.objects.get_or_create(day=today)
    if not created and not force:
        return DigestResult(day=today, skipped=True)
    result = DigestResult(day=today)
    users = (
        User.objects.filter(is_active=True)
        .annotate(n_roles=Count("role_grants"))
        .filter(Q(n_roles__gt=0) | Q(is_superuser=True))
        .select_related("region", "department")
    )
    email_on = bool(getattr(settings, "BIANZHI_EMAIL_ENABLED", False))
    base_url = getattr(settings, "BIANZHI_SITE_URL", "").rstrip("/")
    for user in users:
        items = _items_for(user, today, warn_days)
        new = 0
        for item in items:
            if notification_create(
                user=user, kind=item.kind, key=item.key, title=item.title, body=item.body, url=item.url
            ):
                new += 1
        result.notifications += new
        if not (email_on and user.email):
            continue
        # What other apps put in the inbox since the last digest (plans to
        # approve, opinions to give, new block findings …) goes out with
        # today's items, once: emailed_at is set below.
        keys = {item.key for item in items}
        inbox = [
            (n.title, n.url)
            for n in Notification.objects.filter(
                user=user, read_at__isnull=True, emailed_at__isnull=True
            ).order_by("created_at", "id")
            if n.key not in keys
        ]
        entries = [(item.title, item.url) for item in items] + inbox
        lines = [f"{title}\n  {base_url}{url}" for title, url in entries]
        if lines:
            send_mail(
                subject=f"【编制系统】{today:%Y年%m月%d日} 待办提醒（{len(lines)} 项）",
                message="您好：\n\n以下事项需要关注：\n\n"
                + "\n".join(lines)
                + "\n\n（本邮件由系统自动发送）",
                from_email=None,
                recipient_list=[user.email],
            )
            Notification.objects.filter(user=user, emailed_at__isnull=True).update(
                emailed_at=clock.now()
            )
            result.emails += 1
            result.users.append(user.username)
    DigestRun.objects.filter(pk=run.pk).update(
        notifications=result.notifications, emails=result.emails
    )
    return result
