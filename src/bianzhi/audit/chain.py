"""The hash chain that makes the audit trail tamper-evident (等保 2.0 level 3:
audit records protected against unexpected deletion, change or overwrite).

Every ``AuditRecord`` carries ``prev_digest`` (the digest of the record before
it) and ``digest`` = H(prev_digest, the record's content), H being SM3 (GB/T
32905) through ``hashlib.new("sm3")`` where OpenSSL offers it, else SHA-256;
each record names the algorithm it was sealed with (``hash_alg``). The newest
digest and id are kept in ``AuditChainHead`` (one row), which is locked while a
record is appended: appends are serialised, so id order is chain order.

Changing any field of a record, deleting one, inserting one in the middle or
cutting off the newest ones breaks a link that ``verify`` finds, naming the
first record that does not match.

Content is hashed in a canonical JSON form that reads the same on SQLite and
PostgreSQL (jsonb reorders keys; timestamps in UTC with microseconds), so a
record sealed on write verifies after being read back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def _sm3_available() -> bool:
    try:
        hashlib.new("sm3", b"")
    except ValueError:
        return False
    return True


# Decided once per process; every record says which one sealed it.
ALGORITHM = "sm3" if _sm3_available() else "sha256"


def normalise_json(value: Any) -> Any:
    """``value`` as the JSON field gives it back (dates and Decimals as strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_bytes(
    *,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    region_code: str,
    before: Any,
    after: Any,
    reason: str,
) -> bytes:
    """The canonical bytes of one record's content (JSON, sorted keys)."""
    body = {
        "at": _when(at),
        "actor": actor_id,
        "actor_name": actor_name,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": object_label,
        "region_code": region_code,
        "before": normalise_json(before),
        "after": normalise_json(after),
        "reason": reason,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def digest(prev_digest: str, content: bytes, algorithm: str = ALGORITHM) -> str:
    h = hashlib.new(algorithm)
    h.update(prev_digest.encode("ascii"))
    h.update(b"\n")
    h.update(content)
    return h.hexdigest()


def record_content(record: Any) -> bytes:
    return content_bytes(
        at=record.at,
        actor_id=record.actor_id,
        actor_name=record.actor_name,
        action=record.action,
        object_type=record.object_type,
        object_id=record.object_id,
        object_label=record.object_label,
        region_code=record.region_code,
        before=record.before,
        after=record.after,
        reason=record.reason,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    algorithm: str
    last_id: int | None
    last_digest: str
    bad_id: int | None = None
    message: str = ""


def _walk(records: Iterator[Any], head_id: int | None, head_digest: str) -> VerifyResult:
    expected_prev = GENESIS
    checked = 0
    last_id: int | None = None
    algorithms: set[str] = set()
    for record in records:
        checked += 1
        algorithms.add(record.hash_alg)
        if record.prev_digest != expected_prev:
            return VerifyResult(
                False, checked, ALGORITHM, last_id, expected_prev, record.pk,
                f"第 {record.pk} 号记录与前一条记录的链接不符（前面的记录被删除、插入或修改）",
            )
        try:
            actual = digest(record.prev_digest, record_content(record), record.hash_alg)
        except ValueError:
            actual = ""
        if actual != record.digest:
            return VerifyResult(
                False, checked, ALGORITHM, last_id, expected_prev, record.pk,
                f"第 {record.pk} 号记录的内容与其摘要不符（记录被修改）",
            )
        expected_prev = record.digest
        last_id = record.pk
    if last_id != head_id or expected_prev != head_digest:
        return VerifyResult(
            False, checked, ALGORITHM, last_id, expected_prev, head_id,
            f"链尾应为第 {head_id} 号记录，实际为第 {last_id} 号（最新的记录被删除或替换）",
        )
    return VerifyResult(
        True, checked, "+".join(sorted(algorithms)) or ALGORITHM, last_id, expected_prev
    )


def verify() -> VerifyResult:
    """Walk the chain from the first record to the head; stop at the first
    record whose link or content does not match."""
    from bianzhi.audit.models import AuditChainHead, AuditRecord

    head = AuditChainHead.objects.filter(pk=1).first()
    head_id = head.last_id if head else None
    head_digest = head.last_digest if head else GENESIS
    records = AuditRecord.objects.order_by("id")
    if head_id is not None:
        # Records appended while we walk belong to the next verification.
        records = records.filter(id__lte=head_id)
    return _walk(records.iterator(chunk_size=2000), head_id, head_digest)
