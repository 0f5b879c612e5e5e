"""Writes for accounts: users, roles, departments and the login lockout."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bianzhi.accounts.models import Department, LoginThrottle, Role, User, UserRole
from bianzhi.audit.services import audit_record
from bianzhi.regions.models import Level, Region


def _normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_locked_until(*, username: str, now: datetime | None = None) -> datetime | None:
    """When the lock on ``username`` ends, or None if it is not locked."""
    now = now or timezone.now()
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
    now = now or timezone.now()
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
        raise ValidationError("用户必须属于一个行政区划")
    if Role.TOWNSHIP in roles and region.level != Level.TOWNSHIP:
        raise ValidationError("乡镇用户必须属于一个乡镇（街道）")
    if Role.DEPARTMENT in roles and (
        region.level != Level.COUNTY or department is None or department.county_id != region.pk
    ):
        raise ValidationError("部门用户必须属于本县的一个部门")


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
        raise ValidationError("部门只能属于县")
    department = Department.objects.create(county=county, name=name)
    audit_record(
        actor=actor,
        action="create",
        obj=department,
        region_code=county.code,
        after={"name": name, "county": county.code},
    )
    return department
