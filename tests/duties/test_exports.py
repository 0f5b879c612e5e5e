"""The duties workbooks (the public 权责清单 anyone can download, the
statutory-items, catalogue and territorial-matters exports): user text such as
事项名称 and 设定依据 is written as text, never as a formula, and the exports
re-import unchanged."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from tests.conftest import DAYING, PENGLAI

from bianzhi.adapters import xlsx_duties as spreadsheets
from bianzhi.duties.exports import catalogue_xlsx, matters_xlsx, statutory_xlsx
from bianzhi.duties.services.catalogue import catalogue_import
from bianzhi.duties.services.matters import matters_import
from bianzhi.duties.services.statutory import (
    StatutoryImportResult,
    statutory_import,
    statutory_item_set,
)

pytestmark = pytest.mark.django_db

# (事项名称, 设定依据): each begins with one of = + - @.
TEXTS = [
    ("=1+2", '=HYPERLINK("http://example.com","依据")'),
    ("@SUM(A1)", "@《城乡规划法》"),
    ("-5 项", "-《土地管理法》第六十二条"),
    ("+8613800000000 热线", "+《行政处罚法》"),
]


def cells_of(content: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    return [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]


def add_statutory_items(regions: Any) -> None:
    for n, (name, basis) in enumerate(TEXTS, start=1):
        statutory_item_set(
            actor=None,
            county=regions[DAYING],
            code=f"FD-00{n}",
            name=name,
            power_type="其他行政权力",
            legal_basis=basis,
            reason="大委编发〔2025〕3号",
        )


def test_the_public_duty_list_writes_names_and_legal_bases_as_text(
    client: Any, regions: Any
) -> None:
    add_statutory_items(regions)
    response = client.get(reverse("duties-public:township-duties-xlsx", args=[PENGLAI]))  # no login
    assert response.status_code == 200
    cells = cells_of(response.content)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {
        (r[3].value, r[3].data_type, r[5].value, r[5].data_type) for r in sheet.iter_rows(min_row=2)
    }
    assert rows == {(name, "s", basis, "s") for name, basis in TEXTS}


def test_the_statutory_export_writes_text_and_reimports_without_a_change(regions: Any) -> None:
    add_statutory_items(regions)
    export = statutory_xlsx(county=regions[DAYING])
    assert {c.data_type for c in cells_of(export)} == {"s"}
    again = statutory_import(
        actor=None,
        county=regions[DAYING],
        rows=spreadsheets.statutory_read(export),
        document_number="x",
    )
    assert again == StatutoryImportResult(0, 0, 0)


def test_the_catalogue_and_matters_exports_write_formula_like_text_as_text(regions: Any) -> None:
    catalogue = [
        [f"JC-00{n}", name, "行政许可", basis, "@县自然资源和规划局", "基础清单"]
        for n, (name, basis) in enumerate(TEXTS, start=1)
    ]
    catalogue_import(
        actor=None,
        county=regions[DAYING],
        document_number="大府发〔2025〕1号",
        data=spreadsheets.catalogue_read(spreadsheets.catalogue_workbook(catalogue, {})),
    )
    matters = [
        [str(n), "=自然资源", name, "主体责任", "-县自然资源和规划局", "配合责任", basis]
        for n, (name, basis) in enumerate(TEXTS, start=1)
    ]
    matters_import(
        actor=None,
        county=regions[DAYING],
        document_number="大委办发〔2024〕8号",
        rows=spreadsheets.matters_read(spreadsheets.matters_workbook(matters)),
    )
    for export in (catalogue_xlsx(county=regions[DAYING]), matters_xlsx(county=regions[DAYING])):
        assert [c.coordinate for c in cells_of(export) if c.data_type == "f"] == []
    read = spreadsheets.catalogue_read(catalogue_xlsx(county=regions[DAYING]))
    assert [(r.name, r.legal_basis, r.delegating_department) for r in read.rows] == [
        (name, basis, "@县自然资源和规划局") for name, basis in TEXTS
    ]
    assert [
        (r.domain, r.name, r.department, r.basis)
        for r in spreadsheets.matters_read(matters_xlsx(county=regions[DAYING]))
    ] == [("=自然资源", name, "-县自然资源和规划局", basis) for name, basis in TEXTS]
