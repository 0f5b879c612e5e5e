from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from bianzhi.accounts.scope import Scope
from bianzhi.audit.models import AuditRecord
from bianzhi.audit.selectors import audit_history, audit_record_list
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many, field_values


def test_it_records_who_what_and_the_before_and_after(daying_officer: Any, regions: Any) -> None:
    region = regions["510923100"]
    record = audit_record(
        actor=daying_officer,
        action="update",
        obj=region,
        region_code=region.code,
        before={"name": "旧名"},
        after=field_values(region, ["name"]),
        reason="大委编发〔2021〕12号",
    )
    assert (record.actor_name, record.object_type, record.object_label) == (
        "daying",
        "regions.region",
        "蓬莱镇",
    )
    assert record.after == {"name": "蓬莱镇"}


def test_unknown_actions_are_refused(db: Any) -> None:
    with pytest.raises(ValueError):
        audit_record(actor=None, action="rename", object_type="x.y", object_id="1")


def test_bulk_writes_get_one_record_per_object(db: Any) -> None:
    entries = [
        AuditEntry(object_type="x.y", object_id=str(i), region_code="510923") for i in range(2500)
    ]
    assert audit_record_many(actor=None, action="bulk", entries=entries, reason="批量") == 2500
    assert AuditRecord.objects.filter(action="bulk").count() == 2500


def test_records_are_read_within_the_scope(
    daying_officer: Any, tongwei_officer: Any, regions: Any
) -> None:
    audit_record(actor=None, action="update", obj=regions["510923100"], region_code="510923100")
    audit_record(actor=None, action="update", obj=regions["621121"], region_code="621121")
    daying = audit_record_list(scope=Scope.for_user(daying_officer), action="update")
    assert [r.region_code for r in daying] == ["510923100"]
    assert not audit_history(
        scope=Scope.for_user(tongwei_officer), obj=regions["510923100"]
    ).exists()


def test_the_audit_page_lists_only_the_users_region(
    client: Any, tongwei_officer: Any, regions: Any
) -> None:
    client.force_login(tongwei_officer)
    body = client.get(reverse("audit:list")).content.decode()
    assert "通渭县" in body and "大英县" not in body


def test_region_pages_show_the_history(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    body = client.get(reverse("regions:detail", args=["510923100"])).content.decode()
    assert "变更记录" in body and "导入" in body
