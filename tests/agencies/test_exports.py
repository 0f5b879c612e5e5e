"""The assessment workbook: agency and department names typed by users are
written as text, never as formulas; scores and ranks stay numbers."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.conftest import DAYING, PENGLAI
from tests.staffing import approve

from bianzhi.accounts.services import department_create
from bianzhi.agencies import services
from bianzhi.agencies.exports import assessments_xlsx
from bianzhi.agencies.models import Direction

pytestmark = pytest.mark.django_db
D = Decimal


def test_formula_like_names_are_text_cells_and_scores_numbers(regions: Any) -> None:
    approve(PENGLAI, admin=10, institution=10)
    department = department_create(county=regions[DAYING], name="=1+2局")
    agency = services.agency_create(
        actor=None,
        township=regions[PENGLAI],
        name="@SUM(A1)所",
        agency_type="市场监管所",
        managing_department=department,
        established_on=date(2019, 1, 1),
        document_number="大编发〔2019〕1号",
        quotas={"事业编制": 3},
    )
    services.agency_assessment_record(
        actor=None,
        agency=agency,
        year=2024,
        township_weight=D(50),
        township_score=D(90),
        department_score=D(80),
    )
    services.evaluation_record(
        actor=None,
        year=2024,
        direction=Direction.TOWNSHIP_TO_DEPARTMENT,
        township=regions[PENGLAI],
        department=department,
        score=D(90),
    )
    services.department_assessment_record(
        actor=None, department=department, year=2024, township_weight=D(30), other_score=D(80)
    )
    book = load_workbook(io.BytesIO(assessments_xlsx(county=regions[DAYING], year=2024)))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    agencies = [(c.value, c.data_type) for c in book["派驻机构考核"][2]]
    assert agencies[1:4] == [("蓬莱镇", "s"), ("@SUM(A1)所", "s"), ("=1+2局", "s")]
    assert [t for _, t in agencies[4:]] == ["n"] * 4 and agencies[0] == (1, "n")
    assert [(c.value, c.data_type) for c in book["县直部门考核"][2]][:2] == [
        (1, "n"),
        ("=1+2局", "s"),
    ]
    assert [(c.value, c.data_type) for c in book["乡镇评议部门"][2]][1] == ("=1+2局", "s")
