"""Reads for accounts: the API tokens a user may list and revoke."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from bianzhi.accounts.models import ApiToken, Role, User
from bianzhi.accounts.scope import Scope


def is_token_admin(*, scope: Scope) -> bool:
    """Whether the user administers other users' tokens (编办管理员 or superuser)."""
    return scope.is_superuser or (Role.OFFICER in scope.roles and scope.region is not None)


def api_tokens_manageable(*, scope: Scope) -> QuerySet[ApiToken]:
    """Tokens the scope's user may see and revoke (``services.api_token_may_manage``):
    their own, and as 编办管理员 those of every user under their region; a
    superuser all of them."""
    qs = ApiToken.objects.select_related("user", "user__region", "revoked_by")
    if scope.user_id is None:
        return qs.none()
    if scope.is_superuser:
        return qs
    allowed = Q(user_id=scope.user_id)
    if is_token_admin(scope=scope):
        allowed |= scope.q("user__region")
    return qs.filter(allowed)


def api_tokens_of_user(*, scope: Scope, limit: int = 50) -> list[ApiToken]:
    """The user's own tokens, newest first (valid, expired and revoked)."""
    if scope.user_id is None:
        return []
    qs = api_tokens_manageable(scope=scope).filter(user_id=scope.user_id)
    return list(qs.order_by("-created_at", "-id")[:limit])


def api_tokens_of_others(*, scope: Scope, now: datetime, limit: int = 200) -> list[ApiToken]:
    """Valid tokens of the other users an administrator manages (empty for others)."""
    if scope.user_id is None or not is_token_admin(scope=scope):
        return []
    qs = (
        api_tokens_manageable(scope=scope)
        .exclude(user_id=scope.user_id)
        .filter(revoked_at__isnull=True, expires_at__gt=now)
    )
    return list(qs.order_by("user__username", "-created_at", "-id")[:limit])


def api_token_get(*, scope: Scope, pk: int) -> ApiToken:
    """A token the user may manage, else Http404 (another's token does not leak)."""
    token = api_tokens_manageable(scope=scope).filter(pk=pk).first()
    if token is None:
        raise Http404("API 令牌不存在或无权访问")
    return token


# --- user administration ------------------------------------------------------

def is_account_admin(*, scope: Scope) -> bool:
    """系统管理员, 安全管理员 (or the superuser): they see the user pages."""
    return scope.is_superuser or bool(scope.roles & {Role.SYSADMIN, Role.SECADMIN})


def users_manageable(*, scope: Scope) -> QuerySet[User]:
    """Accounts of the administrator's region and below (never a superuser,
    never one above or beside); the superuser sees all."""
    qs = User.objects.select_related("region", "department").prefetch_related("role_grants")
    if scope.is_superuser:
        return qs.order_by("username")
    if not is_account_admin(scope=scope) or scope.region is None:
        return qs.none()
    return qs.filter(scope.q("region"), is_superuser=False).order_by("username")


def user_get(*, scope: Scope, pk: int) -> User:
    """An account the administrator may manage, else Http404 (no leak)."""
    user = users_manageable(scope=scope).filter(pk=pk).first()
    if user is None:
        raise Http404("用户不存在或无权管理")
    return user


def user_locked(*, user: User, now: datetime) -> bool:
    from bianzhi.accounts.models import LoginThrottle

    row = LoginThrottle.objects.filter(username=user.username.strip().lower()).first()
    return bool(row and row.locked_until and row.locked_until > now)


def session_end_reason(*, session_key: str) -> str:
    """Why the session ``session_key`` was ended ("" when it was not)."""
    from bianzhi.accounts.models import UserSession

    if not session_key:
        return ""
    row = UserSession.objects.filter(session_key=session_key[:40], ended_at__isnull=False).first()
    return row.end_reason if row else ""
