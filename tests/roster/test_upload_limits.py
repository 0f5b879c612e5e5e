"""The roster import: only an officer's file reaches calamine, an oversized
workbook is refused with the Chinese message (nothing written), and the
limits still let a 1,000,000-row roster through."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from tests.duty_actors import department, dept_user  # noqa: F401 (fixtures)
from tests.oversized import Spy, Unreachable, declaring, upload, with_cell

from bianzhi.adapters import xlsx_columns
from bianzhi.audit.models import AuditRecord
from bianzhi.roster.importing import roster_import_parse, roster_template
from bianzhi.roster.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.mark.parametrize("user", ["suining_viewer", "penglai_user", "dept_user"])
def test_a_user_who_may_not_import_is_refused_before_the_file_is_read(
    user: str, request: pytest.FixtureRequest, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = login(request.getfixturevalue(user))
    parser = Unreachable()
    monkeypatch.setattr(xlsx_columns, "CalamineWorkbook", parser)
    response = client.post("/roster/import/", {"file": upload(roster_template())})
    assert response.status_code == 403
    assert parser.calls == []


def test_an_oversized_workbook_is_refused_with_the_chinese_message_and_nothing_is_written(
    login: Any, daying_officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = Spy(xlsx_columns.CalamineWorkbook)
    monkeypatch.setattr(xlsx_columns, "CalamineWorkbook", parser)
    audit_before = AuditRecord.objects.count()
    # One cell in the 31st column: calamine would hold 31 columns for every row.
    data = with_cell("AE2", roster_template())
    body = (
        login(daying_officer)
        .post("/roster/import/", {"file": upload(data, "名册.xlsx")})
        .content.decode()
    )
    assert "表格过大：第31列（AE列）超出上限（最多1100000行、30列）" in body
    assert parser.calls == 0
    assert not Person.objects.exists()
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.parametrize(
    "data",
    [
        declaring("A1:XFD1048576", roster_template()),
        with_cell("XFD1048576", roster_template(), keep_dimension=False),
        declaring("A1:Q1100001", roster_template()),
    ],
    ids=["declared", "one-far-cell", "row-beyond"],
)
def test_the_parse_refuses_a_workbook_beyond_the_roster_limits_before_calamine(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = Unreachable()
    monkeypatch.setattr(xlsx_columns, "CalamineWorkbook", parser)
    plan = roster_import_parse(source=io.BytesIO(data), filename="名册.xlsx")
    assert parser.calls == []
    (error,) = plan.errors
    assert error.reason.startswith("表格过大：")
    assert "最多1100000行、30列" in error.reason


def test_a_million_row_roster_is_within_the_limits() -> None:
    from bianzhi.adapters.xlsx_limits import check_xlsx
    from bianzhi.roster.importing import ROSTER_SHEET_LIMITS

    check_xlsx(declaring("A1:Q1000000", roster_template()), ROSTER_SHEET_LIMITS)
    check_xlsx(with_cell("AD1100000", roster_template()), ROSTER_SHEET_LIMITS)
