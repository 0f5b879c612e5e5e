"""`bianzhi import cases|assets|grids|service-matters` and `bianzhi export
…`: all or nothing with every error printed, scoped by --user (outside the
user's scope is "不存在或无权访问", a read-only user is refused before the file
is read), audited under the user's name; exports in the user's scope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from tests.conftest import DAYING, PENGLAI

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.assets.importing import COLUMNS as ASSET_COLUMNS
from bianzhi.assets.models import Asset
from bianzhi.audit.models import AuditRecord
from bianzhi.cli.main import main
from bianzhi.grids import services as grid_services
from bianzhi.grids.importing import GRID_COLUMNS
from bianzhi.grids.models import Grid, GridWorker

pytestmark = pytest.mark.django_db


def _grids_file(tmp_path: Path, rows: list[list[Any]]) -> Path:
    path = tmp_path / "网格.xlsx"
    path.write_bytes(write_workbook("网格和网格员", [c.header for c in GRID_COLUMNS], rows))
    return path


@pytest.fixture
def village(regions: Any) -> Any:
    return grid_services.village_create(actor=None, township=regions[PENGLAI], name="蓬莱一村")


def test_import_grids_as_the_township_user_saves_and_audits_under_the_user(
    village: Any, penglai_user: Any, tmp_path: Path
) -> None:
    path = _grids_file(tmp_path, [["蓬莱一村", "第一网格", 12, "", "", "王网格", "专职网格员", "走访", ""]])
    result = CliRunner().invoke(
        main, ["import", "grids", str(path), "--township", PENGLAI, "--user", penglai_user.username]
    )
    assert result.exit_code == 0, result.output
    assert "新增或修改网格1个、网格员1名" in result.output
    assert GridWorker.objects.get().grid.households == 12
    assert AuditRecord.objects.filter(action="import", actor=penglai_user, object_type__endswith="grid").exists()


def test_a_bad_grids_file_exits_1_with_every_error_and_saves_nothing(village: Any, tmp_path: Path) -> None:
    path = _grids_file(
        tmp_path,
        [["蓬莱一村", "第一网格", "", "", "", "王网格", "专职网格员", "走访", ""], ["二村", "第二网格", -1, "", "", "", "", "", ""]],
    )
    result = CliRunner().invoke(main, ["import", "grids", str(path), "--township", PENGLAI])
    assert result.exit_code == 1
    assert "第3行“村（社区）”列" in result.output and "第3行“户数”列" in result.output
    assert "第3行“网格员姓名”列：不能为空" in result.output
    assert "未导入任何数据" in result.output
    assert not Grid.objects.exists()


def test_a_user_outside_the_township_or_without_write_right_is_refused_before_reading(
    village: Any, tongwei_officer: Any, suining_viewer: Any, tmp_path: Path
) -> None:
    garbage = tmp_path / "不是表格.xlsx"
    garbage.write_bytes(b"not a workbook")
    outside = CliRunner().invoke(
        main, ["import", "service-matters", str(garbage), "--township", PENGLAI, "--user", tongwei_officer.username]
    )
    assert outside.exit_code == 1 and f"区划 {PENGLAI} 不存在或无权访问" in outside.output
    viewer = CliRunner().invoke(
        main, ["import", "assets", str(garbage), "--township", PENGLAI, "--user", suining_viewer.username]
    )
    assert viewer.exit_code == 1 and "无权修改该乡镇的数据" in viewer.output
    unknown = CliRunner().invoke(main, ["import", "grids", str(garbage), "--township", PENGLAI, "--user", "nobody"])
    assert unknown.exit_code == 1 and "没有启用的用户“nobody”" in unknown.output


def test_import_assets_and_export_them_in_the_users_scope(
    regions: Any, daying_officer: Any, tongwei_officer: Any, tmp_path: Path
) -> None:
    path = tmp_path / "资产.xlsx"
    headers = [c.header for c in ASSET_COLUMNS]
    row = {"资产名称": "原乡政府办公楼", "权属": "镇", "资产类别": "办公用房", "来源": "撤并乡镇", "不动产登记": "已登记", "使用状态": "闲置"}
    path.write_bytes(write_workbook("资产", headers, [[row.get(h, "") for h in headers]]))
    result = CliRunner().invoke(main, ["import", "assets", str(path), "--township", PENGLAI, "--user", daying_officer.username])
    assert result.exit_code == 0, result.output
    assert Asset.objects.get().name == "原乡政府办公楼"
    out = tmp_path / "导出.xlsx"
    exported = CliRunner().invoke(main, ["export", "assets", "--region", DAYING, "-o", str(out), "--user", daying_officer.username])
    assert exported.exit_code == 0, exported.output
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row == 2
    refused = CliRunner().invoke(main, ["export", "assets", "--region", DAYING, "-o", str(out), "--user", tongwei_officer.username])
    assert refused.exit_code == 1 and "不存在或无权访问" in refused.output


def test_export_grids_and_matters_and_cases_write_workbooks(village: Any, tmp_path: Path) -> None:
    grid_services.grid_create(
        actor=None, village=village, name="第一网格", worker=grid_services.WorkerData(name="王网格", post="专职", duties="走访")
    )
    # Cases and matters: empty registers still give a workbook with its headers.
    for command, option, code in (("grids", "--township", PENGLAI), ("service-matters", "--township", PENGLAI), ("cases", "--region", DAYING)):
        out = tmp_path / f"{command}.xlsx"
        result = CliRunner().invoke(main, ["export", command, option, code, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert load_workbook(out).active is not None
    grids = load_workbook(tmp_path / "grids.xlsx").active
    assert grids is not None and grids["F2"].value == "王网格"
