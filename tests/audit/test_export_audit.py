"""A download with full identity numbers leaves an audit record (who, when,
region, filters, rows); a masked download does not need one."""

from __future__ import annotations

import io
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from tests.staffing import enter
from tests.staffing import penglai as penglai  # noqa: F401  (the fixture)

from bianzhi.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def _exports() -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action="export"))


def test_an_export_with_full_identity_numbers_is_audited(
    login: Any, daying_officer: Any, penglai: Any
) -> None:
    people = [enter(1), enter(2)]
    response = login(daying_officer).get("/roster/export.xlsx", {"status": "on-post"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert {sheet.cell(row=r, column=1).value for r in (2, 3)} == {p.id_number for p in people}
    [record] = _exports()
    assert record.actor == daying_officer and record.actor_name == "daying"
    assert record.get_action_display() == "导出"
    assert record.region_code == "510923" and record.object_type == "roster.export"
    assert record.after == {"rows": 2, "criteria": {"status": "on-post"}}
    assert "含完整身份证号" in record.object_label
    # The county's 变更记录 page lists it.
    page = login(daying_officer).get(reverse("audit:list")).content.decode()
    assert "实名制名册导出" in page


def test_a_masked_export_is_not_recorded(login: Any, penglai_user: Any, penglai: Any) -> None:
    enter(1)
    assert login(penglai_user).get("/roster/export.xlsx").status_code == 200
    assert _exports() == []


def test_no_file_leaves_without_its_record(login: Any, daying_officer: Any, penglai: Any) -> None:
    enter(1)
    with (
        mock.patch("bianzhi.audit.services.audit_record", side_effect=RuntimeError("down")),
        pytest.raises(RuntimeError),
    ):
        login(daying_officer).get("/roster/export.xlsx")
