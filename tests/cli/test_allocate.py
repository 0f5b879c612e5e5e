"""`bianzhi allocate`: the command as users run it.

A few cases go through the installed `bianzhi` script (next to the test
interpreter); the many bad-input cases use click's CliRunner, which is fast.
Every bad input must: exit 2, print one Chinese message per problem naming
the file, row and column (or option), and write no output file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from bianzhi.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
# The console script installed with the package, next to the interpreter
# running the tests (or on PATH when the tests run outside the venv).
SCRIPT = Path(sys.executable).parent / "bianzhi"
if not SCRIPT.exists():
    SCRIPT = Path(shutil.which("bianzhi") or SCRIPT)

HEADER = "代码,名称,类别,人口,面积,经济,现有编制"
ROWS = [
    "510923100,蓬莱镇,县政府驻地镇,118300,96.2,682500,28",
    "510923101,隆盛镇,中心镇,52100,88.5,178400,16",
    "510923102,回马镇,一般乡镇,31200,71.3,96300,13",
    "510923107,象山镇,一般乡镇,23900,58.9,69400,11",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["allocate", *args])


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "县.csv", [HEADER, *ROWS])


def problem_lines(result: Result) -> list[str]:
    """The numbered problem lines of a failed run."""
    return [line.strip() for line in result.stderr.splitlines() if re.match(r"\s+\d+\. ", line)]


def assert_rejected(result: Result, out: Path, *expected: str) -> list[str]:
    """Exit 2, no output, and each expected text in some problem line."""
    assert result.exit_code == 2, result.output
    assert not out.exists()
    assert list(out.parent.glob(f".{out.name}*")) == []
    lines = problem_lines(result)
    assert lines, result.stderr
    for text in expected:
        assert any(text in line for line in lines), f"{text!r} not in {lines}"
    return lines


# ---------------------------------------------------------------------------
# Through the installed script


def test_make_run_writes_the_printable_workbook(tmp_path: Path) -> None:
    out = tmp_path / "out" / "大英县测算结果.xlsx"
    done = subprocess.run(
        [
            str(SCRIPT),
            "allocate",
            str(EXAMPLES / "daying.csv"),
            "--total",
            "160",
            "--reserve",
            "5%",
            "--floor",
            "一般乡镇=15",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "蓬莱镇" in done.stdout
    assert "编制总量 160 = 基本编制 152 + 机动编制 8" in done.stdout
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["测算结果", "测算参数", "测算说明"]
    sheet = workbook["测算结果"]
    assert sheet.freeze_panes == "D4"
    headers = [c.value for c in sheet[3]]
    totals_row = 3 + 10 + 1
    assert sheet.cell(row=totals_row, column=headers.index("测算编制") + 1).value == 152
    floors = [
        sheet.cell(row=r, column=headers.index("测算编制") + 1).value
        for r in range(4, totals_row)
        if sheet.cell(row=r, column=4).value == "一般乡镇"
    ]
    assert floors and all(a >= 15 for a in floors)


def test_the_example_config_with_compare_writes_json_through_the_script(tmp_path: Path) -> None:
    out = tmp_path / "大英县.json"
    done = subprocess.run(
        [
            str(SCRIPT),
            "allocate",
            str(EXAMPLES / "daying.xlsx"),
            "-c",
            str(EXAMPLES / "daying.toml"),
            "--compare",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "方法比较" in done.stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["plan"]["total"] == 180
    assert document["plan"]["no_decrease"] is True
    assert document["plan"]["title"] == "大英县乡镇行政编制测算结果（示例数据）"
    assert document["distributable"] == 171
    assert set(document["compare"]) == {"webster", "huntington-hill", "dhondt", "adams", "hamilton"}
    for township in document["townships"]:
        assert township["change"] >= 0  # no_decrease
        assert abs(township["change"]) <= 6  # max_step


def test_bad_input_through_the_script_exits_2_with_chinese_messages(tmp_path: Path) -> None:
    bad = write_csv(
        tmp_path / "坏.csv", [HEADER, "510923100,蓬莱镇,县政府驻地镇,很多,96.2,682500,28"]
    )
    out = tmp_path / "结果.xlsx"
    done = subprocess.run(
        [str(SCRIPT), "allocate", str(bad), "--total", "50", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "坏.csv 第 2 行 D 列“人口”：“很多”不是数字" in done.stderr
    assert not out.exists()


def test_help_is_chinese_and_documents_every_option() -> None:
    done = subprocess.run(
        [str(SCRIPT), "allocate", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.startswith("用法：")
    assert "选项：" in done.stdout
    from bianzhi.cli.allocate import allocate_command

    for param in allocate_command.params:
        for name in param.opts + param.secondary_opts:
            if name.startswith("-"):
                assert name in done.stdout, name
    assert "Show this message" not in done.stdout


# ---------------------------------------------------------------------------
# Outputs and settings (CliRunner)


def test_csv_output_opens_in_excel_with_a_bom(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.csv"
    result = run(str(table), "--total", "70", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "合计" in data.decode("utf-8-sig").splitlines()[-1]


def test_a_gbk_csv_is_read(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "gbk.csv", [HEADER, *ROWS], "gbk")
    out = tmp_path / "结果.json"
    result = run(str(source), "--total", "70", "--out", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [t["name"] for t in document["townships"]] == ["蓬莱镇", "隆盛镇", "回马镇", "象山镇"]


def test_default_weights_are_the_three_main_indicators_equally(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.json"
    assert run(str(table), "--total", "70", "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["plan"]["weights"] == {
        "人口": 1.0,
        "面积": 1.0,
        "经济": 1.0,
    }


def test_every_option_reaches_the_plan(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.json"
    result = run(
        str(table), "--total", "80", "--reserve", "4", "--method", "hamilton",
        "-w", "人口=40%", "-w", "面积=60%", "--floor", "一般乡镇=15", "--cap", "县政府驻地镇=30",
        "--coef", "中心镇=1.1", "--no-decrease", "--max-step", "10",
        "--quota-type", "事业编制", "--title", "测试方案", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["plan"] == {
        "title": "测试方案",
        "source": "县.csv",
        "quota_type": "事业编制",
        "total": 80,
        "reserve": "4",
        "method": "hamilton",
        "method_label": "汉密尔顿法（最大余数）",
        "weights": {"人口": 40.0, "面积": 60.0},
        "floors": {"一般乡镇": 15},
        "caps": {"县政府驻地镇": 30},
        "coefficients": {"中心镇": 1.1},
        "no_decrease": True,
        "max_step": 10,
        "township_min": {},
        "township_max": {},
    }
    assert document["divisor"] is None
    assert sum(t["allocation"] for t in document["townships"]) == 76
    assert "测试方案" in result.stdout


def test_command_line_options_override_the_config_key_by_key(table: Path, tmp_path: Path) -> None:
    config = tmp_path / "方案.toml"
    config.write_text(
        'total = 90\nreserve = "10%"\nmethod = "dhondt"\nno_decrease = true\n'
        '[weights]\n"人口" = 1\n"面积" = 1\n[floors]\n"一般乡镇" = 15\n"中心镇" = 16\n',
        encoding="utf-8",
    )
    out = tmp_path / "结果.json"
    result = run(
        str(table), "-c", str(config), "--total", "80", "-w", "人口=3", "--floor", "一般乡镇=16",
        "--allow-decrease", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text(encoding="utf-8"))["plan"]
    assert plan["total"] == 80  # option wins
    assert plan["reserve"] == "10%"  # from the file
    assert plan["method"] == "dhondt"
    assert plan["weights"] == {"人口": 3.0, "面积": 1.0}
    assert plan["floors"] == {"一般乡镇": 16, "中心镇": 16}
    assert plan["no_decrease"] is False


def test_compare_prints_all_methods_and_adds_the_sheet(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    result = run(str(table), "--total", "70", "--compare", "--out", str(out))
    assert result.exit_code == 0, result.output
    for label in ["韦伯斯特法*", "亨廷顿-希尔法", "顿特法", "亚当斯法", "汉密尔顿法"]:
        assert label in result.stdout
    assert load_workbook(out).sheetnames[-1] == "方法比较"


def test_names_match_ignoring_width_and_spaces(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "县.csv", [HEADER + ",村（社区）数", *(r + ",10" for r in ROWS)])
    out = tmp_path / "结果.json"
    result = run(
        str(source), "--total", "70", "-w", "人口=1", "-w", "村(社区)数=1", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["plan"]["weights"] == {
        "人口": 1.0,
        "村（社区）数": 1.0,
    }


def test_an_unwritable_output_exits_1_with_a_chinese_message(table: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "文件"
    blocker.write_text("", encoding="utf-8")
    result = run(str(table), "--total", "60", "--out", str(blocker / "结果.xlsx"))
    assert result.exit_code == 1
    assert "错误：无法写出" in result.stderr


def test_an_existing_output_survives_a_failed_run(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.csv"
    out.write_text("上次的结果", encoding="utf-8")
    result = run(str(table), "--total", "10", "--floor", "一般乡镇=15", "--out", str(out))
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "上次的结果"


# ---------------------------------------------------------------------------
# Bad input: every kind, all problems at once


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ["代码,名称,类别,人口数,面积,经济", "510923100,蓬莱镇,县政府驻地镇,1,2,3"],
            ["县.csv 第 1 行：缺少必需的列“人口”", "D 列“人口数”是否就是“人口”"],
            id="misspelt-column",
        ),
        pytest.param(
            ["代码,名称,人口,面积,经济", "510923100,蓬莱镇,1,2,3"],
            ["县.csv 第 1 行：缺少必需的列“类别”"],
            id="missing-column",
        ),
        pytest.param(
            [HEADER, "510923100,蓬莱镇,县政府驻地镇,118300,九十,682500,28"],
            ["县.csv 第 2 行 E 列“面积”：“九十”不是数字"],
            id="not-a-number",
        ),
        pytest.param(
            [HEADER, "510923100,蓬莱镇,县政府驻地镇,118300,96.2,-5,28"],
            ["县.csv 第 2 行 F 列“经济”：不能为负数"],
            id="negative",
        ),
        pytest.param(
            [HEADER, "510923100,,县政府驻地镇,118300,96.2,682500,28"],
            ["县.csv 第 2 行 B 列“名称”：不能为空"],
            id="empty-required-cell",
        ),
        pytest.param(
            [HEADER, ROWS[0], ROWS[0].replace("蓬莱镇", "隆盛镇")],
            ["县.csv 第 3 行 A 列“代码”：代码 510923100 与第 2 行重复"],
            id="duplicate-code",
        ),
        pytest.param(
            [HEADER, "510923100,蓬莱镇,县政府驻地镇,118300,96.2,682500,二十八"],
            ["县.csv 第 2 行 G 列“现有编制”：“二十八”不是数字"],
            id="non-number-current-quota",
        ),
    ],
)
def test_bad_tables_are_rejected_with_file_row_and_column(
    tmp_path: Path, lines: list[str], expected: list[str]
) -> None:
    source = write_csv(tmp_path / "县.csv", lines)
    out = tmp_path / "结果.xlsx"
    assert_rejected(run(str(source), "--total", "60", "--out", str(out)), out, *expected)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        pytest.param(["--floor", "一般乡=15"], ["命令行选项 “--floor”：乡镇类别“一般乡”不在 县.csv 的“类别”列中", "是否指“一般乡镇”"], id="unknown-class"),
        pytest.param(["--coef", "特色镇=1.1"], ["乡镇类别“特色镇”不在 县.csv"], id="class-absent-from-table"),
        pytest.param(["-w", "人囗=1"], ["命令行选项 “--weight”：指标“人囗”不在 县.csv 的表头中"], id="unknown-indicator"),
        pytest.param(["-w", "人口0.4"], ["“--weight”：“人口0.4”格式不对，应为 指标=权重"], id="malformed-weight"),
        pytest.param(["-w", "人口=很多"], ["“--weight”：“人口”的权重应为非负数"], id="non-number-weight"),
        pytest.param(["--floor", "一般乡镇"], ["“--floor”：“一般乡镇”格式不对，应为 类别=编制数"], id="malformed-floor"),
        pytest.param(["--cap", "中心镇=-3"], ["“--cap”：“中心镇”的类别上限应为非负整数"], id="negative-cap"),
        pytest.param(["--floor", "一般乡镇=15", "--floor", "一般乡镇=16"], ["“一般乡镇”重复设置"], id="repeated-floor"),
        pytest.param(["--reserve", "五个"], ["“--reserve”：机动编制“五个”不是整数或百分比"], id="bad-reserve"),
        pytest.param(["--reserve", "150%"], ["机动编制比例 150% 应在 0% 到 100% 之间"], id="reserve-over-100"),
        pytest.param(["--method", "webstr"], ["“--method”：分配方法“webstr”不存在", "是否指“webster”"], id="bad-method"),
        pytest.param(["--max-step", "1.5"], ["“--max-step”：最大调整幅度应为非负整数"], id="bad-max-step"),
        pytest.param(["--floor", "一般乡镇=40"], ["县.csv：行政编制：各乡镇下限之和 80 超过可分配编制 60"], id="infeasible-floors"),
        pytest.param(["--cap", "县政府驻地镇=5", "--cap", "中心镇=5", "--cap", "一般乡镇=5"], ["各乡镇上限之和 20 小于可分配编制 60"], id="infeasible-caps"),
        pytest.param(["--no-decrease", "--max-step", "1", "--total", "40"], ["各乡镇下限之和"], id="infeasible-no-decrease"),
    ],
)  # fmt: skip
def test_bad_options_are_rejected_naming_the_option(
    table: Path, tmp_path: Path, options: list[str], expected: list[str]
) -> None:
    out = tmp_path / "结果.xlsx"
    base = ["--total", "60"] if "--total" not in options else []
    assert_rejected(run(str(table), *base, *options, "--out", str(out)), out, *expected)


def test_a_township_whose_bounds_conflict_is_reported_at_its_row(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "县.csv",
        [HEADER + ",上限", ROWS[0] + ",25", ROWS[1] + ",", ROWS[2] + ",12", ROWS[3] + ","],
    )
    out = tmp_path / "结果.xlsx"
    result = run(
        str(source), "--total", "90", "--no-decrease", "--floor", "一般乡镇=15", "--out", str(out)
    )
    lines = assert_rejected(
        result,
        out,
        "县.csv 第 2 行 H 列“上限”：蓬莱镇（510923100）的下限 28（不减少）大于上限 25（乡镇上限）",
        "县.csv 第 4 行 H 列“上限”：回马镇（510923102）的下限 15（类别下限（保底））大于上限 12",
    )
    assert len(lines) == 2


def test_no_decrease_and_max_step_need_the_current_quota_column(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "县.csv",
        [HEADER.removesuffix(",现有编制"), *(r.rsplit(",", 1)[0] for r in ROWS)],
    )
    out = tmp_path / "结果.xlsx"
    result = run(
        str(source), "--total", "60", "--no-decrease", "--max-step", "3", "--out", str(out)
    )
    assert_rejected(
        result,
        out,
        "“--no-decrease”：需要“现有编制”列，但 县.csv 中没有该列",
        "“--max-step”：需要“现有编制”列",
    )


def test_a_missing_total_is_reported(table: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    assert_rejected(run(str(table), "--out", str(out)), out, "缺少编制总量：请用 --total 指定")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("结果.pdf", "不支持的输出格式“.pdf”"),
        ("结果", "不支持的输出格式“（无扩展名）”"),
    ],
)
def test_an_unknown_output_extension_is_rejected(
    table: Path, tmp_path: Path, name: str, expected: str
) -> None:
    out = tmp_path / name
    assert_rejected(run(str(table), "--total", "60", "--out", str(out)), out, "“--out”", expected)


def test_missing_input_and_output_are_reported_in_chinese() -> None:
    result = run()
    assert result.exit_code == 2
    lines = problem_lines(result)
    assert any("“INPUT”：缺少输入文件" in line for line in lines)
    assert any("“--out”：缺少输出文件" in line for line in lines)


def test_a_weighted_x_column_with_an_empty_cell_is_rejected_at_that_cell(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "县.csv", [HEADER + ",企业数", ROWS[0] + ",120", ROWS[1] + ","])
    out = tmp_path / "结果.xlsx"
    result = run(str(source), "--total", "40", "-w", "人口=1", "-w", "企业数=1", "--out", str(out))
    assert_rejected(result, out, "县.csv 第 3 行 H 列“企业数”：指标“企业数”已设置权重，不能为空")


def test_weighting_a_text_column_says_it_is_not_numeric(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "县.csv", [HEADER + ",地形", *(r + ",山区" for r in ROWS)])
    out = tmp_path / "结果.xlsx"
    result = run(str(source), "--total", "60", "-w", "地形=1", "--out", str(out))
    assert_rejected(result, out, "县.csv 的 H 列“地形”不能作为指标")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        pytest.param('total = 60\nweight = {"人口" = 1}\n', ["方案.toml “weight”：未知的设置“weight”", "是否指“weights”"], id="unknown-key"),
        pytest.param("total = 60\nweights = {人口 = 1}\n", ["方案.toml 第 2 行：TOML 格式错误", "中文键名须加引号"], id="syntax"),
        pytest.param('total = "六十"\n', ["方案.toml “total”：编制总量应为非负整数"], id="bad-total"),
        pytest.param('total = 60\nno_decrease = "是"\n', ["“no_decrease”：应为 true 或 false"], id="bad-flag"),
        pytest.param('total = 60\n[floors]\n"一般乡" = 15\n', ["方案.toml “floors.一般乡”：乡镇类别“一般乡”不在 县.csv"], id="unknown-class"),
        pytest.param('total = 60\nfloors = 15\n', ["“floors”：应为表"], id="not-a-table"),
    ],
)  # fmt: skip
def test_bad_config_files_are_rejected_naming_file_and_key(
    table: Path, tmp_path: Path, config: str, expected: list[str]
) -> None:
    path = tmp_path / "方案.toml"
    path.write_text(config, encoding="utf-8")
    out = tmp_path / "结果.xlsx"
    lines = assert_rejected(run(str(table), "-c", str(path), "--out", str(out)), out, *expected)
    assert not any("缺少编制总量" in line for line in lines)  # no cascade


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "县.csv",
        [
            HEADER,
            "510923100,蓬莱镇,县政府驻地镇,x,96.2,682500,28",
            "510923101,隆盛镇,中心镇,52100,-1,178400,16",
        ],
    )
    out = tmp_path / "结果.txt"
    result = run(
        str(source), "--total", "abc", "--floor", "一般=15", "-w", "人口", "--out", str(out)
    )
    lines = assert_rejected(
        result,
        out,
        "第 2 行 D 列“人口”",
        "第 3 行 E 列“面积”",
        "“--total”：编制总量应为非负整数",
        "“--floor”：乡镇类别“一般”",
        "“--weight”：“人口”格式不对",
        "不支持的输出格式“.txt”",
    )
    assert len(lines) == 6
    assert "错误：发现 6 个问题，未写出任何文件" in result.stderr


def test_click_usage_errors_are_chinese(table: Path) -> None:
    result = run(str(table), "--totl", "60")
    assert result.exit_code == 2
    assert "错误：没有选项 --totl；是否指 --total？" in result.stderr
    assert "用法：" in result.stderr
    result = run(str(table), "--total")
    assert "错误：选项 --total 缺少取值" in result.stderr


def test_the_readme_documents_every_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 编制测算命令 bianzhi allocate", 1)[1].split("\n## ", 1)[0]
    from bianzhi.cli.allocate import allocate_command

    for param in allocate_command.params:
        for name in param.opts + param.secondary_opts:
            if name.startswith("--"):
                assert f"`{name}" in section, name
