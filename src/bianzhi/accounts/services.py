"""Writes for accounts: users, roles, departments, the login lockout and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bianzhi.accounts.models import (
    ADMIN_ROLES,
    ApiToken,
    Department,
    LoginThrottle,
    PasswordHistory,
    RecoveryCode,
    Role,
    SecurityPolicy,
    TotpDevice,
    User,
    UserRole,
    UserSession,
)
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
    _check_separation(role_set)
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
            # Chosen under the policy: the expiry counts from now.
            user.password_changed_at = clock.now()
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if password is not None and validate:
        PasswordHistory.objects.create(user=user, password=user.password, at=clock.now())
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
    _check_separation(new)
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


# --- administration without a shell (issue 14) -------------------------------
# Who may do what (三权分立): a 系统管理员 manages the accounts of their region
# and below (create, edit, disable/enable, reset a password, unlock); a
# 安全管理员 grants and revokes roles, resets a second factor and sets the
# security policy; a 审计管理员 only reads (bianzhi.audit). Nobody manages
# their own account here, nor a superuser's. The superuser made at
# installation may create accounts and grant the three administrator roles
# (to bootstrap), and is audited like everyone.

SELF_REFUSED = "不能在此管理自己的账号；修改自己的密码请用“修改密码”。"
NOT_FOUND = "用户不存在或无权管理"


def _check_separation(roles: set[str]) -> None:
    admin = roles & ADMIN_ROLES
    if admin and len(roles) > 1:
        raise ServiceError(
            "系统管理员、安全管理员、审计管理员三权分立：管理员账号只能有这三种角色中的一种，"
            "且不能兼任其他角色。"
        )


def may_manage_user(*, actor: User, target: User, role: str) -> bool:
    """Whether ``actor`` holds ``role`` (sysadmin or secadmin) over ``target``."""
    if not actor.is_active or actor.pk == target.pk:
        return False
    if actor.is_superuser:
        return True
    if target.is_superuser or role not in actor.role_set() or actor.region is None:
        return False
    return target.region is not None and actor.region.contains(target.region)


def _require(actor: User, target: User, role: str) -> None:
    if actor.pk == target.pk:
        raise ServiceError(SELF_REFUSED)
    if not may_manage_user(actor=actor, target=target, role=role):
        raise PermissionDenied(NOT_FOUND)


def _require_region(actor: User, region: Region | None, role: str) -> None:
    """``region`` must lie under the actor's (the superuser: anywhere)."""
    if actor.is_superuser:
        return
    if role not in actor.role_set() or actor.region is None or region is None:
        raise PermissionDenied("无权在该区划管理用户")
    if not actor.region.contains(region):
        raise PermissionDenied("无权在该区划管理用户")


def _password_set(user: User, password: str, *, must_change: bool, now: datetime) -> None:
    """Set the password and keep its hash in the history (for "not the last N")."""
    user.set_password(password)
    user.must_change_password = must_change
    user.password_changed_at = now
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    PasswordHistory.objects.create(user=user, password=user.password, at=now)


def _validate_password(password: str, user: User) -> None:
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from None


def _user_state(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "full_name": user.first_name,
        "region": user.region.code if user.region_id and user.region else "",
        "department": user.department.name if user.department_id and user.department else "",
        "is_active": user.is_active,
    }


@transaction.atomic
def admin_user_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    region: Region | None,
    department: Department | None,
    password: str,
    roles: Iterable[str] = (),
) -> User:
    """A 系统管理员 creates an account in their region (without roles: the
    安全管理员 grants them). The superuser may give it one administrator
    role (bootstrapping the three). The user must change the initial
    password at first login."""
    role_set = {Role(r).value for r in roles}
    if role_set and not (actor.is_superuser and role_set <= ADMIN_ROLES and len(role_set) == 1):
        raise ServiceError("角色由安全管理员授予；超级管理员只能创建三类管理员之一。")
    _require_region(actor, region, Role.SYSADMIN)
    username = (username or "").strip()
    if not username:
        raise ServiceError("请填写用户名")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"用户名 {username} 已被使用")
    probe = User(username=username, first_name=full_name)
    _validate_password(password, probe)
    if department is not None and (region is None or department.county_id != region.pk):
        raise ServiceError("部门必须属于所选的县")
    user = User(username=username, region=region, department=department, first_name=full_name)
    user.full_clean(exclude=["password"])
    user.save()
    _password_set(user, password, must_change=True, now=clock.now())
    UserRole.objects.bulk_create(UserRole(user=user, role=r) for r in sorted(role_set))
    audit_record(
        actor=actor,
        action="create",
        obj=user,
        region_code=_region_code(user),
        after={**_user_state(user), "roles": sorted(role_set), "must_change_password": True},
        reason="管理员创建账号",
    )
    return user


