"""The database itself refuses UPDATE and DELETE on the audit trail and the
login history (triggers of audit migration 0003), whoever connects; on
PostgreSQL TRUNCATE as well. Runs on SQLite and, with BIANZHI_DATABASE_URL,
on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from bianzhi.audit.models import AuditRecord, LoginEvent
from bianzhi.audit.services import audit_record, login_event_record

pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list[Any]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_update_and_delete_of_an_audit_record_are_refused_by_the_database() -> None:
    record = audit_record(actor=None, action="create", object_type="x.y", object_id="1", reason="原")
    table = AuditRecord._meta.db_table
    _refused(f"UPDATE {table} SET reason = %s WHERE id = %s", ["改", record.pk])
    _refused(f"DELETE FROM {table} WHERE id = %s", [record.pk])
    _refused(f"DELETE FROM {table}", [])
    record.refresh_from_db()
    assert record.reason == "原"


def test_update_and_delete_of_a_login_record_are_refused_by_the_database() -> None:
    event = login_event_record(request=None, username="someone", reason="wrong_password")
    table = LoginEvent._meta.db_table
    _refused(f"UPDATE {table} SET succeeded = %s WHERE id = %s", [True, event.pk])
    _refused(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert LoginEvent.objects.filter(pk=event.pk, succeeded=False).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE 只在 PostgreSQL 上有")
def test_truncate_is_refused_on_postgresql() -> None:
    # On an empty table: rows written in this test's transaction would make
    # PostgreSQL refuse for another reason (pending foreign-key checks).
    _refused(f"TRUNCATE {AuditRecord._meta.db_table}", [])
    _refused(f"TRUNCATE {LoginEvent._meta.db_table}", [])


def test_inserting_still_works() -> None:
    audit_record(actor=None, action="create", object_type="x.y", object_id="1")
    audit_record(actor=None, action="create", object_type="x.y", object_id="2")
    assert AuditRecord.objects.count() == 2
