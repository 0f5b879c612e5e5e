"""Statutory items through the services: add, edit, retire (kept, audited with
before/after and the reason), restore, permissions, and the township's
powers-and-duties list (page and exports) following every change."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from tests.conftest import DAYING, PENGLAI

from bianzhi.audit.models import AuditRecord
from bianzhi.audit.services import object_type_of
from bianzhi.duties.models import StatutoryItem
from bianzhi.duties.selectors.duty_list import duty_list
from bianzhi.duties.services.common import DutyError
from bianzhi.duties.services.statutory import statutory_item_retire, statutory_item_set

TODAY = date(2025, 6, 1)


def add(regions: Any, actor: Any, code: str = "FD-001", name: str = "乡镇国土空间规划编制", **kwargs: Any) -> StatutoryItem:
    values = {"power_type": "其他行政权力", "legal_basis": "《城乡规划法》第二十二条", "reason": "大委编发〔2025〕3号"} | kwargs
    return statutory_item_set(actor=actor, county=regions[DAYING], code=code, name=name, **values)


def records(item: StatutoryItem) -> list[AuditRecord]:
    return list(
        AuditRecord.objects.filter(object_type=object_type_of(item), object_id=str(item.pk)).order_by("at", "id")
    )


def listed_codes(regions: Any) -> list[str]:
    return [e.code for e in duty_list(township=regions[PENGLAI], today=TODAY) if e.source == "法定事项"]


def test_adding_editing_and_retiring_is_audited_with_before_after_and_reason(regions: Any, daying_officer: Any) -> None:
    item = add(regions, daying_officer)
    statutory_item_set(
        actor=daying_officer,
        county=regions[DAYING],
        code="FD-001",
        name="乡镇国土空间规划编制和报批",
        power_type="其他行政权力",
        legal_basis=item.legal_basis,
        reason="名称按新法规调整",
    )
    statutory_item_retire(actor=daying_officer, item=item, reason="大委编发〔2025〕9号")

    item.refresh_from_db()
    assert not item.active and item.name == "乡镇国土空间规划编制和报批"
    created, updated, retired = records(item)
    assert (created.action, created.before, created.reason) == ("create", None, "大委编发〔2025〕3号")
    assert updated.before["name"] == "乡镇国土空间规划编制" and updated.after["name"] == "乡镇国土空间规划编制和报批"
    assert updated.reason == "名称按新法规调整"
    assert (retired.before, retired.after, retired.reason) == ({"active": True}, {"active": False}, "大委编发〔2025〕9号")


def test_saving_unchanged_values_writes_no_audit_record(regions: Any, daying_officer: Any) -> None:
    item = add(regions, daying_officer)
    add(regions, daying_officer)
    assert len(records(item)) == 1


def test_retiring_needs_a_reason_and_happens_once(regions: Any, daying_officer: Any) -> None:
    item = add(regions, daying_officer)
    with pytest.raises(DutyError, match="理由或文号"):
        statutory_item_retire(actor=daying_officer, item=item, reason="  ")
    statutory_item_retire(actor=daying_officer, item=item, reason="已划转")
    with pytest.raises(DutyError, match="已取消"):
        statutory_item_retire(actor=daying_officer, item=item, reason="再次")
    assert StatutoryItem.objects.filter(pk=item.pk).exists()


def test_the_add_form_mode_refuses_a_code_in_use_and_setting_a_retired_code_restores_it(
    regions: Any, daying_officer: Any
) -> None:
    item = add(regions, daying_officer)
    with pytest.raises(DutyError, match="“FD-001”已被“乡镇国土空间规划编制”使用"):
        add(regions, daying_officer, name="另一个事项", create_only=True)
    statutory_item_retire(actor=daying_officer, item=item, reason="已划转")
    add(regions, daying_officer, reason="恢复")
    item.refresh_from_db()
    assert item.active and records(item)[-1].after["active"] is True


def test_township_users_and_other_counties_cannot_write(
    regions: Any, daying_officer: Any, penglai_user: Any, tongwei_officer: Any
) -> None:
    with pytest.raises(PermissionDenied):
        add(regions, penglai_user)
    with pytest.raises(PermissionDenied):
        add(regions, tongwei_officer)
    item = add(regions, daying_officer)
    with pytest.raises(PermissionDenied):
        statutory_item_retire(actor=penglai_user, item=item, reason="x")
    assert StatutoryItem.objects.get().active


def test_invalid_values_are_refused_in_chinese(regions: Any, daying_officer: Any) -> None:
    with pytest.raises(DutyError, match="权力类型“审批”无效"):
        add(regions, daying_officer, power_type="审批")
    with pytest.raises(DutyError, match="请填写事项名称"):
        add(regions, daying_officer, name=" ")
    with pytest.raises(DutyError, match="不是县级区划"):
        statutory_item_set(
            actor=None, county=regions[PENGLAI], code="X", name="X", power_type="行政许可"
        )


def test_the_township_list_page_and_exports_follow_additions_edits_and_retirements(
    client: Any, regions: Any, daying_officer: Any
) -> None:
    add(regions, daying_officer)
    dropped = add(regions, daying_officer, code="FD-002", name="乡镇集体土地征收补偿公告")
    assert listed_codes(regions) == ["FD-001", "FD-002"]

    add(regions, daying_officer, name="乡镇国土空间规划编制（修订）")
    statutory_item_retire(actor=daying_officer, item=dropped, reason="大委编发〔2025〕9号")
    assert listed_codes(regions) == ["FD-001"]

    page = client.get(reverse("duties-public:township-duties", args=[PENGLAI])).content.decode()
    assert "乡镇国土空间规划编制（修订）" in page and "乡镇集体土地征收补偿公告" not in page
    xlsx = client.get(reverse("duties-public:township-duties-xlsx", args=[PENGLAI]))
    names = [row[3] for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["乡镇国土空间规划编制（修订）"]
