"""The password policy as a Django password validator (in
``AUTH_PASSWORD_VALIDATORS`` next to Django's own), and the expiry rule.

The figures come from ``SecurityPolicy`` (set by the 安全管理员): minimum
length (10), at least three of the four character classes, not containing
the username, not one of the last five passwords; expiry after 90 days.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

from bianzhi.accounts.models import SecurityPolicy

CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
)


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and other characters occur."""
    found = {name for ch in password for name, test in CLASSES if test(ch) and ch.isascii()}
    if any(not (ch.isascii() and ch.isalnum()) for ch in password):
        found.add("符号")
    return len(found)


def policy_errors(password: str, user: Any, policy: SecurityPolicy) -> list[str]:
    """Every rule ``password`` breaks, in Chinese (empty when it is acceptable)."""
    errors = []
    if len(password) < policy.min_length:
        errors.append(f"密码至少 {policy.min_length} 个字符。")
    if character_classes(password) < policy.min_classes:
        errors.append(
            f"密码须包含大写字母、小写字母、数字、符号中的至少 {policy.min_classes} 类。"
        )
    username = (getattr(user, "username", "") or "").lower()
    if username and username in password.lower():
        errors.append("密码不能包含用户名。")
    if user is not None and getattr(user, "pk", None) and policy.history:
        previous = list(user.password_history.all()[: policy.history])
        if any(check_password(password, old.password) for old in previous):
            errors.append(f"密码不能与最近 {policy.history} 次使用过的密码相同。")
    return errors


class PolicyPasswordValidator:
    """Django validator applying ``SecurityPolicy`` (see module docstring)."""

    def validate(self, password: str, user: Any = None) -> None:
        errors = policy_errors(password, user, SecurityPolicy.current())
        if errors:
            raise ValidationError([ValidationError(e, code="password_policy") for e in errors])

    def get_help_text(self) -> str:
        policy = SecurityPolicy.current()
        return (
            f"至少 {policy.min_length} 个字符，包含大写字母、小写字母、数字、符号中的至少 "
            f"{policy.min_classes} 类，不含用户名，不与最近 {policy.history} 次的密码相同。"
        )


def password_expired(user: Any, now: datetime, policy: SecurityPolicy | None = None) -> bool:
    """Whether ``user``'s password is older than the policy allows. Accounts
    whose password was never chosen under the policy (``password_changed_at``
    None: the demo's and tests') are not counted."""
    policy = policy or SecurityPolicy.current()
    changed = getattr(user, "password_changed_at", None)
    if not policy.expiry_days or changed is None:
        return False
    return bool(now - changed > timedelta(days=policy.expiry_days))


def must_change_password(user: Any, now: datetime, policy: SecurityPolicy | None = None) -> bool:
    return bool(getattr(user, "must_change_password", False)) or password_expired(user, now, policy)