@transaction.atomic
def admin_user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    region: Region | None,
    department: Department | None,
) -> User:
    """A 系统管理员 changes an account's name, region and department (both
    the old and the new region must be theirs)."""
    _require(actor, user, Role.SYSADMIN)
    _require_region(actor, region, Role.SYSADMIN)
    if department is not None and (region is None or department.county_id != region.pk):
        raise ServiceError("部门必须属于所选的县")
    if not user.is_superuser:
        _check_region_for_roles(region, set(user.role_set()), department)
    before = _user_state(user)
    user.first_name, user.region, user.department = full_name, region, department
    user.save(update_fields=["first_name", "region", "department"])
    after = _user_state(user)
    if after != before:
        audit_record(actor=actor, action="update", obj=user, region_code=_region_code(user),
                     before=before, after=after)
    return user


@transaction.atomic
def admin_user_active_set(*, actor: User, user: User, active: bool, reason: str = "") -> User:
    """Disable (never delete: the history stays) or enable an account. A
    disabled account's sessions end and its API tokens stop at once (both
    check ``is_active``)."""
    _require(actor, user, Role.SYSADMIN)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        sessions_end(user=user, reason="账号已被管理员停用")
    audit_record(
        actor=actor, action="update", obj=user, region_code=_region_code(user),
        before={"is_active": not active}, after={"is_active": active},
        reason=reason[:200] or ("停用账号" if not active else "启用账号"),
    )
    return user


@transaction.atomic
def admin_password_reset(*, actor: User, user: User, password: str) -> User:
    """A 系统管理员 sets a temporary password; the user must change it at the next login."""
    _require(actor, user, Role.SYSADMIN)
    _validate_password(password, user)
    _password_set(user, password, must_change=True, now=clock.now())
    sessions_end(user=user, reason="管理员重置了密码")
    audit_record(
        actor=actor, action="update", obj=user, region_code=_region_code(user),
        after={"password": "已重置（下次登录须修改）"}, reason="重置密码",
    )
    return user


@transaction.atomic
def admin_user_unlock(*, actor: User, user: User) -> bool:
    """Lift the lockout after failed logins; False when it was not locked."""
    _require(actor, user, Role.SYSADMIN)
    deleted, _ = LoginThrottle.objects.filter(username=_normalise(user.username)).delete()
    if not deleted:
        return False
    audit_record(actor=actor, action="update", obj=user, region_code=_region_code(user),
                 after={"locked": False}, reason="解除登录锁定")
    return True


@transaction.atomic
def admin_roles_set(*, actor: User, user: User, roles: Iterable[str]) -> User:
    """A 安全管理员 grants and revokes roles (the superuser only the three
    administrator roles, to bootstrap them)."""
    new = {Role(r).value for r in roles}
    _require(actor, user, Role.SECADMIN)
    if actor.is_superuser and not (new | set(user.role_set())) <= ADMIN_ROLES:
        raise ServiceError("超级管理员只用于设立三类管理员；业务角色由安全管理员授予。")
    _check_separation(new)
    return user_roles_set(user=user, roles=new, actor=actor)


@transaction.atomic
def admin_totp_reset(*, actor: User, user: User) -> bool:
    """A 安全管理员 removes a user's second factor (lost phone); the user
    enrols again at the next login. Not the 系统管理员: whoever resets
    passwords must not also be able to remove the second factor."""
    _require(actor, user, Role.SECADMIN)
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if not deleted:
        return False
    sessions_end(user=user, reason="管理员重置了动态口令")
    audit_record(actor=actor, action="update", obj=user, region_code=_region_code(user),
                 before={"totp": True}, after={"totp": False}, reason="重置动态口令")
    return True


POLICY_FIELDS = ("min_length", "min_classes", "history", "expiry_days", "totp_for_all", "max_sessions")


@transaction.atomic
def security_policy_set(*, actor: User, values: dict[str, object]) -> SecurityPolicy:
    """The 安全管理员 sets the security policy (bounds checked here too)."""
    if Role.SECADMIN not in actor.role_set() or not actor.is_active:
        raise PermissionDenied("只有安全管理员可以设置安全策略")
    bounds = {"min_length": (10, 128), "min_classes": (3, 4), "history": (5, 24),
              "expiry_days": (0, 365), "max_sessions": (0, 10)}
    for name, (low, high) in bounds.items():
        value = values.get(name)
        if not isinstance(value, int) or not low <= value <= high:
            label = getattr(SecurityPolicy._meta.get_field(name), "verbose_name", name)
            raise ServiceError(f"{label}应在 {low} 到 {high} 之间")
    policy = SecurityPolicy.objects.select_for_update().filter(pk=1).first() or SecurityPolicy(pk=1)
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    for name in POLICY_FIELDS:
        setattr(policy, name, values[name] if name != "totp_for_all" else bool(values.get(name)))
    policy.save()
    after = {f: getattr(policy, f) for f in POLICY_FIELDS}
    if after != before:
        audit_record(actor=actor, action="update", obj=policy, object_label="安全策略",
                     before=before, after=after)
    return policy


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """A user changes their own password (the policy applies, history included)."""
    if not user.check_password(old_password):
        raise ServiceError("原密码不正确")
    if old_password == new_password:
        raise ServiceError("新密码不能与原密码相同")
    _validate_password(new_password, user)
    _password_set(user, new_password, must_change=False, now=clock.now())
    audit_record(actor=user, action="update", obj=user, region_code=_region_code(user),
                 after={"password": "已修改"}, reason="用户修改本人密码")
    return user


