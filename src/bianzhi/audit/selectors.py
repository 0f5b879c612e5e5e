"""Reading the audit trail and the login history, always within the reader's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from bianzhi.accounts.models import Role
from bianzhi.accounts.scope import Scope
from bianzhi.audit.models import AuditRecord, AuditVerification, LoginEvent
from bianzhi.audit.services import object_type_of
from bianzhi.kernel import clock


def audit_readable(*, scope: Scope) -> bool:
    """三权分立: the 系统管理员 and the 安全管理员 do not read the audit
    trail; the 审计管理员 and the business roles read their region's."""
    return not (scope.roles & {Role.SYSADMIN, Role.SECADMIN})


def audit_exportable(*, scope: Scope) -> bool:
    """Only the 审计管理员 exports the trail and runs the verification."""
    return Role.AUDITOR in scope.roles and scope.region is not None


def audit_record_list(
    *,
    scope: Scope,
    object_type: str = "",
    object_id: str = "",
    region_code: str = "",
    action: str = "",
    actor: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditRecord]:
    """Records the user may read (region code under theirs), newest first,
    filtered (``since``/``until`` are local dates, both included)."""
    if not audit_readable(scope=scope):
        return AuditRecord.objects.none()
    qs = AuditRecord.objects.filter(scope.code_q("region_code")).select_related("actor")
    if actor:
        qs = qs.filter(actor_name=actor)
    if since:
        qs = qs.filter(at__gte=_local_midnight(since))
    if until:
        qs = qs.filter(at__lt=_local_midnight(until + timedelta(days=1)))
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if region_code:
        qs = qs.filter(region_code__startswith=region_code)
    if action:
        qs = qs.filter(action=action)
    return qs


def audit_history(*, scope: Scope, obj: models.Model) -> QuerySet[AuditRecord]:
    """The 变更记录 of one object, for the ``audit/_history.html`` partial."""
    return audit_record_list(scope=scope, object_type=object_type_of(obj), object_id=str(obj.pk))


def login_event_list(*, scope: Scope, user_id: int | None = None) -> QuerySet[LoginEvent]:
    """Login records the reader may see, newest first (optionally one user's).

    Everyone sees their own; 编办管理员 and the three administrators
    (系统管理员, 安全管理员, 审计管理员) also those of the users of their
    region and below; superusers everything, including attempts on names
    that match no account. Addresses and user agents are personal data, so
    read-only roles see no one else's.
    """
    if scope.is_superuser:
        allowed = Q()
    elif scope.user_id is None:
        allowed = Q(pk__in=[])
    else:
        allowed = Q(user_id=scope.user_id)
        if scope.roles & {Role.OFFICER, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}:
            allowed |= scope.q("user__region")
    qs = LoginEvent.objects.filter(allowed)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    return qs


# Failures older than this are not news when there was no earlier login.
RECENT_FAILURES_DAYS = 30


@dataclass(frozen=True)
class LoginSummary:
    """For the start page: the login before this one and the failed
    attempts on the account since then."""

    previous: LoginEvent | None
    failures: list[LoginEvent]
    failure_count: int


def login_summary(*, scope: Scope, user: Any, shown: int = 5) -> LoginSummary:
    """The user's previous successful login (the newest is this session's)
    and the failures since it (or in the last 30 days), newest first."""
    events = login_event_list(scope=scope, user_id=user.pk)
    successes = list(events.filter(succeeded=True).order_by("-at", "-id")[:2])
    previous = successes[1] if len(successes) > 1 else None
    since = previous.at if previous else clock.now() - timedelta(days=RECENT_FAILURES_DAYS)
    failed = events.filter(succeeded=False, at__gt=since).order_by("-at", "-id")
    failures = list(failed[: shown + 1])
    count = len(failures) if len(failures) <= shown else failed.count()
    return LoginSummary(previous=previous, failures=failures[:shown], failure_count=count)


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def last_verification() -> AuditVerification | None:
    """The latest run of the hash-chain verification (command line or page)."""
    return AuditVerification.objects.order_by("-at", "-id").first()
