"""The task-table and county-table readers refuse an oversized file with their
own Chinese error, before openpyxl is reached, and still read real files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.oversized import Unreachable, declare_size, declaring, with_cell

from bianzhi.adapters import xlsx_county_table, xlsx_tasks
from bianzhi.adapters.problems import InputError
from bianzhi.adapters.xlsx_county_table import TableError, load_county_table, read_county_table
from bianzhi.adapters.xlsx_tasks import read_task_table, task_table_xlsx

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> Unreachable:
    parser = Unreachable()
    monkeypatch.setattr(xlsx_tasks, "load_workbook", parser)
    monkeypatch.setattr("openpyxl.load_workbook", parser)
    return parser


@pytest.mark.parametrize(
    "data",
    [
        declaring("A1:XFD1048576", task_table_xlsx()),
        with_cell("XFD1048576", task_table_xlsx(), keep_dimension=False),
        with_cell("A70000", task_table_xlsx()),
    ],
    ids=["declared", "one-far-cell", "row-beyond"],
)
def test_a_task_table_beyond_the_limits_is_refused_before_openpyxl(
    data: bytes, no_openpyxl: Unreachable
) -> None:
    with pytest.raises(InputError) as caught:
        read_task_table(data, filename="任务.xlsx")
    assert no_openpyxl.calls == []
    (problem,) = caught.value.problems
    assert str(problem).startswith("任务.xlsx：表格过大：")
    assert "最多65536行、64列" in str(problem)


def test_the_task_template_still_reads() -> None:
    assert read_task_table(task_table_xlsx())[0].seq == 1


def test_a_county_table_beyond_the_limits_is_refused_before_openpyxl(
    no_openpyxl: Unreachable, tmp_path: Path
) -> None:
    real = (EXAMPLES / "daying.xlsx").read_bytes()
    for data in (declaring("A1:XFD1048576", real), with_cell("A5001", real)):
        with pytest.raises(TableError) as caught:
            load_county_table(data, "县表.xlsx")
        assert "表格过大" in str(caught.value) and "最多5000行、64列" in str(caught.value)
    bomb = declare_size(real, "xl/worksheets/sheet1.xml", 2**31)
    with pytest.raises(TableError, match="解压后超过 8 MB"):
        load_county_table(bomb, "县表.xlsx")
    assert no_openpyxl.calls == []


def test_a_county_table_csv_beyond_the_limits_is_refused_as_it_is_read(tmp_path: Path) -> None:
    header = "代码,名称,类别,人口,面积,经济"
    row = "510923100,蓬莱镇,县政府驻地镇,118300,96.2,682500"
    tall = tmp_path / "高.csv"
    # A CSV may hold the whole country (41,352 townships); the bound is 100,000 records.
    tall.write_text("\n".join([header] + [row] * 100_000) + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="第100001行超出上限"):
        read_county_table(tall)
    wide = tmp_path / "宽.csv"
    wide.write_text(header + "," * 64 + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(TableError, match="第70列"):
        read_county_table(wide)
    big = tmp_path / "大.csv"
    with big.open("wb") as handle:
        handle.truncate(32 * 1024 * 1024 + 1)  # sparse: nothing is written
    with pytest.raises(TableError, match="文件超过 32 MB"):
        read_county_table(big)


def test_the_example_county_tables_still_read(monkeypatch: Any) -> None:
    assert len(read_county_table(EXAMPLES / "daying.csv").townships) == 10
    assert len(read_county_table(EXAMPLES / "daying.xlsx").townships) == 10
    assert xlsx_county_table.SHEET_LIMITS.rows == 5_000
