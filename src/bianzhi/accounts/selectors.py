"""Reads for accounts: the API tokens a user may list and revoke."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from bianzhi.accounts.models import ApiToken, Role
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