# --- second factor -------------------------------------------------------------

def totp_required(user: User, policy: SecurityPolicy | None = None) -> bool:
    """The three administrator roles always; everyone when the policy says so."""
    if user.role_set() & ADMIN_ROLES:
        return True
    return (policy or SecurityPolicy.current()).totp_for_all


def totp_enabled(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


@transaction.atomic
def totp_enrol_begin(*, user: User) -> TotpDevice:
    """A new, unconfirmed authenticator secret (replacing an unconfirmed one)."""
    from bianzhi.accounts import totp
    device = TotpDevice.objects.filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise ServiceError("已启用动态口令；如需更换，请安全管理员重置。")
    if device is None:
        device = TotpDevice(user=user)
    device.secret, device.created_at, device.last_step = totp.new_secret(), clock.now(), 0
    device.save()
    return device


@transaction.atomic
def totp_enrol_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the enrolment with a code from the app; returns the recovery
    codes (shown once; only their keyed hashes are kept)."""
    from bianzhi.accounts import totp
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise ServiceError("请先扫描二维码")
    now = clock.now()
    step = totp.matching_step(device.secret, code, now)
    if step is None:
        raise ServiceError("动态口令不正确，请核对手机时间后重试")
    device.confirmed_at, device.last_step = now, step
    device.save(update_fields=["confirmed_at", "last_step"])
    codes = totp.new_recovery_codes()
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=totp.recovery_hash(c)) for c in codes)
    audit_record(actor=user, action="update", obj=user, region_code=_region_code(user),
                 before={"totp": False}, after={"totp": True}, reason="启用动态口令")
    return codes


@transaction.atomic
def totp_verify(*, user: User, code: str) -> bool:
    """Check a second-factor code: a TOTP code (each accepted once) or an
    unused recovery code (then used up, and audited)."""
    from bianzhi.accounts import totp
    device = TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    now = clock.now()
    step = totp.matching_step(device.secret, code, now)
    if step is not None:
        if step <= device.last_step:
            return False  # replayed
        TotpDevice.objects.filter(pk=device.pk).update(last_step=step)
        return True
    spare = RecoveryCode.objects.filter(
        user=user, code_hash=totp.recovery_hash(code), used_at__isnull=True
    ).first()
    if spare is None:
        return False
    RecoveryCode.objects.filter(pk=spare.pk).update(used_at=now)
    left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
    audit_record(actor=user, action="update", obj=user, region_code=_region_code(user),
                 after={"recovery_codes_left": left}, reason="使用恢复码登录")
    return True


# --- concurrent sessions --------------------------------------------------------

def sessions_end(*, user: User, reason: str, keep: str | None = None) -> int:
    """End ``user``'s open sessions except ``keep``; the ended browsers are
    told ``reason`` on the login page. Returns how many ended."""
    open_sessions = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep:
        open_sessions = open_sessions.exclude(session_key=keep)
    keys = list(open_sessions.values_list("session_key", flat=True))
    for key in keys:
        SessionStore(session_key=key).delete()
    if keys:
        UserSession.objects.filter(session_key__in=keys).update(ended_at=clock.now(), end_reason=reason[:200])
    return len(keys)


@transaction.atomic
def session_started(*, user: User, session_key: str, client_address: str | None) -> int:
    """Register a new login's session and end the oldest ones beyond the
    policy's limit (default 1: a new login ends the old session). Not
    audited: the login history records the login itself."""
    now = clock.now()
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "started_at": now, "client_address": client_address,
                  "ended_at": None, "end_reason": ""},
    )
    limit = SecurityPolicy.current().max_sessions
    if not limit:
        return 0
    open_keys = list(
        UserSession.objects.filter(user=user, ended_at__isnull=True)
        .order_by("-started_at", "-id").values_list("session_key", flat=True)
    )
    stale = [k for k in open_keys[limit:] if k != session_key]
    if not stale:
        return 0
    when = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    where = f"（{client_address}）" if client_address else ""
    for key in stale:
        SessionStore(session_key=key).delete()
    UserSession.objects.filter(session_key__in=stale).update(
        ended_at=now, end_reason=f"该账号于 {when} 在另一处登录{where}，本会话已结束。"
    )
    return len(stale)
