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


class OtpForm(forms.Form):
    code = forms.CharField(label="动态口令或恢复码", max_length=20, strip=True)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput, max_length=128, strip=False)
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput, max_length=128, strip=False)
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput, max_length=128, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password2"):
            raise forms.ValidationError("两次输入的新密码不一致。")
        return data


class UserForm(forms.Form):
    """Create or edit an account (the region and department are checked
    against the administrator's scope in the view and the service)."""

    username = forms.CharField(label="用户名", max_length=150, strip=True)
    full_name = forms.CharField(label="姓名或单位", max_length=150, required=False, strip=True)
    region_code = forms.CharField(label="所属区划代码", max_length=12, strip=True)
    department = forms.CharField(label="所属部门（部门用户填写）", max_length=100, required=False, strip=True)
    password = forms.CharField(
        label="初始密码（用户首次登录须修改）", widget=forms.PasswordInput, max_length=128, strip=False
    )


class PasswordResetForm(forms.Form):
    password = forms.CharField(
        label="临时密码（用户下次登录须修改）", widget=forms.PasswordInput, max_length=128, strip=False
    )


class PolicyForm(forms.Form):
    min_length = forms.IntegerField(label="密码最小长度", min_value=10, max_value=128)
    min_classes = forms.IntegerField(label="至少包含的字符类别数", min_value=3, max_value=4)
    history = forms.IntegerField(label="不得与最近几次密码相同", min_value=5, max_value=24)
    expiry_days = forms.IntegerField(label="密码有效天数（0 为不过期）", min_value=0, max_value=365)
    max_sessions = forms.IntegerField(label="每个账号同时在线的会话数（0 为不限）", min_value=0, max_value=10)
    totp_for_all = forms.BooleanField(label="所有用户须使用动态口令", required=False)
