from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.staffing import PENGLAI, approve, id_number

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.cli.main import main
from bianzhi.institutions.models import Institution, InstitutionLedgerEntry
from bianzhi.roster.importing import HEADERS
from bianzhi.roster.models import Person

pytestmark = pytest.mark.django_db


def _roster_file(tmp_path: Path, rows: list[list[Any]]) -> Path:
    path = tmp_path / "名册.xlsx"
    path.write_bytes(write_workbook("实名制名册", HEADERS, rows))
    return path


def _row(serial: int, **changes: Any) -> list[Any]:
    values = {
        "身份证号": id_number(serial), "姓名": f"人员{serial}", "乡镇代码": PENGLAI, "机构": "",
        "编制类型": "行政编制", "岗位类别": "一般", "执法人员": "否", "状态": "在岗", "借调单位": "",
        "借调开始日期": None, "入编日期": date(2015, 9, 1), "入编方式": "考录", "服务期满日期": None,
        "学历": "大学本科", "执法证号": "", "执法证有效期至": None, "年度考核": "称职",
    }
    values.update(changes)
    return [values[h] for h in HEADERS]


def test_roster_import_saves_all_rows_and_reports_the_counts(regions: Any, tmp_path: Path) -> None:
    approve(PENGLAI, admin=10)
    path = _roster_file(tmp_path, [_row(1), _row(2), _row(3, 执法人员="是")])
    result = CliRunner().invoke(main, ["import", "roster", str(path)])
    assert result.exit_code == 0, result.output
    assert "新增3人" in result.output
    assert Person.objects.count() == 3
    from bianzhi.audit.models import AuditRecord

    record = AuditRecord.objects.get(object_type="roster.person", object_id=str(Person.objects.first().pk))
    assert record.action == "import" and record.actor_name == "系统" and "名册.xlsx" in record.reason
    assert record.after["身份证号"].count("*") == 8 and record.after["姓名"].startswith("人员")
    again = CliRunner().invoke(main, ["import", "roster", str(path)])
    assert "新增0人，变更0人，未变3人" in again.output


def test_a_bad_row_exits_1_lists_every_error_and_saves_nothing(regions: Any, tmp_path: Path) -> None:
    approve(PENGLAI, admin=10)
    bad_id = id_number(2)[:-1] + ("1" if id_number(2)[-1] == "0" else "0")
    path = _roster_file(tmp_path, [
        _row(1),
        _row(2, 身份证号=bad_id),
        _row(3, 编制类型="编外", 入编日期="2021-13-01"),
        _row(4, 状态="借调出"),
        _row(1),
    ])
    result = CliRunner().invoke(main, ["import", "roster", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert "名册.xlsx 第3行“身份证号”列：校验码错误" in out
    assert "第4行“编制类型”列：“编外”无效" in out
    assert "第4行“入编日期”列" in out
    assert "第5行“借调单位”列：状态为借调出时必须填写借调单位" in out
    assert "第6行“身份证号”列：与第2行的身份证号重复" in out
    assert "共5处错误，未导入任何数据" in out
    assert not Person.objects.exists()


def test_institutions_import_creates_ledger_entries_and_nameplates(regions: Any, tmp_path: Path) -> None:
    from bianzhi.institutions.importing import COLUMNS

    headers = [c.header for c in COLUMNS]
    rows = [
        [PENGLAI, "综合办公室", "党政综合办事机构", date(2020, 1, 1), "大委编发〔2020〕1号", "", 5, 0, 0, 0, 0, 1],
        [PENGLAI, "便民服务中心", "直属事业单位", date(2020, 1, 1), "大委编发〔2020〕1号", "退役军人服务站、党群服务中心", 0, 6, 0, 0, 0, 0],
    ]
    path = tmp_path / "机构.xlsx"
    path.write_bytes(write_workbook("机构", headers, rows))
    result = CliRunner().invoke(main, ["import", "institutions", str(path)])
    assert result.exit_code == 0, result.output
    assert Institution.objects.count() == 2  # nameplates are not institutions
    centre = Institution.objects.get(name="便民服务中心")
    assert sorted(centre.nameplates.values_list("name", flat=True)) == ["党群服务中心", "退役军人服务站"]
    rows[0][6] = 7
    path.write_bytes(write_workbook("机构", headers, rows))
    result = CliRunner().invoke(main, ["import", "institutions", str(path)])
    assert "变更1个" in result.output
    office = Institution.objects.get(name="综合办公室")
    assert [e.delta for e in InstitutionLedgerEntry.objects.filter(institution=office, item="行政编制")] == [5, 2]


def test_institutions_import_with_an_unknown_township_changes_nothing(regions: Any, tmp_path: Path) -> None:
    from bianzhi.institutions.importing import COLUMNS

    headers = [c.header for c in COLUMNS]
    rows = [["999999999", "综合办公室", "党政综合办事机构", "2020-01-01", "x", "", 1, 0, 0, 0, 0, 0]]
    path = tmp_path / "机构.xlsx"
    path.write_bytes(write_workbook("机构", headers, rows))
    result = CliRunner().invoke(main, ["import", "institutions", str(path)])
    assert result.exit_code == 1
    assert "第2行“乡镇代码”列：“999999999”不是本地区的乡镇（街道）代码" in result.output
    assert not Institution.objects.exists()


def test_rules_check_json_lists_findings_and_exits_1_on_a_block(regions: Any) -> None:
    approve(PENGLAI, admin=12, township_class="一般乡镇")  # below the floor of 15 (block)
    result = CliRunner().invoke(main, ["rules", "check", "510923", "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.output)
    floor = [f for f in findings if f["rule"] == "ordinary-admin-floor" and f["object"]["id"] == PENGLAI]
    assert floor and floor[0]["object"] == {"kind": "township", "id": PENGLAI, "label": "蓬莱镇"}
    assert floor[0]["severity"] == "block" and floor[0]["source"].startswith("001_")
    assert set(floor[0]) == {"rule", "severity", "object", "message", "source"}


def test_rules_check_prints_a_chinese_table_and_exits_0_without_blocks(regions: Any) -> None:
    from bianzhi.rules.models import RuleSetting

    for rule in ("ordinary-admin-floor",):
        RuleSetting.objects.create(region=regions["510923"], rule=rule, severity="warning")
    approve(PENGLAI, admin=12, township_class="一般乡镇")
    result = CliRunner().invoke(main, ["rules", "check", "510923"])
    assert result.exit_code == 0, result.output
    assert "一般乡镇行政编制下限" in result.output and "预警" in result.output
    assert "阻止级0个" in result.output


def test_rules_check_of_an_unknown_region_exits_2(regions: Any) -> None:
    result = CliRunner().invoke(main, ["rules", "check", "000000"])
    assert result.exit_code == 2


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(regions: Any, tmp_path: Path) -> None:
    path = tmp_path / "名册.xlsx"
    path.write_text("身份证号,姓名\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "roster", str(path)])
    assert result.exit_code == 1
    assert "无法读取，请上传 .xlsx 格式的 Excel 文件" in result.output
