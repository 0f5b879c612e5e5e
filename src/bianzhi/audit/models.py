"""Append-only audit trail (台账/变更记录) of every write, and the login
history (登录记录) of every login attempt.

Records can be inserted (``save()`` of a new row, ``bulk_create``) and never
changed or removed through Django: ``save()`` of an existing row, ``delete()``,
``QuerySet.update()/delete()/bulk_update()`` all raise ``AuditImmutableError``.
The user foreign keys are PROTECT so deleting a user cannot rewrite history
(deactivate users instead).
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AuditImmutableError(Exception):
    """Raised on any attempt to change or delete an audit record or a login record."""


def _refuse(*args: Any, **kwargs: Any) -> NoReturn:
    raise AuditImmutableError("变更记录和登录记录不可修改或删除")


class Action(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    BULK = "bulk", "批量修改"
    IMPORT = "import", "导入"
    APPROVE = "approve", "审核批准"
    # A download that carries personal data in full (identity numbers): who
    # took it, when, which rows.
    EXPORT = "export", "导出"


_M = TypeVar("_M", bound=models.Model)


class AppendOnlyQuerySet(models.QuerySet[_M]):
    update = _refuse
    delete = _refuse
    bulk_update = _refuse
    update_or_create = _refuse

    # QuerySet.delete is flagged so Django's admin/Collector skip it; keep parity.
    delete.queryset_only = True  # type: ignore[attr-defined]


class AuditQuerySet(AppendOnlyQuerySet["AuditRecord"]):
    pass


class LoginEventQuerySet(AppendOnlyQuerySet["LoginEvent"]):
    pass


class AuditRecord(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text as well so the record reads the same if the user is renamed;
    # "系统" for command-line and demo writes.
    actor_name = models.CharField("操作人", max_length=150)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象编号", max_length=64)
    object_label = models.CharField("对象", max_length=255, blank=True)
    region_code = models.CharField("区划代码", max_length=12, blank=True, db_index=True)
    before = models.JSONField("修改前", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("修改后", null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.CharField("原因或文号", max_length=255, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or self.pk is not None:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()


class LoginReason(models.TextChoices):
    SUCCESS = "success", "登录成功"
    WRONG_PASSWORD = "wrong_password", "密码错误"
    UNKNOWN_USER = "unknown_user", "用户名不存在"
    INACTIVE = "inactive", "账号已停用"
    # Refused without checking the password: the name was locked already.
    LOCKED = "locked", "账号已锁定"


class LoginChannel(models.TextChoices):
    WEB = "web", "网页"
    API = "api", "API 令牌"
    ADMIN = "admin", "管理后台"
    OTHER = "other", "其他"


class LoginEvent(models.Model):
    """One login attempt through any path (web form, API token, admin),
    written by ``bianzhi.accounts.backends.LockoutModelBackend``."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    # As typed (not normalised): probing shows up as it was tried.
    username = models.CharField("输入的用户名", max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    succeeded = models.BooleanField("成功")
    reason = models.CharField("结果", max_length=20, choices=LoginReason.choices)
    # This failure reached the limit and locked the name.
    locked_out = models.BooleanField("导致锁定", default=False)
    channel = models.CharField("方式", max_length=10, choices=LoginChannel.choices)
    client_address = models.GenericIPAddressField("客户端地址", null=True, blank=True)
    user_agent = models.CharField("浏览器或客户端", max_length=255, blank=True)

    objects = LoginEventQuerySet.as_manager()

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "at"], name="login_user_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.reason_text}"

    @property
    def reason_text(self) -> str:
        text = self.get_reason_display()
        return f"{text}，账号被锁定" if self.locked_out else text

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or self.pk is not None:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
