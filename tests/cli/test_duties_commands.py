"""`bianzhi import catalogue|matters FILE` and `bianzhi duties expire`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bianzhi.adapters import xlsx_duties as spreadsheets
from bianzhi.cli.main import main
from bianzhi.duties.models import CatalogueItem, DutyAccessRequest, TerritorialMatter

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _catalogue(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "目录.xlsx"
    path.write_bytes(spreadsheets.catalogue_workbook(rows, {}))
    return path


def test_import_catalogue_saves_every_row(regions: Any, tmp_path: Path) -> None:
    path = _catalogue(tmp_path, [["JC-1", "宅基地审核", "行政许可", "", "县自然资源和规划局", "基础清单"]])
    result = CliRunner().invoke(main, ["import", "catalogue", str(path), "--county", "510923", "--document", "大府发〔2021〕1号"])
    assert result.exit_code == 0, result.output
    assert "新增1项" in result.output and CatalogueItem.objects.count() == 1


def test_a_bad_catalogue_exits_1_with_every_error_and_saves_nothing(regions: Any, tmp_path: Path) -> None:
    path = _catalogue(
        tmp_path,
        [["JC-1", "宅基地审核", "审批", "", "县局", "基础清单"], ["JC-2", "", "行政许可", "", "县局", "特色清单九"]],
    )
    result = CliRunner().invoke(main, ["import", "catalogue", str(path), "--county", "510923"])
    assert result.exit_code == 1
    assert "目录.xlsx 第 2 行 C 列“权力类型”" in result.output
    assert "第 3 行 B 列“事项名称”：不能为空" in result.output
    assert "共3处错误，未导入任何数据。" in result.output
    assert not CatalogueItem.objects.exists()


def test_import_matters_needs_a_document_number(regions: Any, tmp_path: Path) -> None:
    path = tmp_path / "属地.xlsx"
    path.write_bytes(spreadsheets.matters_workbook([["1", "应急安全", "防汛巡查", "主体责任", "县应急管理局", "配合责任", ""]]))
    assert CliRunner().invoke(main, ["import", "matters", str(path), "--county", "510923"]).exit_code == 2
    result = CliRunner().invoke(main, ["import", "matters", str(path), "--county", "510923", "--document", "大委办发〔2024〕8号"])
    assert result.exit_code == 0, result.output
    assert TerritorialMatter.objects.get().document_number == "大委办发〔2024〕8号"


def test_duties_expire_records_past_temporary_duties(regions: Any) -> None:
    from bianzhi.accounts.services import department_create
    from bianzhi.duties.services.access import (
        RequestFields,
        duty_opinion_give,
        duty_request_create,
        duty_request_decide,
        duty_request_submit,
    )

    department = department_create(county=regions["510923"], name="县农业农村局")
    request = duty_request_create(
        actor=None,
        department=department,
        fields=RequestFields(
            matter="土壤普查配合", reason="阶段性任务", is_temporary=True, end_date=date(2024, 10, 31),
            funding_amount=Decimal(3), township_codes=("510923100",),
        ),
    )
    duty_request_submit(actor=None, request=request, today=date(2024, 3, 1))
    duty_opinion_give(actor=None, request=request, township=regions["510923100"], agrees=True, text="同意")
    duty_request_decide(actor=None, request=request, approve=True, document_number="x", today=date(2024, 3, 5))
    result = CliRunner().invoke(main, ["duties", "expire", "--today", "2024-11-01"])
    assert result.exit_code == 0 and "共1项临时性事项到期" in result.output
    assert DutyAccessRequest.objects.get().status == "expired"


def test_the_readme_documents_every_option() -> None:
    from bianzhi.cli.duties import catalogue_command, matters_command

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 权责清单、职责准入与派驻机构", 1)[1].split("\n## ", 1)[0]
    assert "bianzhi duties expire" in section
    for command in (catalogue_command, matters_command):
        assert f"bianzhi import {command.name}" in section
        for param in command.params:
            for name in param.opts:
                if name.startswith("--") and name != "--title":
                    assert name in section, name
