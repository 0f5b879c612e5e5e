"""Append-only audit trail (台账/变更记录) of every write, and the login
history (登录记录) of every login attempt.

Records can be inserted (``save()`` of a new row, ``bulk_create``) and never
changed or removed through Django: ``save()`` of an existing row, ``delete()``,
``QuerySet.update()/delete()/bulk_update()`` all raise ``AuditImmutableError``.
The user foreign keys are PROTECT so deleting a user cannot rewrite history
(deactivate users instead).

Beneath Django, the database refuses UPDATE and DELETE on both tables
(triggers created by migration 0003, ``bianzhi.audit.dbguard``), and every
audit record is sealed into a hash chain (``bianzhi.audit.chain``) that
``bianzhi audit verify`` checks. SQLite drops a table's triggers when a
migration rebuilds it: a later migration that alters these tables must
re-create them (``dbguard.create_sql``); tests/audit/test_db_guard.py fails
otherwise.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from bianzhi.kernel import clock


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


def _refuse_unsealed(*args: Any, **kwargs: Any) -> NoReturn:
    raise AuditImmutableError("变更记录须经 audit_record 或 audit_record_many 写入（计算摘要链）")


class AuditQuerySet(AppendOnlyQuerySet["AuditRecord"]):
    # bulk_create skips save(), hence the hash chain: audit_record_many is the bulk path.
    bulk_create = _refuse_unsealed


class LoginEventQuerySet(AppendOnlyQuerySet["LoginEvent"]):
    pass


class AuditRecord(models.Model):
    # Wall-clock time (not kernel.clock: a frozen test clock must not date the
    # trail); set before sealing, because the time is part of the digest.
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
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
    # The hash chain (bianzhi.audit.chain): set on insert, never changed.
    prev_digest = models.CharField("前一记录摘要", max_length=64, editable=False, default="")
    digest = models.CharField("本记录摘要", max_length=64, editable=False, default="")
    hash_alg = models.CharField("摘要算法", max_length=10, editable=False, default="")

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
        from bianzhi.audit.chain import ALGORITHM, digest, record_content

        head = chain_head_locked()
        self.at = self.at or clock.now()
        self.prev_digest, self.hash_alg = head.last_digest, ALGORITHM
        self.digest = digest(self.prev_digest, record_content(self))
        super().save(*args, **kwargs)
        chain_head_advance(head, self.pk, self.digest)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()


class AuditChainHead(models.Model):
    """The newest link of the audit hash chain (one row, pk 1).

    Locked (SELECT ... FOR UPDATE) by every append until its transaction
    commits, so two appends never chain to the same predecessor.
    """

    last_id = models.BigIntegerField("最新记录编号", null=True)
    last_digest = models.CharField("最新记录摘要", max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"


def chain_head_locked() -> AuditChainHead:
    """The chain head, locked for this transaction (created when missing:
    a new database, or a test database that was flushed)."""
    from bianzhi.audit.chain import GENESIS

    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1, defaults={"last_digest": GENESIS})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def chain_head_advance(head: AuditChainHead, last_id: int | None, last_digest: str) -> None:
    head.last_id, head.last_digest = last_id, last_digest
    head.save(update_fields=["last_id", "last_digest"])


class AuditVerification(models.Model):
    """One run of ``bianzhi audit verify`` (or the 审计管理员's button): shown
    on the audit page so the last check and its result are visible."""

    at = models.DateTimeField("校验时间", default=timezone.now)
    by = models.CharField("校验人", max_length=150)
    ok = models.BooleanField("结果完整")
    checked = models.PositiveIntegerField("校验记录数")
    algorithm = models.CharField("摘要算法", max_length=20)
    last_id = models.BigIntegerField("链尾记录编号", null=True)
    last_digest = models.CharField("链尾摘要", max_length=64)
    bad_id = models.BigIntegerField("首个不符记录", null=True)
    message = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "审计链校验"
        verbose_name_plural = "审计链校验"
        ordering = ["-at", "-id"]


class LoginReason(models.TextChoices):
    SUCCESS = "success", "登录成功"
    WRONG_PASSWORD = "wrong_password", "密码错误"
    UNKNOWN_USER = "unknown_user", "用户名不存在"
    INACTIVE = "inactive", "账号已停用"
    # Refused without checking the password: the name was locked already.
    LOCKED = "locked", "账号已锁定"
    # The password was right; the second factor (TOTP) is asked next.
    PASSWORD_OK = "password_ok", "密码正确，待验证动态口令"
    WRONG_OTP = "wrong_otp", "动态口令错误"
    # Refused by the password policy (expired, or must be changed) on the API.
    PASSWORD_EXPIRED = "password_expired", "密码已过期，须先修改"


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
