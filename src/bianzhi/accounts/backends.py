"""Authentication with a lockout (5 consecutive failures lock a username for
15 minutes) and the login history (``bianzhi.audit.models.LoginEvent``).

Used by every login path (web form, API token, admin) because they all go
through ``django.contrib.auth.authenticate``; so every attempt, refused or
not, is recorded here, once, with the reason in Chinese. (Django's
``user_logged_in`` signal would miss the API token, which logs no session
in, and its ``user_login_failed`` carries no reason.)
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from bianzhi.accounts.services import (
    login_failure_record,
    login_locked_until,
    login_success_record,
    totp_enabled,
)
from bianzhi.audit.models import LoginReason
from bianzhi.audit.services import login_event_record


class LockoutModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The session's user with its region, which every page's scope and
        top bar read (one query a request, not two)."""
        UserModel = get_user_model()
        try:
            user = UserModel._default_manager.select_related("region").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

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
        UserModel = get_user_model()
        user = UserModel._default_manager.filter(**{UserModel.USERNAME_FIELD: username}).first()
        if login_locked_until(username=username) is not None:
            login_event_record(
                request=request, username=username, user=user, reason=LoginReason.LOCKED
            )
            # PermissionDenied stops Django trying other backends.
            raise PermissionDenied("账号已锁定")
        # ModelBackend.authenticate, spelled out to tell the reasons apart.
        if user is None:
            # Hash once anyway, so an unknown name takes as long as a known one.
            UserModel().set_password(password)
            reason = LoginReason.UNKNOWN_USER
        elif not user.check_password(password):
            reason = LoginReason.WRONG_PASSWORD
        elif not self.user_can_authenticate(user):
            reason = LoginReason.INACTIVE
        else:
            login_success_record(username=username)
            # With a second factor the login is not done yet: the login
            # page and the token API ask for the code and record the outcome.
            login_event_record(
                request=request,
                username=username,
                user=user,
                reason=LoginReason.PASSWORD_OK if totp_enabled(user) else LoginReason.SUCCESS,
            )
            return user
        login_failure_record(username=username)
        login_event_record(
            request=request,
            username=username,
            user=user,
            reason=reason,
            locked_out=login_locked_until(username=username) is not None,
        )
        return None
