"""No one can edit or delete audit records through the application."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bianzhi.audit.models import AuditImmutableError, AuditRecord
from bianzhi.audit.services import audit_record


@pytest.fixture
def record(db: Any) -> AuditRecord:
    return audit_record(
        actor=None,
        action="update",
        object_type="x.y",
        object_id="1",
        region_code="510923",
        reason="测试",
    )


def test_save_of_an_existing_record_is_refused(record: AuditRecord) -> None:
    record.reason = "改过"
    with pytest.raises(AuditImmutableError):
        record.save()


def test_delete_is_refused(record: AuditRecord) -> None:
    with pytest.raises(AuditImmutableError):
        record.delete()


def test_queryset_update_delete_and_bulk_update_are_refused(record: AuditRecord) -> None:
    with pytest.raises(AuditImmutableError):
        AuditRecord.objects.filter(pk=record.pk).update(reason="改过")
    with pytest.raises(AuditImmutableError):
        AuditRecord.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        AuditRecord.objects.bulk_update([record], ["reason"])
    with pytest.raises(AuditImmutableError):
        AuditRecord.objects.update_or_create(pk=record.pk, defaults={"reason": "x"})
    record.refresh_from_db()
    assert record.reason == "测试"


def test_the_admin_is_read_only(client: Any, superuser: Any, record: AuditRecord) -> None:
    client.force_login(superuser)
    assert client.get(reverse("admin:audit_auditrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditrecord_add")).status_code == 403
    delete = reverse("admin:audit_auditrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:audit_auditrecord_change", args=[record.pk])
    client.post(change, {"reason": "改过"})
    record.refresh_from_db()
    assert record.reason == "测试"


def test_the_application_has_no_audit_write_urls() -> None:
    from bianzhi.audit import urls

    # Reading, exporting (itself audited), verifying the chain, login history:
    # nothing that edits or deletes a record.
    assert [p.name for p in urls.urlpatterns] == [
        "list", "export_xlsx", "export_csv", "verify", "logins"
    ]
