"""Writes for accounts: users, roles, departments, the login lockout and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q

from bianzhi.accounts.models import ApiToken, Department, LoginThrottle, Role, User, UserRole
from bianzhi.accounts.scope import Scope
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many
from bianzhi.kernel import clock
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Level, Region


def _normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_locked_until(*, username: str, now: datetime | None = None) -> datetime | None:
    """When the lock on ``username`` ends, or None if it is not locked."""
    now = now or clock.now()
    row = LoginThrottle.objects.filter(username=_normalise(username)).first()
    if row and row.locked_until and row.locked_until > now:
        return row.locked_until
    return None


@transaction.atomic
def login_failure_record(*, username: str, now: datetime | None = None) -> int:
    """Count one failed login; lock the name after the configured number of failures.

    Returns the number of consecutive failures. The increment is a single
    UPDATE so concurrent attempts on several app servers cannot lose counts.
    """
    now = now or clock.now()
    name = _normalise(username)
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(username=name)
    if row.locked_until and row.locked_until <= now:
        # The previous lock has run out: start counting afresh.
        LoginThrottle.objects.filter(pk=row.pk).update(failures=0, locked_until=None)
    LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1, last_failure_at=now)
    row.refresh_from_db()
    if row.failures >= settings.BIANZHI_LOCKOUT_FAILURES and row.locked_until is None:
        row.locked_until = now + timedelta(minutes=settings.BIANZHI_LOCKOUT_MINUTES)
        row.save(update_fields=["locked_until"])
    return row.failures


def login_success_record(*, username: str) -> None:
    """A successful login clears the failure count."""
    LoginThrottle.objects.filter(username=_normalise(username)).delete()


def _check_region_for_roles(
    region: Region | None, roles: set[str], department: Department | None
) -> None:
    if region is None:
        raise ServiceError("用户必须属于一个行政区划")
    if Role.TOWNSHIP in roles and region.level != Level.TOWNSHIP:
        raise ServiceError("乡镇用户必须属于一个乡镇（街道）")
    if Role.DEPARTMENT in roles and (
        region.level != Level.COUNTY or department is None or department.county_id != region.pk
    ):
        raise ServiceError("部门用户必须属于本县的一个部门")


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    region: Region | None,
    roles: Iterable[str],
    department: Department | None = None,
    is_superuser: bool = False,
    full_name: str = "",
    validate: bool = True,
    actor: User | None = None,
) -> User:
    """Create a user with a region and roles (superusers need neither).

    ``password=None`` leaves the account without a usable password.
    ``validate`` runs Django's password validators (the demo turns it off).
    """
    role_set = {Role(r).value for r in roles}
    if not is_superuser:
        _check_region_for_roles(region, role_set, department)
    user = User(
        username=username,
        region=region,
        department=department,
        is_superuser=is_superuser,
        is_staff=is_superuser,
        first_name=full_name,
    )
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            validate_password(password, user)
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    UserRole.objects.bulk_create(UserRole(user=user, role=r) for r in sorted(role_set))
    audit_record(
        actor=actor,
        action="create",
        obj=user,
        region_code=region.code if region else "",
        after={
            "username": username,
            "region": region.code if region else "",
            "roles": sorted(role_set),
        },
    )
    return user


@transaction.atomic
def user_roles_set(*, user: User, roles: Iterable[str], actor: User | None = None) -> User:
    """Replace the user's roles."""
    new = {Role(r).value for r in roles}
    old = set(user.role_set())
    if not user.is_superuser:
        _check_region_for_roles(user.region, new, user.department)
    if new == old:
        return user
    UserRole.objects.filter(user=user).exclude(role__in=new).delete()
    UserRole.objects.bulk_create(UserRole(user=user, role=r) for r in sorted(new - old))
    user._role_cache = frozenset(new)
    audit_record(
        actor=actor,
        action="update",
        obj=user,
        region_code=user.region.code if user.region else "",
        before={"roles": sorted(old)},
        after={"roles": sorted(new)},
    )
    return user


@transaction.atomic
def department_create(*, county: Region, name: str, actor: User | None = None) -> Department:
    if county.level != Level.COUNTY:
        raise ServiceError("部门只能属于县")
    department = Department.objects.create(county=county, name=name)
    audit_record(
        actor=actor,
        action="create",
        obj=department,
        region_code=county.code,
        after={"name": name, "county": county.code},
    )
    return department


