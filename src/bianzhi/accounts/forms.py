from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from bianzhi.accounts.api import locked_message
from bianzhi.accounts.services import login_locked_until


class LoginForm(AuthenticationForm):
    """Django's login form with the lockout message in Chinese."""

    error_messages = {
        "invalid_login": "用户名或密码不正确。连续 5 次失败将锁定账号 15 分钟。",
        "inactive": "该账号已停用。",
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        # No lock check before authenticate(): the backend refuses a locked
        # name itself and records the attempt in the login history.
        try:
            return super().clean()
        except forms.ValidationError:
            until = login_locked_until(username=username)
            if until is not None:
                raise forms.ValidationError(locked_message(until), code="locked") from None
            raise
