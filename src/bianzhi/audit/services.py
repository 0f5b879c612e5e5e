"""Writing the audit trail. Every service of every app that changes data calls
``audit_record`` (one object) or ``audit_record_many`` (bulk writes and imports:
still one record per object changed, inserted with one ``bulk_create``) inside
its own transaction, so the change and its record commit or roll back together.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict

from bianzhi.audit.models import Action, AuditRecord

SYSTEM_ACTOR_NAME = "系统"
BATCH_SIZE = 2000


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    """The ``app_label.model`` name used as ``AuditRecord.object_type``."""
    return obj._meta.label_lower


def snapshot(obj: models.Model, fields: Sequence[str] | None = None) -> dict[str, Any]:
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


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": SYSTEM_ACTOR_NAME}
    return {"actor": actor, "actor_name": actor.get_username()}


@transaction.atomic
def audit_record(
    *,
    actor: Any,
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


@transaction.atomic
def audit_record_many(
    *, actor: Any, action: str, entries: Iterable[AuditEntry], reason: str = ""
) -> int:
    """Append one record per entry with batched ``bulk_create``; returns the count."""
    Action(action)
    actor_fields = _actor_fields(actor)
    batch: list[AuditRecord] = []
    count = 0
    for entry in entries:
        batch.append(
            AuditRecord(
                **actor_fields,
                action=action,
                object_type=entry.object_type,
                object_id=entry.object_id,
                object_label=entry.object_label[:255],
                region_code=entry.region_code,
                before=entry.before,
                after=entry.after,
                reason=reason[:255],
            )
        )
        if len(batch) >= BATCH_SIZE:
            AuditRecord.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        AuditRecord.objects.bulk_create(batch)
        count += len(batch)
    return count