# --- API tokens ---------------------------------------------------------------
# Writing last_used_at on every request would be one UPDATE per API call;
# once a minute is precise enough to tell a token in use from an idle one.
TOKEN_TOUCH_EVERY = timedelta(minutes=1)


def api_token_hash(key: str) -> str:
    """The stored form of a token key (hex SHA-256)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _token_audit_label(token: ApiToken) -> str:
    return f"{token.user.get_username()} 的 {token}"


def _region_code(user: User) -> str:
    return user.region.code if user.region_id and user.region else ""


@transaction.atomic
def api_token_issue(
    *,
    user: User,
    name: str = "",
    client_address: str | None = None,
    hours: float | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a new token for ``user``; returns the row and the key.

    The key is returned here only (the database keeps its hash): show it
    once. Every call makes a new token, so two clients never share one and
    revoking one leaves the others working. ``hours`` defaults to
    ``settings.BIANZHI_API_TOKEN_HOURS``.
    """
    now = now or clock.now()
    lifetime = timedelta(hours=hours if hours is not None else settings.BIANZHI_API_TOKEN_HOURS)
    key = secrets.token_urlsafe(32)  # 256 random bits
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or "API 令牌",
        key_hash=api_token_hash(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + lifetime,
        client_address=client_address or None,
    )
    audit_record(
        actor=user,
        action="create",
        obj=token,
        object_label=_token_audit_label(token),
        region_code=_region_code(user),
        # Never the key or its hash: the audit trail is readable by others.
        after={
            "user": user.get_username(),
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
            "client_address": token.client_address,
        },
    )
    return token, key


def api_token_touch(*, token: ApiToken, now: datetime) -> None:
    """Record that ``token`` was used (at most one write a minute).

    Not audited: using a token changes nobody's data, and the audit trail
    would drown in one record per API call.
    """
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_TOUCH_EVERY:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_TOUCH_EVERY), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now


def api_token_may_manage(*, actor: User, token: ApiToken) -> bool:
    """The owner, and an 编办管理员 over the owner's region (or a superuser)."""
    if not actor.is_active:
        return False
    if token.user_id == actor.pk:
        return True
    return Scope.for_user(actor).can_edit(token.user.region)


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, actor: User, reason: str = "", now: datetime | None = None
) -> bool:
    """Revoke ``token`` (refused unless ``api_token_may_manage``).

    Returns False, writing nothing, when it was already revoked; an expired
    token is still revoked (and audited) so that the list says so.
    """
    if not api_token_may_manage(actor=actor, token=token):
        raise PermissionDenied("无权注销该 API 令牌")
    now = now or clock.now()
    # A conditional UPDATE: two servers revoking at once audit it once.
    if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    ):
        return False
    token.revoked_at, token.revoked_by = now, actor
    audit_record(
        actor=actor,
        action="update",
        obj=token,
        object_label=_token_audit_label(token),
        region_code=_region_code(token.user),
        before={"revoked_at": None},
        after={"revoked_at": now.isoformat(), "revoked_by": actor.get_username()},
        reason=reason or "注销 API 令牌",
    )
    return True


@transaction.atomic
def api_tokens_revoke_all(
    *, user: User, actor: User, reason: str = "", now: datetime | None = None
) -> int:
    """Revoke every token of ``user`` that still works; returns how many."""
    now = now or clock.now()
    tokens = list(
        # Lock the token rows only (PostgreSQL cannot lock the nullable
        # side of the join to the region): a concurrent revocation waits and
        # then finds them revoked, so each is audited once.
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("user__region")
        .filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    )
    for token in tokens:
        if not api_token_may_manage(actor=actor, token=token):
            raise PermissionDenied("无权注销该 API 令牌")
    if not tokens:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=now, revoked_by=actor)
    audit_record_many(
        actor=actor,
        action="update",
        entries=[
            AuditEntry(
                object_type=ApiToken._meta.label_lower,
                object_id=str(t.pk),
                object_label=_token_audit_label(t),
                region_code=_region_code(user),
                before={"revoked_at": None},
                after={"revoked_at": now.isoformat(), "revoked_by": actor.get_username()},
            )
            for t in tokens
        ],
        reason=reason or "注销全部 API 令牌",
    )
    return len(tokens)
