"""The audit trail is a hash chain: `bianzhi audit verify` finds a changed,
removed or inserted record and names the first one; bulk writes are sealed
in the same pass. Runs on SQLite and, with BIANZHI_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from django.db import connection

from bianzhi.audit import chain, dbguard
from bianzhi.audit.models import AuditChainHead, AuditRecord, AuditVerification
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many
from bianzhi.cli.main import main

pytestmark = pytest.mark.django_db


def _write_some() -> list[AuditRecord]:
    audit_record(actor=None, action="create", object_type="x.y", object_id="1",
                 region_code="510923", after={"name": "甲", "n": 1.5, "d": "2026-01-01"})
    audit_record_many(
        actor=None,
        action="import",
        entries=[
            AuditEntry(object_type="x.y", object_id=str(i), object_label=f"第{i}条",
                       region_code="510923", before={"z": 1, "a": [1, 2]}, after={"a": i})
            for i in range(2, 6)
        ],
        reason="批量",
    )
    audit_record(actor=None, action="update", object_type="x.y", object_id="1",
                 before={"name": "甲"}, after={"name": "乙"})
    return list(AuditRecord.objects.order_by("id"))


def _as_attacker(sql: str, params: list[Any]) -> None:
    """What someone with the table owner's rights could do: lift the
    triggers, change the table, put the triggers back."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in dbguard.drop_sql(vendor):
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in dbguard.create_sql(vendor):
            cursor.execute(statement)


def _verify() -> Any:
    # Click 8.2+: ``output`` holds stdout and stderr as a terminal shows them.
    return CliRunner().invoke(main, ["audit", "verify"])


def test_every_record_is_chained_to_the_one_before_and_the_head_is_the_newest() -> None:
    records = _write_some()
    assert records[0].prev_digest == chain.GENESIS
    for before, record in zip(records, records[1:], strict=False):
        assert record.prev_digest == before.digest
        assert record.hash_alg == chain.ALGORITHM
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_id, head.last_digest) == (records[-1].pk, records[-1].digest)


def test_sm3_is_used_where_openssl_has_it() -> None:
    import hashlib

    try:
        hashlib.new("sm3")
    except ValueError:
        assert chain.ALGORITHM == "sha256"
    else:
        assert chain.ALGORITHM == "sm3"


def test_verify_passes_an_untouched_trail_and_records_the_run() -> None:
    records = _write_some()
    result = _verify()
    assert result.exit_code == 0, result.output
    assert "变更记录完整" in result.output and f"共校验 {len(records)} 条" in result.output
    run = AuditVerification.objects.get()
    assert run.ok and run.checked == len(records) and run.last_id == records[-1].pk


def test_a_changed_record_is_found_and_named() -> None:
    records = _write_some()
    table = AuditRecord._meta.db_table
    _as_attacker(f"UPDATE {table} SET reason = %s WHERE id = %s", ["改过", records[2].pk])
    result = _verify()
    assert result.exit_code == 1
    assert f"第 {records[2].pk} 号记录的内容与其摘要不符" in result.output
    run = AuditVerification.objects.get()
    assert not run.ok and run.bad_id == records[2].pk


def test_a_changed_json_value_is_found() -> None:
    records = _write_some()
    table = AuditRecord._meta.db_table
    _as_attacker(f"UPDATE {table} SET after = NULL WHERE id = %s", [records[0].pk])
    assert _verify().exit_code == 1
    assert AuditVerification.objects.get().bad_id == records[0].pk


def test_a_removed_record_breaks_the_link_of_the_next_one() -> None:
    records = _write_some()
    table = AuditRecord._meta.db_table
    _as_attacker(f"DELETE FROM {table} WHERE id = %s", [records[3].pk])
    assert _verify().exit_code == 1
    assert AuditVerification.objects.get().bad_id == records[4].pk


def test_removing_the_newest_record_is_found_at_the_head() -> None:
    records = _write_some()
    table = AuditRecord._meta.db_table
    _as_attacker(f"DELETE FROM {table} WHERE id = %s", [records[-1].pk])
    assert _verify().exit_code == 1
    assert AuditVerification.objects.get().bad_id == records[-1].pk


def test_a_record_rehashed_on_its_own_still_breaks_the_next_link() -> None:
    records = _write_some()
    target = records[1]
    target.reason = "改过"
    forged = chain.digest(target.prev_digest, chain.record_content(target), target.hash_alg)
    table = AuditRecord._meta.db_table
    _as_attacker(
        f"UPDATE {table} SET reason = %s, digest = %s WHERE id = %s", ["改过", forged, target.pk]
    )
    assert _verify().exit_code == 1
    assert AuditVerification.objects.get().bad_id == records[2].pk


def test_an_empty_trail_verifies() -> None:
    assert _verify().exit_code == 0
