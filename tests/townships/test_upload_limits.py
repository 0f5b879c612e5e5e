"""The indicator import page: only an officer's file reaches openpyxl, and an
oversized workbook is refused with the Chinese message, nothing written."""

from __future__ import annotations

from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from tests.duty_actors import department, dept_user  # noqa: F401 (fixtures)
from tests.oversized import Spy, Unreachable, declaring, upload

from bianzhi.audit.models import AuditRecord
from bianzhi.townships.models import IndicatorValue


def template(client: Any) -> bytes:
    response = client.get(reverse("townships:template", args=["510923"]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("user", ["suining_viewer", "penglai_user", "dept_user"])
def test_a_user_who_may_not_edit_is_refused_before_the_file_is_read(
    user: str,
    request: pytest.FixtureRequest,
    login: Any,
    daying: Any,
    daying_officer: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = template(login(daying_officer))
    client = login(request.getfixturevalue(user))
    parser = Unreachable()
    monkeypatch.setattr(openpyxl, "load_workbook", parser)
    response = client.post(
        reverse("townships:import", args=["510923"]), {"year": "2027", "file": upload(data)}
    )
    # 403, or 404 where the county itself is out of the user's scope.
    assert response.status_code in (403, 404)
    assert parser.calls == []
    assert not IndicatorValue.objects.filter(year=2027).exists()


def test_an_oversized_workbook_is_refused_with_the_chinese_message_and_nothing_is_written(
    login: Any, daying: Any, daying_officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login(daying_officer)
    data = declaring("A1:J70000", template(client))
    parser = Spy(openpyxl.load_workbook)
    monkeypatch.setattr(openpyxl, "load_workbook", parser)
    audit_before = AuditRecord.objects.count()
    response = client.post(
        reverse("townships:import", args=["510923"]),
        {"year": "2027", "file": upload(data, "指标.xlsx")},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<td>指标.xlsx</td>" in body
    assert "表格过大：第70000行超出上限（最多65536行、64列）" in body
    assert parser.calls == 0
    assert not IndicatorValue.objects.filter(year=2027).exists()
    assert AuditRecord.objects.count() == audit_before
