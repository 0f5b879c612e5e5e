"""The county table's column-by-column fast path (issue 16) reads a clean
table exactly as the cell-by-cell lenient path does, and hands every table
with anything to forgive or report to the lenient path."""

from __future__ import annotations

import pytest

from bianzhi.adapters import xlsx_county_table as reader
from bianzhi.adapters.xlsx_county_table import CountyTable, TableError, load_county_table

HEADER = "代码,名称,类别,人口,面积,经济"
ROWS = [
    "510923100,蓬莱镇,县政府驻地镇,118300,96.2,682500",
    "510923102,回马镇,一般乡镇,31200,71.3,96300",
    "510923103,天保镇,一般乡镇,.5,1e3,0",
]


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object, bool]:
    """(fast-path result, lenient-only result, whether the fast path answered):
    each result is the CountyTable or the TableError's problems."""
    taken: list[bool] = []
    plain = reader._plain_table

    def spy(*args: object) -> CountyTable | None:
        table = plain(*args)  # type: ignore[arg-type]
        taken.append(table is not None)
        return table

    def read() -> object:
        try:
            return load_county_table(text.encode("utf-8"), "t.csv")
        except TableError as exc:
            return exc.problems

    with monkeypatch.context() as patch:
        patch.setattr(reader, "_plain_table", spy)
        fast = read()
    with monkeypatch.context() as patch:
        patch.setattr(reader, "_plain_table", lambda *args: None)
        lenient = read()
    return fast, lenient, any(taken)


def _same_table(a: object, b: object) -> None:
    assert isinstance(a, CountyTable) and isinstance(b, CountyTable)
    assert a == b
    # The township objects and their indicator columns, not only equality of the dataclass.
    assert list(a.townships) == list(b.townships)
    assert [dict(t.indicators) for t in a.townships] == [dict(t.indicators) for t in b.townships]
    assert list(a.townships[0].indicators) == list(b.townships[0].indicators)  # key order


CLEAN = {
    "the required columns": [HEADER, *ROWS],
    "a title row, 序号 and 备注": [
        "大英县乡镇基本情况表", "序号," + HEADER + ",备注",
        *(f"{i},{row},说明{i}" for i, row in enumerate(ROWS, 1)),
    ],
    "an X indicator with a blank": [HEADER + ",耕地", ROWS[0] + ",12.5", ROWS[1] + ",", ROWS[2] + ",3"],
    "a notes column that is mostly text": [HEADER + ",情况", ROWS[0] + ",好", ROWS[1] + ",一般", ROWS[2] + ",7"],
    "current quotas, minima and maxima": [
        HEADER + ",现有编制,下限,上限", ROWS[0] + ",30,20,", ROWS[1] + ",,15,40", ROWS[2] + ",12,,",
    ],
    "a name with 计 that is no total": [HEADER, ROWS[0], "510923104,计家镇,一般乡镇,1,2,3"],
    "trailing empty columns": [HEADER + ",,", *(r + ",," for r in ROWS)],
}


@pytest.mark.parametrize("lines", CLEAN.values(), ids=CLEAN.keys())
def test_a_clean_table_is_read_by_the_fast_path_as_the_lenient_path_reads_it(
    lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, lenient, taken = _both("\n".join(lines) + "\n", monkeypatch)
    assert taken
    _same_table(fast, lenient)


FORGIVEN_OR_WRONG = {
    "full-width digits": [HEADER, *ROWS[:2], "510923103,天保镇,一般乡镇,１２３,4,5"],
    "thousands separators": [HEADER, *ROWS[:2], '510923103,天保镇,一般乡镇,"1,230",4,5'],
    "spaces around a number": [HEADER, *ROWS[:2], "510923103,天保镇,一般乡镇, 123 ,4,5"],
    "spaces around a name": [HEADER, *ROWS[:2], "510923103, 天保镇 ,一般乡镇,123,4,5"],
    "a total row": [HEADER, *ROWS, ",合  计,,149500,168.5,778800"],
    "a blank row": [HEADER, ROWS[0], ",,,,,", *ROWS[1:]],
    "a unit": [HEADER, *ROWS[:2], "510923103,天保镇,一般乡镇,123人,4,5"],
    "a negative number": [HEADER, *ROWS[:2], "510923103,天保镇,一般乡镇,-1,4,5"],
    "an empty indicator": [HEADER, *ROWS[:2], "510923103,天保镇,一般乡镇,,4,5"],
    "an infinite number": [HEADER, *ROWS[:2], "510923103,天保镇,一般乡镇,1e999,4,5"],
    "a duplicate code": [HEADER, *ROWS, ROWS[0]],
    "a code in scientific notation": [HEADER, *ROWS[:2], "5.10923E+11,天保镇,一般乡镇,1,4,5"],
    "a short row": [HEADER, *ROWS[:2], "510923103,天保镇,一般乡镇,1,4"],
    "data without a header": [HEADER + ",", ROWS[0] + ",9", *(r + "," for r in ROWS[1:])],
    "an X indicator with a word": [HEADER + ",耕地", ROWS[0] + ",12", ROWS[1] + ",无", ROWS[2] + ",3"],
    "a minimum above the maximum": [HEADER + ",下限,上限", ROWS[0] + ",30,20", *(r + ",," for r in ROWS[1:])],
    "a fractional current quota": [HEADER + ",现有编制", ROWS[0] + ",3.5", *(r + "," for r in ROWS[1:])],
    "a missing column": ["代码,名称,类别,人口,面积", *(r.rsplit(",", 1)[0] for r in ROWS)],
}


@pytest.mark.parametrize("lines", FORGIVEN_OR_WRONG.values(), ids=FORGIVEN_OR_WRONG.keys())
def test_a_table_with_anything_to_forgive_or_report_is_read_cell_by_cell(
    lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, lenient, taken = _both("\n".join(lines) + "\n", monkeypatch)
    assert not taken
    if isinstance(lenient, CountyTable):
        _same_table(fast, lenient)
    else:
        assert fast == lenient
