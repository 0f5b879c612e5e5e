"""The duties uploads (catalogue, statutory items, territorial matters): only
the users the import is for get their file to the parser, and an oversized
workbook is refused with the Chinese message, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.conftest import DAYING
from tests.oversized import Spy, Unreachable, declaring, upload

from bianzhi.adapters import xlsx_duties as spreadsheets
from bianzhi.audit.models import AuditRecord
from bianzhi.duties.models import DelegationCatalogue, StatutoryItem, TerritorialMatter

# (url name, POST fields besides the file, the template, the reader the view calls)
IMPORTS = {
    "catalogue": ({}, lambda: spreadsheets.catalogue_workbook([], {}), "catalogue_read"),
    "statutory": (
        {"action": "import"},
        lambda: spreadsheets.statutory_workbook([]),
        "statutory_read",
    ),
    "matters": ({}, lambda: spreadsheets.matters_workbook([]), "matters_read"),
}


def written() -> tuple[int, ...]:
    return (
        DelegationCatalogue.objects.count(),
        StatutoryItem.objects.count(),
        TerritorialMatter.objects.count(),
        AuditRecord.objects.count(),
    )


@pytest.mark.parametrize("page", sorted(IMPORTS))
@pytest.mark.parametrize("user", ["suining_viewer", "penglai_user", "dept_user"])
def test_a_user_the_import_is_not_for_is_refused_before_the_file_is_read(
    page: str,
    user: str,
    request: pytest.FixtureRequest,
    login: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fields, template, reader_name = IMPORTS[page]
    client = login(request.getfixturevalue(user))
    reader = Unreachable()
    monkeypatch.setattr(spreadsheets, reader_name, reader)
    before = written()
    response = client.post(
        reverse(f"duties:{page}", args=[DAYING]),
        {**fields, "file": upload(template()), "document_number": "大委编发〔2025〕3号"},
    )
    # 403, or 404 where the page itself is out of the user's scope.
    assert response.status_code in (403, 404)
    assert reader.calls == []
    assert written() == before


@pytest.mark.parametrize("page", sorted(IMPORTS))
def test_an_oversized_workbook_is_refused_with_the_chinese_message_and_nothing_is_written(
    page: str, login: Any, daying_officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fields, template, _ = IMPORTS[page]
    parser = Spy(spreadsheets.load_workbook)
    monkeypatch.setattr(spreadsheets, "load_workbook", parser)
    before = written()
    response = login(daying_officer).post(
        reverse(f"duties:{page}", args=[DAYING]),
        {
            **fields,
            "file": upload(declaring("A1:G70000", template()), "清单.xlsx"),
            "document_number": "大委编发〔2025〕3号",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "清单.xlsx：表格过大：第70000行超出上限（最多65536行、64列）" in body
    assert parser.calls == 0
    assert written() == before
