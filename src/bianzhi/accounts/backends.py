"""Authentication with a lockout: 5 consecutive failures lock a username for 15 minutes.

Used by every login path (web form, DRF token, admin) because they all go
through ``django.contrib.auth.authenticate``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from bianzhi.accounts.services import login_failure_record, login_locked_until, login_success_record


class LockoutModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        if login_locked_until(username=username) is not None:
            # PermissionDenied stops Django trying other backends.
            raise PermissionDenied("账号已锁定")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(username=username)
        else:
            login_success_record(username=username)
        return user
