"""Writing the audit trail. Every service of every app that changes data calls
``audit_record`` (one object) or ``audit_record_many`` (bulk writes and imports:
still one record per object changed, inserted with one ``bulk_create``) inside
its own transaction, so the change and its record commit or roll back together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from bianzhi.audit import chain
from bianzhi.audit.models import (
    Action,
    AuditRecord,
    AuditVerification,
    LoginChannel,
    LoginEvent,
    LoginReason,
    chain_head_advance,
    chain_head_locked,
)
from bianzhi.kernel import clock
from bianzhi.kernel.clientinfo import client_address, user_agent

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

SYSTEM_ACTOR_NAME = "系统"
BATCH_SIZE = 2000


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    """The ``app_label.model`` name used as ``AuditRecord.object_type``."""
    return obj._meta.label_lower


def field_values(obj: models.Model, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """A JSON-ready dict of ``obj``'s field values (FKs as primary keys).

    Use it for ``before``/``after``: take one before changing the object and
    one after.
    """
    data = model_to_dict(obj, fields=fields)
    result: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))
    return result


@dataclass(frozen=True)
class AuditEntry:
    """One object's change inside a bulk write (see ``audit_record_many``)."""

    object_type: str
    object_id: str
    object_label: str = ""
    region_code: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def _actor_fields(actor: User | None) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": SYSTEM_ACTOR_NAME}
    return {"actor": actor, "actor_name": actor.get_username()}


@transaction.atomic
def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    region_code: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditRecord:
    """Append one audit record.

    Pass ``obj`` (type, id and label are taken from it) or the three strings.
    ``actor`` is the acting user, or None for the command line and the demo.
    ``region_code`` decides who may read the record (users whose region
    contains that code); use the object's region, "" for national data.
    ``reason`` is the reason for the change or the 文号 of the approval.
    """
    Action(action)  # refuse unknown actions early
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)
    if not object_type or not object_id:
        raise ValueError("audit_record needs obj or object_type and object_id")
    return AuditRecord.objects.create(
        **_actor_fields(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label[:255],
        region_code=region_code,
        before=before,
        after=after,
        reason=reason[:255],
    )


_BULK_FIELDS: tuple[str, ...] = (
    "at", "actor", "actor_name", "action", "object_type", "object_id",
    "object_label", "region_code", "before", "after", "reason",
    "prev_digest", "digest", "hash_alg",
)


@transaction.atomic
def audit_record_many(
    *, actor: User | None, action: str, entries: Iterable[AuditEntry], reason: str = ""
) -> int:
    """Append one record per entry; returns the count.

    The rows are inserted with one ``executemany`` per batch rather than
    ``bulk_create``: measured on 100,000 records, bulk_create spent 19 s on
    PostgreSQL preparing JSON values one model field at a time, while the
    records are append-only and need nothing a model instance gives. The rows
    are exactly those ``AuditRecord.objects.create`` would write (JSON through
    the model's encoder; on PostgreSQL the parameter is cast to jsonb), each
    sealed into the hash chain in the same pass (``bianzhi.audit.chain``):
    the chain head is locked, every row's digest computed as it is batched,
    and the head moved to the last one inserted.
    """
    Action(action)
    fields = _actor_fields(actor)
    actor_id = fields["actor"].pk if fields["actor"] is not None else None
    ops = connection.ops
    meta = AuditRecord._meta
    column_of = {f.name: f.column for f in meta.concrete_fields}
    columns = ", ".join(ops.quote_name(column_of[n]) for n in _BULK_FIELDS)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    placeholders = ", ".join(
        f"%s{cast}" if n in ("before", "after") else "%s" for n in _BULK_FIELDS
    )
    sql = f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES ({placeholders})"
    now = clock.now()
    at = ops.adapt_datetimefield_value(now)
    reason = reason[:255]
    actor_name = fields["actor_name"]
    algorithm = chain.ALGORITHM

    head = chain_head_locked()
    prev = head.last_digest
    count = 0
    batch: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for entry in entries:
            label = entry.object_label[:255]
            # Stored as canonical JSON text, the same text the digest covers.
            before, after = chain.canonical_json(entry.before), chain.canonical_json(entry.after)
            sealed = chain.digest(
                prev,
                chain.content_from_texts(
                    at=now, actor_id=actor_id, actor_name=actor_name, action=action,
                    object_type=entry.object_type, object_id=entry.object_id,
                    object_label=label, region_code=entry.region_code, reason=reason,
                    before_text=before, after_text=after,
                ),
                algorithm,
            )
            batch.append(
                (at, actor_id, actor_name, action, entry.object_type,
                 entry.object_id, label, entry.region_code,
                 None if entry.before is None else before,
                 None if entry.after is None else after,
                 reason, prev, sealed, algorithm)
            )
            prev = sealed
            if len(batch) >= BATCH_SIZE:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
        if count:
            # Appends are serialised by the head lock: the newest id is ours.
            cursor.execute(
                f"SELECT MAX({ops.quote_name('id')}) FROM {ops.quote_name(meta.db_table)}"
            )
            chain_head_advance(head, cursor.fetchone()[0], prev)
    return count


@transaction.atomic
def audit_verify(*, by: str) -> AuditVerification:
    """Check the whole hash chain and record the result (who, when, how many
    records, the first bad one). ``by`` names who asked ("命令行" or a user)."""
    result = chain.verify()
    return AuditVerification.objects.create(
        by=by[:150],
        ok=result.ok,
        checked=result.checked,
        algorithm=result.algorithm,
        last_id=result.last_id,
        last_digest=result.last_digest,
        bad_id=result.bad_id,
        message=result.message[:255],
    )


@transaction.atomic
def audit_export(
    *,
    actor: User | None,
    object_type: str,
    label: str,
    region_code: str,
    rows: int,
    criteria: dict[str, Any],
) -> AuditRecord:
    """Record a download that carries personal data in full (identity
    numbers): who, when, which region, which filters, how many rows.

    Call it before handing the file out, so a download without its record
    cannot happen. ``object_type`` names the export (``roster.export``), not
    the exported objects, so the record stays out of their histories.
    """
    return audit_record(
        actor=actor,
        action=Action.EXPORT,
        object_type=object_type,
        object_id=region_code or "全部",
        object_label=f"{label}（{rows} 条，含完整身份证号）",
        region_code=region_code,
        after={"rows": rows, "criteria": criteria},
        reason="下载含完整身份证号的导出文件",
    )


def _channel(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return LoginChannel.API
    if path.startswith("/admin/"):
        return LoginChannel.ADMIN
    return LoginChannel.WEB if request is not None else LoginChannel.OTHER


@transaction.atomic
def login_event_record(
    *,
    request: HttpRequest | None,
    username: str,
    user: Any = None,
    reason: str,
    locked_out: bool = False,
) -> LoginEvent:
    """Append one login attempt to the login history.

    ``username`` as typed; ``user`` the account it named, if any; ``reason``
    a ``LoginReason`` (``SUCCESS`` for a login); ``locked_out`` when this
    failure locked the name. The path, address and user agent come from
    ``request`` (None outside a request).
    """
    reason = LoginReason(reason)
    return LoginEvent.objects.create(
        username=(username or "")[:150],
        user=user,
        succeeded=reason == LoginReason.SUCCESS,
        reason=reason,
        locked_out=locked_out,
        channel=_channel(request),
        client_address=client_address(request) if request is not None else None,
        user_agent=user_agent(request) if request is not None else "",
    )
