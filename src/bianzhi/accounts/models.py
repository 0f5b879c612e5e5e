"""Users belong to one region and hold a set of roles.

What a user may see and do follows from (region, roles) alone and is worked
out by ``bianzhi.accounts.scope.Scope``; views and selectors never look at
roles directly.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "编办管理员"
    APPROVER = "approver", "审核人"
    TOWNSHIP = "township", "乡镇用户"
    DEPARTMENT = "department", "部门用户"
    VIEWER = "viewer", "只读"
    # The three separated administrators (三权分立, GB/T 22239-2019 level 3):
    # accounts and settings / roles and security policy / the audit trail.
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


# An account holding one of these holds no other role at all
# (accounts.services._check_separation).
ADMIN_ROLES = frozenset({Role.SYSADMIN.value, Role.SECADMIN.value, Role.AUDITOR.value})


class Department(models.Model):
    """A county department (县直部门) whose users see their county read-only."""

    county = models.ForeignKey(
        "regions.Region", verbose_name="县", on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField("部门名称", max_length=100)

    class Meta:
        verbose_name = "县直部门"
        verbose_name_plural = "县直部门"
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="department_unique_per_county")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Set by an administrator's password reset (and on accounts an
    # administrator creates): the next page after login is the change form.
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    # When the user last chose a password (kernel.clock); None for accounts
    # made by the demo and tests, which no expiry touches until a change.
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def role_set(self) -> frozenset[str]:
        """The user's role codes (``Role`` values); cached on the instance."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


class LoginThrottle(models.Model):
    """Consecutive failed logins per username; a row exists only after a failure.

    Keyed by the typed username (not the user) so that probing unknown names
    is throttled the same way and reveals nothing.
    """

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"


class ApiToken(models.Model):
    """An API token (``Authorization: Token <key>``), one per token request.

    Only the SHA-256 of the key is stored: the key is shown once, when it is
    issued, and a leaked database gives no usable token. A fast hash is
    enough because the key is 256 random bits (nothing to guess), and it
    lets the lookup be one indexed equality. ``prefix`` (the key's first
    characters) only tells the owner's tokens apart on the list page.

    A token is valid until ``expires_at`` unless ``revoked_at`` is set; all
    of it lives in the database, so every app server sees a revocation at
    once.
    """

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=100, blank=True)
    key_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True, editable=False)
    prefix = models.CharField("令牌前缀", max_length=8, editable=False)
    created_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("到期时间")
    client_address = models.GenericIPAddressField("申请地址", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        verbose_name="注销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        indexes = [models.Index(fields=["user", "expires_at"], name="apitoken_user_expiry")]

    def __str__(self) -> str:
        return f"{self.name or 'API 令牌'}（{self.prefix}…）"

    def is_valid(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    def status_label(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "已注销"
        return "有效" if self.expires_at > now else "已过期"


class SecurityPolicy(models.Model):
    """The security policy (one row, pk 1), set by the 安全管理员."""

    min_length = models.PositiveSmallIntegerField("密码最小长度", default=10)
    min_classes = models.PositiveSmallIntegerField(
        "至少包含的字符类别数（大写、小写、数字、符号）", default=3
    )
    history = models.PositiveSmallIntegerField("不得与最近几次密码相同", default=5)
    expiry_days = models.PositiveSmallIntegerField("密码有效天数（0 为不过期）", default=90)
    totp_for_all = models.BooleanField("所有用户须使用动态口令", default=False)
    max_sessions = models.PositiveSmallIntegerField(
        "每个账号同时在线的会话数（0 为不限）", default=1
    )

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    @classmethod
    def current(cls) -> SecurityPolicy:
        policy = cls.objects.filter(pk=1).first()
        return policy if policy is not None else cls(pk=1)


class PasswordHistory(models.Model):
    """The hashes of a user's previous passwords (for "not one of the last N")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]


class TotpDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238, 6 digits, 30 s).

    ``confirmed_at`` is set once the user typed a correct code from the
    enrolled app; until then it does not count. ``last_step`` is the time
    step of the last accepted code, so a code is never accepted twice.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)


class RecoveryCode(models.Model):
    """One-time recovery codes for a lost authenticator (only hashes kept)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)


class UserSession(models.Model):
    """A logged-in browser session, to limit concurrent sessions per user and
    tell an ended one why (``end_reason`` is shown on the login page)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField()
    client_address = models.GenericIPAddressField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"], name="usersession_user_open")]
