"""The roster export and template: names, 执法证号 and option texts typed by
users are written as text, never as formulas, so the export re-imports
unchanged instead of coming back blank."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.staffing import enter

from bianzhi.institutions.services import institution_create
from bianzhi.roster.importing import HEADERS, roster_import_parse

pytestmark = pytest.mark.django_db

# (姓名, 执法证号): each begins with one of = + - @.
TEXTS = [
    ("=1+2", "@SUM(A1)"),
    ("@SUM(A1)", "=1+2"),
    ("-5 项", "+8613800000000"),
    ("+86 张三", "-0001"),
]


def test_formula_like_names_and_certificate_numbers_export_as_text_and_reimport_unchanged(
    login: Any, daying_officer: Any, penglai: Any
) -> None:
    for serial, (name, certificate) in enumerate(TEXTS, start=1):
        enter(serial, name=name, certificate_number=certificate)
    content = login(daying_officer).get("/roster/export.xlsx").content

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    name_col, cert_col = HEADERS.index("姓名") + 1, HEADERS.index("执法证号") + 1
    written = sorted(
        (
            (sheet.cell(r, name_col).value, sheet.cell(r, name_col).data_type),
            (sheet.cell(r, cert_col).value, sheet.cell(r, cert_col).data_type),
        )
        for r in range(2, sheet.max_row + 1)
    )
    assert written == sorted(((n, "s"), (c, "s")) for n, c in TEXTS)

    plan = roster_import_parse(
        source=io.BytesIO(content), filename="实名制名册.xlsx", region=penglai
    )
    assert plan.errors == []
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, len(TEXTS))


def test_the_template_offers_formula_like_institution_names_as_text(
    login: Any, daying_officer: Any, penglai: Any
) -> None:
    institution_create(
        actor=None,
        township=penglai,
        name="=1+2办",
        kind="office",
        established_on=date(2020, 1, 1),
        document_number="大委编发〔2020〕1号",
    )
    content = login(daying_officer).get("/roster/template.xlsx").content
    options = load_workbook(io.BytesIO(content))["选项"]
    cells = {
        c.value: c.data_type for column in options.iter_cols(min_row=2) for c in column if c.value
    }
    assert cells["=1+2办"] == "s"
    assert "f" not in cells.values()
