"""Reading county tables: what real spreadsheets look like, and every way they go wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from bianzhi.adapters.problems import InputProblem
from bianzhi.adapters.xlsx_county_table import TableError, load_county_table, read_county_table

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

HEADER = "代码,名称,类别,人口,面积,经济"
GOOD_ROWS = [
    "510923100,蓬莱镇,县政府驻地镇,118300,96.2,682500",
    "510923102,回马镇,一般乡镇,31200,71.3,96300",
]


def csv_file(
    tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "t.csv"
) -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def problems_of(path: Path) -> list[InputProblem]:
    with pytest.raises(TableError) as caught:
        read_county_table(path)
    return list(caught.value.problems)


def where(problem: InputProblem) -> tuple[int | None, str | None]:
    return problem.row, problem.column


def test_it_reads_the_daying_example_with_its_x_indicator_and_current_quotas() -> None:
    table = read_county_table(EXAMPLES / "daying.csv")
    assert len(table.townships) == 10
    assert table.townships[1].code == "510923100"
    assert table.townships[1].name == "蓬莱镇"
    assert table.townships[1].township_class == "县政府驻地镇"
    assert table.indicators == ("人口", "面积", "经济", "村（社区）数")
    assert table.townships[1].indicators["村（社区）数"] == 26
    assert table.current["510923100"] == 28
    assert table.rows["510923100"] == 3
    assert set(table.classes) == {"县政府驻地镇", "中心镇", "重点镇", "特色镇", "一般乡镇"}


def test_the_xlsx_example_has_the_same_data_as_the_csv_despite_title_row_and_units() -> None:
    from_csv = read_county_table(EXAMPLES / "daying.csv")
    from_xlsx = read_county_table(EXAMPLES / "daying.xlsx")
    assert from_xlsx.townships == from_csv.townships
    assert from_xlsx.current == from_csv.current
    assert from_xlsx.header_row == 2
    assert from_xlsx.title is not None and "示例数据" in from_xlsx.title
    assert from_xlsx.rows["510923001"] == 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_it_reads_csv_in_the_encodings_chinese_excel_writes(tmp_path: Path, encoding: str) -> None:
    path = csv_file(tmp_path, [HEADER, *GOOD_ROWS], encoding)
    table = read_county_table(path)
    assert [t.name for t in table.townships] == ["蓬莱镇", "回马镇"]
    assert table.townships[1].township_class == "一般乡镇"


def test_it_reads_excel_unicode_text_which_is_tab_separated(tmp_path: Path) -> None:
    lines = [line.replace(",", "\t") for line in [HEADER, *GOOD_ROWS]]
    table = read_county_table(csv_file(tmp_path, lines, "utf-16"))
    assert table.townships[0].indicators["面积"] == 96.2


def test_it_accepts_units_padding_and_common_longer_header_names(tmp_path: Path) -> None:
    header = "乡镇代码,乡镇名称,乡镇类别,人口（人）,面  积(平方公里),经济（万元）,核定编制"
    table = read_county_table(csv_file(tmp_path, [header, GOOD_ROWS[0] + ",30"]))
    assert table.townships[0].name == "蓬莱镇"
    assert table.townships[0].indicators == {"人口": 118300, "面积": 96.2, "经济": 682500}
    assert table.current == {"510923100": 30}


def test_it_skips_title_blank_and_total_rows_keeping_real_row_numbers(tmp_path: Path) -> None:
    lines = [
        "大英县乡镇基本情况表,,,,,",
        "",
        HEADER,
        GOOD_ROWS[0],
        ",,,,,",
        GOOD_ROWS[1],
        "合计,,,149500,167.5,778800",
    ]
    table = read_county_table(csv_file(tmp_path, lines))
    assert table.title == "大英县乡镇基本情况表"
    assert table.header_row == 3
    assert table.rows == {"510923100": 4, "510923102": 6}
    assert len(table.townships) == 2


def test_it_parses_numbers_as_people_type_them(tmp_path: Path) -> None:
    rows = ['510923100,蓬莱镇,县政府驻地镇,"118,300",９６.２,６８２５００']
    table = read_county_table(csv_file(tmp_path, [HEADER, *rows]))
    assert table.townships[0].indicators == {"人口": 118300, "面积": 96.2, "经济": 682500}


def test_a_text_column_is_a_note_but_a_numeric_column_is_an_x_indicator(tmp_path: Path) -> None:
    lines = [
        HEADER + ",备注,企业数,村（社区）数",
        GOOD_ROWS[0] + ",县城所在地,120,26",
        GOOD_ROWS[1] + ",山区,35,",
    ]
    table = read_county_table(csv_file(tmp_path, lines))
    assert table.indicators == ("人口", "面积", "经济", "企业数", "村（社区）数")
    assert table.townships[0].indicators["企业数"] == 120
    # An empty X cell is fine until the indicator is weighted.
    assert "村（社区）数" not in table.townships[1].indicators
    [blank] = table.missing_values(["村（社区）数"])
    assert (blank.row, blank.column, blank.letter) == (3, "村（社区）数", "I")


def test_it_reads_xlsx_with_numeric_codes_and_a_title_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["某县乡镇情况"])
    sheet.append(["代码", "名称", "类别", "人口", "面积", "经济", "现有编制", "下限", "上限"])
    sheet.append([510923100, "蓬莱镇", "县政府驻地镇", 118300, 96.2, 682500, 30.0, 20, 40])
    sheet.append([510923102.0, "回马镇", "一般乡镇", 31200, 71.3, 96300, None, None, None])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    table = read_county_table(path)
    assert [t.code for t in table.townships] == ["510923100", "510923102"]
    assert table.current == {"510923100": 30}
    assert table.township_min == {"510923100": 20}
    assert table.township_max == {"510923100": 40}
    assert table.rows == {"510923100": 3, "510923102": 4}


def test_it_reports_every_bad_cell_with_its_row_and_column(tmp_path: Path) -> None:
    lines = [
        HEADER + ",现有编制,下限,上限",
        "510923100,蓬莱镇,县政府驻地镇,abc,96.2,682500,30,,",  # row 2: 人口 not a number
        "510923101,,中心镇,52100,-88.5,178400,17.5,,",  # row 3: empty name, negative, non-integer
        "510923100,隆盛镇,,52100,,178400,16,20,10",  # row 4: duplicate, empty class, empty area, min > max
    ]
    found = {where(p): p for p in problems_of(csv_file(tmp_path, lines))}
    assert set(found) == {
        (2, "人口"),
        (3, "名称"),
        (3, "面积"),
        (3, "现有编制"),
        (4, "代码"),
        (4, "类别"),
        (4, "面积"),
        (4, "下限"),
    }
    assert "“abc”不是数字" in found[(2, "人口")].message
    assert "负数" in found[(3, "面积")].message
    assert "不是整数" in found[(3, "现有编制")].message
    assert "与第 2 行重复" in found[(4, "代码")].message
    assert "不能为空" in found[(4, "类别")].message
    assert "大于上限" in found[(4, "下限")].message


def test_problems_name_file_row_column_letter_and_header_in_chinese(tmp_path: Path) -> None:
    lines = [HEADER, "510923100,蓬莱镇,县政府驻地镇,118300,很大,682500"]
    [problem] = problems_of(csv_file(tmp_path, lines, name="大英.csv"))
    assert str(problem) == "大英.csv 第 2 行 E 列“面积”：“很大”不是数字"


def test_a_misspelt_header_is_reported_with_the_closest_expected_name(tmp_path: Path) -> None:
    lines = ["代码,名称,类别,人口数,面积,经济总量", GOOD_ROWS[0]]
    problems = problems_of(csv_file(tmp_path, lines))
    messages = [p.message for p in problems]
    assert len(problems) == 2
    assert all(p.row == 1 for p in problems)
    assert any("缺少必需的列“人口”" in m and "D 列“人口数”" in m for m in messages)
    assert any("缺少必需的列“经济”" in m and "F 列“经济总量”" in m for m in messages)


def test_a_missing_column_is_reported_together_with_bad_cells(tmp_path: Path) -> None:
    lines = ["代码,名称,人口,面积,经济", "510923100,蓬莱镇,x,96.2,682500"]
    problems = problems_of(csv_file(tmp_path, lines))
    assert [where(p) for p in problems] == [(1, None), (2, "人口")]
    assert "缺少必需的列“类别”" in problems[0].message


def test_a_code_mangled_to_scientific_notation_by_excel_is_rejected(tmp_path: Path) -> None:
    lines = [HEADER, "5.10923E+11,蓬莱镇,县政府驻地镇,118300,96.2,682500"]
    [problem] = problems_of(csv_file(tmp_path, lines))
    assert where(problem) == (2, "代码")
    assert "科学计数法" in problem.message


def test_duplicate_headers_and_data_without_a_header_are_reported(tmp_path: Path) -> None:
    lines = [HEADER + ",人口,", GOOD_ROWS[0] + ",1,备注"]
    problems = problems_of(csv_file(tmp_path, lines))
    assert [where(p) for p in problems] == [(1, "人口"), (2, None)]
    assert "与 D 列“人口”重复" in problems[0].message
    assert "H 列有数据但没有表头" in problems[1].message


def test_a_table_without_townships_is_reported(tmp_path: Path) -> None:
    [problem] = problems_of(csv_file(tmp_path, [HEADER]))
    assert "没有乡镇数据" in problem.message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("t.xls", b"whatever", "不支持旧版 .xls"),
        ("t.txt", b"whatever", "不支持的文件类型“.txt”"),
        ("t.xlsx", b"not a zip", "不是有效的 Excel"),
        ("t.csv", b"\x81\x30\xff\xff,\xfe", "无法识别文件编码"),
    ],
)
def test_unreadable_files_are_reported(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [problem] = problems_of(path)
    assert problem.file == name
    assert expected in problem.message


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "nope.csv")
    assert "找不到文件" in problem.message


def test_the_partial_table_still_knows_classes_and_indicators(tmp_path: Path) -> None:
    lines = [HEADER + ",企业数", GOOD_ROWS[0] + ",x", GOOD_ROWS[1] + ",3"]
    with pytest.raises(TableError) as caught:
        read_county_table(csv_file(tmp_path, lines))
    partial = caught.value.partial
    assert partial is not None
    assert partial.classes == ("县政府驻地镇", "一般乡镇")
    assert "企业数" in partial.indicators
    assert [t.name for t in partial.townships] == ["回马镇"]


def test_uploaded_bytes_are_read_like_files() -> None:
    data = (EXAMPLES / "daying.csv").read_bytes()
    table = load_county_table(data, "上传.csv")
    assert table.file == "上传.csv"
    assert len(table.townships) == 10
