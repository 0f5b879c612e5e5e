"""Writing allocation results: the printable workbook, the CSV, the JSON and the terminal table."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bianzhi.adapters.allocation_export import (
    csv_bytes,
    json_document,
    output_format,
    render,
    summary_text,
    write_atomic,
    write_report,
)
from bianzhi.adapters.allocation_report import AllocationReport
from bianzhi.adapters.textwidth import display_width, wrap
from bianzhi.adapters.xlsx_allocation import (
    COMPARE_SHEET,
    EXPLAIN_SHEET,
    MAIN_SHEET,
    PARAMS_SHEET,
    xlsx_bytes,
)
from bianzhi.core.allocation import (
    AllocationParams,
    AllocationResult,
    Method,
    Reserve,
    TownshipInput,
    allocate,
    compare_methods,
)

TOWNSHIPS = [
    TownshipInput(
        "510923100",
        "蓬莱镇",
        "县政府驻地镇",
        {"人口": 118300, "面积": 96.2, "经济": 682500, "村数": 26},
    ),
    TownshipInput(
        "510923101", "隆盛镇", "中心镇", {"人口": 52100, "面积": 88.5, "经济": 178400, "村数": 20}
    ),
    TownshipInput(
        "510923102", "回马镇", "一般乡镇", {"人口": 31200, "面积": 71.3, "经济": 96300, "村数": 14}
    ),
    TownshipInput(
        "510923107", "象山镇", "一般乡镇", {"人口": 23900, "面积": 58.9, "经济": 69400, "村数": 11}
    ),
]
PARAMS = AllocationParams(
    total=80,
    weights={"人口": 0.4, "面积": 0.3, "经济": 0.2, "村数": 0.1},
    reserve=Reserve.parse("5%"),
    floors={"一般乡镇": 15},
    current={"510923100": 28, "510923101": 16, "510923102": 13, "510923107": 11},
)


@pytest.fixture(scope="module")
def result() -> AllocationResult:
    return allocate(TOWNSHIPS, PARAMS)


@pytest.fixture(scope="module")
def report(result: AllocationResult) -> AllocationReport:
    return AllocationReport(
        result, "测试县行政编制测算", source="测试.csv", generated_at=datetime(2024, 5, 1, 9, 30)
    )


@pytest.fixture(scope="module")
def compared(result: AllocationResult) -> AllocationReport:
    return AllocationReport(result, "测试县", comparison=compare_methods(TOWNSHIPS, PARAMS))


def workbook_of(report: AllocationReport):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(xlsx_bytes(report)))


def test_the_workbook_has_result_parameters_and_explanation_sheets(
    report: AllocationReport,
) -> None:
    assert workbook_of(report).sheetnames == [MAIN_SHEET, PARAMS_SHEET, EXPLAIN_SHEET]


def test_the_result_sheet_has_a_title_a_frozen_header_and_a_totals_row_equal_to_the_distributable_quota(
    report: AllocationReport,
) -> None:
    sheet = workbook_of(report)[MAIN_SHEET]
    assert sheet["A1"].value == "测试县行政编制测算"
    headers = [c.value for c in sheet[3]]
    assert headers[:4] == ["序号", "乡镇代码", "乡镇名称", "乡镇类别"]
    assert sheet.freeze_panes == "D4"
    allocation = headers.index("测算编制") + 1
    names = [sheet.cell(row=r, column=3).value for r in range(4, 8)]
    assert names == ["蓬莱镇", "隆盛镇", "回马镇", "象山镇"]
    assert sheet.cell(row=8, column=2).value == "合计（基本编制）"
    assert sheet.cell(row=8, column=allocation).value == report.result.distributable == 76
    assert sum(sheet.cell(row=r, column=allocation).value for r in range(4, 8)) == 76
    assert sheet.cell(row=9, column=allocation).value == 4  # 机动编制
    assert sheet.cell(row=10, column=allocation).value == 80  # 编制总量


def test_the_result_sheet_prints_on_a4_landscape_one_page_wide_with_the_header_repeated(
    report: AllocationReport,
) -> None:
    sheet = workbook_of(report)[MAIN_SHEET]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1
    assert sheet.print_title_rows == "$3:$3"
    assert all(sheet.column_dimensions[letter].width >= 6 for letter in "ABCDEFGHIJKL")
    # Chinese names get room for two columns per character.
    assert sheet.column_dimensions["D"].width >= display_width("县政府驻地镇")


def test_the_result_sheet_names_the_bound_that_decided(report: AllocationReport) -> None:
    sheet = workbook_of(report)[MAIN_SHEET]
    headers = [c.value for c in sheet[3]]
    column = headers.index("约束说明") + 1
    assert sheet.cell(row=7, column=column).value == "类别下限（保底）"  # 象山镇


def test_the_parameters_sheet_lists_the_plan(report: AllocationReport) -> None:
    sheet = workbook_of(report)[PARAMS_SHEET]
    pairs = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert pairs["编制总量"] == 80
    assert pairs["机动编制"] == "4（编制总量的 5%，四舍五入）"
    assert pairs["基本编制（参与分配）"] == 76
    assert pairs["分配方法"] == Method.WEBSTER.label
    assert pairs["数据来源"] == "测试.csv"
    assert pairs["生成时间"] == "2024-05-01 09:30"
    assert pairs["村数"] == 0.1  # the weights table
    assert pairs["一般乡镇"] == 2  # the classes table: two townships


def test_the_explanation_sheet_shows_each_indicator_value_share_and_contribution(
    report: AllocationReport,
) -> None:
    sheet = workbook_of(report)[EXPLAIN_SHEET]
    assert sheet["D3"].value.startswith("人口")
    assert [c.value for c in sheet[4]][3:6] == ["数值", "占比", "加权贡献"]
    first = report.result.townships[0]
    row = [c.value for c in sheet[5]]
    assert row[:3] == ["510923100", "蓬莱镇", "县政府驻地镇"]
    assert row[3] == 118300
    assert row[4] == pytest.approx(first.contributions[0].share)
    assert row[5] == pytest.approx(first.contributions[0].contribution)
    totals = [c.value for c in sheet[9]]
    assert totals[1] == "合计"
    assert totals[4] == pytest.approx(1.0)  # shares of one indicator add up to 100%
    assert totals[-1] == 76


def test_a_comparison_adds_a_sheet_with_every_method(compared: AllocationReport) -> None:
    workbook = workbook_of(compared)
    assert workbook.sheetnames[-1] == COMPARE_SHEET
    sheet = workbook[COMPARE_SHEET]
    headers = [c.value for c in sheet[3]]
    assert headers[5] == "韦伯斯特法（本方案）"
    assert headers[6:] == ["亨廷顿-希尔法", "顿特法", "亚当斯法", "汉密尔顿法"]
    assert [c.value for c in sheet[8]][5:] == [76] * 5


def test_the_csv_has_a_bom_chinese_headers_and_a_totals_row(report: AllocationReport) -> None:
    data = csv_bytes(report)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "乡镇代码", "乡镇名称", "乡镇类别"]
    assert rows[1][1:3] == ["510923100", "蓬莱镇"]
    allocation = rows[0].index("测算编制")
    assert rows[-1][0] == "合计"
    assert rows[-1][allocation] == "76"
    assert sum(int(r[allocation]) for r in rows[1:-1]) == 76
    change = rows[0].index("增减")
    assert rows[4][change].startswith("+")  # 象山镇 rises to its floor


def test_the_csv_gets_one_column_per_method_when_compared(compared: AllocationReport) -> None:
    rows = list(csv.reader(io.StringIO(csv_bytes(compared).decode("utf-8-sig"))))
    assert rows[0][-5:] == [
        f"测算编制（{m}）"
        for m in ["韦伯斯特法", "亨廷顿-希尔法", "顿特法", "亚当斯法", "汉密尔顿法"]
    ]
    assert rows[-1][-5:] == ["76"] * 5


def test_the_json_has_the_plan_the_figures_and_one_entry_per_township(
    report: AllocationReport,
) -> None:
    document = json.loads(render(report, "json"))
    assert document["plan"]["total"] == 80
    assert document["plan"]["reserve"] == "5%"
    assert document["plan"]["method"] == "webster"
    assert document["plan"]["weights"] == {"人口": 0.4, "面积": 0.3, "经济": 0.2, "村数": 0.1}
    assert document["plan"]["floors"] == {"一般乡镇": 15}
    assert document["reserve"] == 4
    assert document["distributable"] == 76
    assert document["divisor"] == report.result.divisor
    low, high = document["divisor_interval"]
    assert low <= document["divisor"] < high
    assert document["ties"] == []
    assert "compare" not in document
    first = document["townships"][0]
    assert set(first) >= {
        "code",
        "name",
        "class",
        "score",
        "quota",
        "allocation",
        "bound",
        "change",
    }
    assert first["class"] == "县政府驻地镇"
    assert first["indicators"]["人口"]["value"] == 118300
    assert sum(t["allocation"] for t in document["townships"]) == 76
    assert document["townships"][3]["bound"] == "floor"


def test_the_json_compare_key_has_every_method(compared: AllocationReport) -> None:
    document = json_document(compared)
    assert list(document["compare"]) == [m.value for m in Method]
    assert document["compare"]["hamilton"]["divisor"] is None
    assert sum(document["compare"]["dhondt"]["allocations"].values()) == 76
    json.dumps(document, allow_nan=False)  # no infinity leaks into JSON


def cells_by_display_column(line: str, rule: str) -> list[str]:
    """Cut `line` at the display columns where the rule's dash groups start
    and end; fail if a wide character straddles a boundary."""
    spans, start = [], None
    for column, ch in enumerate(rule + " "):
        if ch == "-" and start is None:
            start = column
        elif ch != "-" and start is not None:
            spans.append((start, column))
            start = None
    placed, column = [], 0
    for ch in line:
        placed.append((column, ch))
        for a, b in spans:
            assert not (column < a < column + display_width(ch)), f"{ch!r} straddles column {a}"
            assert not (column < b < column + display_width(ch)), f"{ch!r} straddles column {b}"
        column += display_width(ch)
    return ["".join(ch for c, ch in placed if a <= c < b).strip() for a, b in spans]


def test_the_terminal_summary_aligns_chinese_by_display_width(report: AllocationReport) -> None:
    lines = summary_text(report).splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("乡镇代码"))
    header, rule = lines[top], lines[top + 1]
    assert cells_by_display_column(header, rule) == [
        "乡镇代码",
        "乡镇名称",
        "乡镇类别",
        "理论编制数",
        "测算编制",
        "现有编制",
        "增减",
        "约束说明",
    ]
    first = cells_by_display_column(lines[top + 2], rule)
    assert first[:3] == ["510923100", "蓬莱镇", "县政府驻地镇"]
    last = cells_by_display_column(lines[top + 5], rule)
    assert last[1:3] == ["象山镇", "一般乡镇"]
    assert last[-1] == "类别下限（保底）"
    totals = cells_by_display_column(lines[top + 7], rule)
    assert totals[0] == "合计"
    assert totals[4] == "76"


def test_the_terminal_summary_shows_the_comparison(compared: AllocationReport) -> None:
    text = summary_text(compared)
    assert "方法比较" in text
    assert "韦伯斯特法*" in text
    assert "最大偏差" in text


def test_output_format_follows_the_extension() -> None:
    assert output_format("out/结果.XLSX") == "xlsx"
    assert output_format("a.json") == "json"
    assert output_format("a.csv") == "csv"
    assert output_format("a.pdf") is None
    assert output_format("a") is None


def test_write_report_to_a_path_creates_the_directory(
    report: AllocationReport, tmp_path: Path
) -> None:
    target = tmp_path / "新建目录" / "结果.json"
    write_report(report, target)
    assert json.loads(target.read_text(encoding="utf-8"))["distributable"] == 76
    assert [p.name for p in target.parent.iterdir()] == ["结果.json"]  # no temporary left


def test_write_report_to_a_stream_needs_a_format(report: AllocationReport) -> None:
    stream = io.BytesIO()
    write_report(report, stream, "csv")
    assert stream.getvalue().startswith(b"\xef\xbb\xbf")
    with pytest.raises(ValueError):
        write_report(report, io.BytesIO())


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "结果.csv"
    target.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_atomic(target, "不是字节")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["结果.csv"]


def test_wrap_breaks_chinese_anywhere_but_keeps_latin_words_and_closing_punctuation() -> None:
    assert wrap("一二三四五六", 6) == ["一二三", "四五六"]
    assert wrap("ab cd", 3) == ["ab", "cd"]
    assert wrap("一二三，四", 6) == ["一二三，", "四"]
    assert all(display_width(line) <= 8 for line in wrap("按“3+X”模型测算各乡镇编制 webster", 8))


# Names, classes, indicator names, titles and sources are user text (the input
# file, the plan form): each of = + - @ must reach the file as text.
INJECTED_NAMES = ["=1+2", "@SUM(A1)", "-5 项", "+8613800000000"]


@pytest.fixture(scope="module")
def injected() -> AllocationReport:
    townships = [
        TownshipInput(
            t.code,
            name,
            t.township_class,
            {"=村数" if k == "村数" else k: v for k, v in t.indicators.items()},
        )
        for t, name in zip(TOWNSHIPS, INJECTED_NAMES, strict=True)
    ]
    weights = {"=村数" if k == "村数" else k: v for k, v in PARAMS.weights.items()}
    params = AllocationParams(
        total=PARAMS.total,
        weights=weights,
        reserve=PARAMS.reserve,
        floors=PARAMS.floors,
        current={**PARAMS.current, "510923100": 40},  # 蓬莱镇 loses quota: a negative change
    )
    return AllocationReport(
        allocate(townships, params),
        '=HYPERLINK("http://example.com","测算")',
        source="@来源.xlsx",
        comparison=compare_methods(townships, params),
    )


def test_user_text_in_every_sheet_is_written_as_text_never_as_a_formula(
    injected: AllocationReport,
) -> None:
    workbook = workbook_of(injected)
    cells = [
        c for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None
    ]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    main = workbook[MAIN_SHEET]
    assert (main["A1"].value, main["A1"].data_type) == (
        '=HYPERLINK("http://example.com","测算")',
        "s",
    )
    assert [
        (main.cell(row=r, column=3).value, main.cell(row=r, column=3).data_type)
        for r in range(4, 8)
    ] == [(name, "s") for name in INJECTED_NAMES]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert {"@来源.xlsx", "=村数", *INJECTED_NAMES} <= texts
    # Numbers stay numbers, the negative changes included.
    change = [c.value for c in main[3]].index("增减") + 1
    changes = [main.cell(row=r, column=change) for r in range(4, 8)]
    assert [c.value for c in changes] == [t.change for t in injected.result.townships]
    assert {c.data_type for c in changes} == {"n"} and min(
        t.change or 0 for t in injected.result.townships
    ) < 0


def test_the_csv_neutralises_formula_like_text_with_an_apostrophe_but_not_numbers(
    injected: AllocationReport,
) -> None:
    rows = list(csv.reader(io.StringIO(csv_bytes(injected).decode("utf-8-sig"))))
    assert [r[2] for r in rows[1:-1]] == ["'=1+2", "'@SUM(A1)", "'-5 项", "'+8613800000000"]
    change = rows[0].index("增减")
    assert [r[change] for r in rows[1:-1]] == [
        f"{t.change:+d}" if t.change else "0" for t in injected.result.townships
    ]
    assert any(r[change].startswith("-") for r in rows[1:-1])


def test_the_json_townships_read_from_columns_equal_those_read_from_objects() -> None:
    from bianzhi.adapters.allocation_export import _township_document, _township_documents

    result = allocate(
        [
            TownshipInput(f"{i:02d}", f"镇{i}", "一般乡镇" if i else "中心镇", {"人口": 5.0 + i, "面积": 9.0 - i})
            for i in range(6)
        ],
        AllocationParams(total=40, weights={"人口": 1, "面积": 1}, floors={"一般乡镇": 4}, current={"02": 6}),
    )
    assert _township_documents(result) == [_township_document(t) for t in result.townships]


def test_a_national_table_lists_its_first_townships_and_totals_all_of_them() -> None:
    from bianzhi.adapters.allocation_export import TERMINAL_HEAD, TERMINAL_ROWS

    count = TERMINAL_ROWS + 1
    result = allocate(
        [TownshipInput(f"{i:04d}", f"镇{i}", "一般乡镇", {"人口": 1.0 + i % 7}) for i in range(count)],
        AllocationParams(total=3 * count, weights={"人口": 1}, current={"0000": 2}),
    )
    lines = summary_text(AllocationReport(result, "全国", source="全国.csv")).splitlines()
    assert sum(line.startswith("0") for line in lines) == TERMINAL_HEAD
    total = next(line for line in lines if line.startswith("合计"))
    assert str(3 * count) in total.split()
    assert any(f"共 {count:,} 个乡镇" in line for line in lines)


def test_the_json_file_holds_the_document_the_standard_library_would_write(
    report: AllocationReport, compared: AllocationReport
) -> None:
    # json_bytes encodes with orjson and splits the townships into lines by
    # hand; the plain reference is json.dumps of the same document.
    weird = allocate(
        [
            TownshipInput("01", '镇"},{"code":"x', "一般乡镇", {"人口": 1e-7}),
            TownshipInput("02", "镇\\", '类"},{"code":', {"人口": 3.0}),
        ],
        AllocationParams(total=9, weights={"人口": 1}),
    )
    for case in (report, compared, AllocationReport(weird, "t", source="t.csv")):
        text = render(case, "json").decode("utf-8")
        assert json.loads(text) == json.loads(json.dumps(json_document(case), ensure_ascii=False))
        lines = text.splitlines()
        start = lines.index('  "townships": [')
        townships = [json.loads(line.strip().rstrip(",")) for line in lines[start + 1 : start + 1 + len(case.result.townships)]]
        assert [t["code"] for t in townships] == [t.code for t in case.result.townships]
