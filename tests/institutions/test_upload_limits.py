"""The institution import page: only an officer's file reaches calamine, and
an oversized workbook is refused with the Chinese message, nothing written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from tests.duty_actors import department, dept_user  # noqa: F401 (fixtures)
from tests.oversized import Spy, Unreachable, declaring, upload, with_cell

from bianzhi.adapters import xlsx_columns
from bianzhi.adapters.xlsx_columns import SheetError, read_rows
from bianzhi.audit.models import AuditRecord
from bianzhi.institutions.importing import institution_template
from bianzhi.institutions.models import Institution

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
    response = client.post("/institutions/import/", {"file": upload(institution_template())})
    assert response.status_code == 403
    assert parser.calls == []


def test_an_oversized_workbook_is_refused_with_the_chinese_message_and_nothing_is_written(
    login: Any, daying_officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = Spy(xlsx_columns.CalamineWorkbook)
    monkeypatch.setattr(xlsx_columns, "CalamineWorkbook", parser)
    audit_before = AuditRecord.objects.count()
    data = declaring("A1:L70000", institution_template())
    body = (
        login(daying_officer)
        .post("/institutions/import/", {"file": upload(data, "机构.xlsx")})
        .content.decode()
    )
    assert "表格过大：第70000行超出上限（最多65536行、64列）" in body
    assert parser.calls == 0
    assert not Institution.objects.exists()
    assert AuditRecord.objects.count() == audit_before


@pytest.mark.parametrize(
    "data",
    [
        declaring("A1:XFD1048576", institution_template()),
        with_cell("XFD1048576", institution_template(), keep_dimension=False),
    ],
    ids=["declared", "one-far-cell"],
)
def test_the_reader_refuses_a_10_kb_workbook_that_would_take_549_gb(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # calamine reserves rows x columns x 32 bytes for the declared range at once.
    assert len(data) < 10_240
    parser = Unreachable()
    monkeypatch.setattr(xlsx_columns, "CalamineWorkbook", parser)
    with pytest.raises(SheetError) as caught:
        list(read_rows(io.BytesIO(data), [], filename="机构.xlsx"))
    assert parser.calls == []
    assert str(caught.value).startswith("机构.xlsx 表头：表格过大：第1048576行、第16384列（XFD列）")


def test_the_reader_refuses_an_ods_file_whose_repeated_rows_calamine_would_expand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    content = (
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body>'
        b'<office:spreadsheet><table:table table:name="x"><table:table-row'
        b' table:number-rows-repeated="1048576"><table:table-cell'
        b' table:number-columns-repeated="16384"/></table:table-row></table:table>'
        b"</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    parser = Unreachable()
    monkeypatch.setattr(xlsx_columns, "CalamineWorkbook", parser)
    with pytest.raises(SheetError, match="只支持 .xlsx 格式"):
        list(read_rows(io.BytesIO(out.getvalue()), [], filename="机构.xlsx"))
    assert parser.calls == []


def test_the_template_still_reads() -> None:
    assert list(read_rows(io.BytesIO(institution_template()), [], filename="机构.xlsx")) == []
