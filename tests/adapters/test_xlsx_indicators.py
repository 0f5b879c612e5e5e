"""Writing the indicator workbook: a county's own indicator names (and any
other text) are written as text, never as formulas, and read back unchanged;
indicator values stay numbers."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from bianzhi.adapters.xlsx_indicators import Column, SheetRow, read_workbook, workbook_bytes


def test_formula_like_indicator_names_and_township_names_are_text_and_read_back() -> None:
    indicators = [Column("人口", "人"), Column("=A1", "个"), Column("@村数")]
    rows = [
        SheetRow(
            "510923100",
            "=1+2镇",
            "一类",
            {"人口": Decimal(118300), "=A1": Decimal(3), "@村数": None},
        ),
        SheetRow(
            "510923101",
            "+86镇",
            "二类",
            {"人口": Decimal("5.5"), "=A1": Decimal(2), "@村数": Decimal(7)},
        ),
    ]
    content = workbook_bytes(
        indicators=indicators, classes=["一类", "二类"], rows=rows, title="=测试"
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert [(c.value, c.data_type) for c in sheet[1]][3:] == [
        ("人口（人）", "s"),
        ("=A1（个）", "s"),
        ("@村数", "s"),
    ]
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        ("510923100", "s"),
        ("=1+2镇", "s"),
        ("一类", "s"),
        (118300, "n"),
        (3, "n"),
        (None, "n"),
    ]

    parsed = read_workbook(
        content,
        file_name="指标.xlsx",
        indicators=["人口", "=A1", "@村数"],
        classes=["一类", "二类"],
    )
    assert parsed.indicators == ["人口", "=A1", "@村数"]
    assert parsed.problems == []
    assert [(r.name, r.values["=A1"]) for r in parsed.rows] == [
        ("=1+2镇", Decimal(3)),
        ("+86镇", Decimal(2)),
    ]
