"""The institution import page end to end: template, preview → confirm,
every row error listed with nothing saved, and who may import."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from tests.staffing import HUILONG, PENGLAI, TONGWEI_TOWNSHIP

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.audit.models import AuditRecord
from bianzhi.institutions.importing import COLUMNS
from bianzhi.institutions.models import Institution, InstitutionLedgerEntry, Nameplate
from bianzhi.institutions.selectors import ledger_balances

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _row(**values: Any) -> list[Any]:
    row: dict[str, Any] = {h: None for h in HEADERS}
    row.update({"乡镇代码": PENGLAI, "机构名称": "党政办公室", "机构类别": "党政综合办事机构",
                "设立日期": date(2021, 3, 1), "文号": "大委编发〔2021〕12号"})
    row.update(values)
    return [row[h] for h in HEADERS]


def _upload(rows: list[list[Any]], name: str = "机构.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, write_workbook("机构", HEADERS, rows))


def _state() -> tuple[list[Any], int, int, int]:
    return (list(Institution.objects.values_list("pk", "name", "kind", "abolished_on")),
            InstitutionLedgerEntry.objects.count(), Nameplate.objects.count(), AuditRecord.objects.count())


def test_the_template_has_the_columns_and_the_users_townships(
    login: Any, daying_officer: Any, tongwei_officer: Any, regions: Any
) -> None:
    response = login(daying_officer).get("/institutions/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["机构"][1]] == HEADERS
    codes = [c.value for c in workbook["选项"]["A"]]
    assert PENGLAI in codes and HUILONG in codes and TONGWEI_TOWNSHIP not in codes
    outsider = load_workbook(io.BytesIO(login(tongwei_officer).get("/institutions/template.xlsx").content))
    assert PENGLAI not in [c.value for c in outsider["选项"]["A"]]


def test_a_good_file_previews_then_creates_audited_institutions(
    login: Any, daying_officer: Any, regions: Any
) -> None:
    client = login(daying_officer)
    rows = [
        _row(行政编制=5, 科级正职职数=1, 挂牌="退役军人服务站、便民服务中心"),
        _row(机构名称="农业综合服务中心", 机构类别="直属事业单位", 事业编制=8),
        _row(乡镇代码=HUILONG, 机构名称="党政办公室", 行政编制=4),
    ]
    preview = client.post("/institutions/import/", {"file": _upload(rows)}).content.decode()
    assert "新增3个机构，变更0个，未变0个" in preview
    assert not Institution.objects.exists()  # the preview writes nothing

    done = client.post("/institutions/import/", {"commit": "1"}, follow=True).content.decode()
    assert "导入完成：新增3个机构" in done
    office = Institution.objects.get(region__code=PENGLAI, name="党政办公室")
    assert office.kind == "office" and office.established_on == date(2021, 3, 1)
    assert ledger_balances(institution_ids=[office.pk])[office.pk]["行政编制"] == 5
    assert set(Nameplate.objects.filter(institution=office).values_list("name", flat=True)) == {
        "退役军人服务站", "便民服务中心"}
    for institution in Institution.objects.all():
        created = AuditRecord.objects.filter(object_id=str(institution.pk), action="create",
                                             object_type__endswith="institution")
        assert created.count() == 1
        record = created.get()
        assert record.actor_id == daying_officer.pk and record.reason == "大委编发〔2021〕12号"


def test_a_second_import_changes_only_what_differs(login: Any, daying_officer: Any, regions: Any) -> None:
    client = login(daying_officer)
    client.post("/institutions/import/", {"file": _upload([_row(行政编制=5), _row(机构名称="财政所", 行政编制=2)])})
    client.post("/institutions/import/", {"commit": "1"})
    rows = [_row(行政编制=6, 设立日期=date(2024, 1, 1), 文号="大委编发〔2024〕2号"), _row(机构名称="财政所", 行政编制=2)]
    preview = client.post("/institutions/import/", {"file": _upload(rows)}).content.decode()
    assert "新增0个机构，变更1个，未变1个" in preview and "行政编制5→6" in preview
    client.post("/institutions/import/", {"commit": "1"})
    office = Institution.objects.get(name="党政办公室")
    assert ledger_balances(institution_ids=[office.pk])[office.pk]["行政编制"] == 6
    assert Institution.objects.count() == 2


def test_a_bad_file_lists_every_row_error_and_saves_nothing(
    login: Any, daying_officer: Any, regions: Any
) -> None:
    client = login(daying_officer)
    before = _state()
    rows = [
        _row(),
        _row(乡镇代码=TONGWEI_TOWNSHIP, 机构名称="财政所"),
        _row(机构名称="", 机构类别="临时机构"),
        _row(机构名称="财政所", 设立日期="昨天", 文号="", 行政编制=-1),
        _row(),  # the same name as row 2 of the file
    ]
    response = client.post("/institutions/import/", {"file": _upload(rows, "错表.xlsx")})
    body = response.content.decode()
    table = body[body.index('data-testid="import-errors"'):]
    assert "发现 7 处错误，未导入任何数据" in body
    expected = [
        ("3", "乡镇代码", f"“{TONGWEI_TOWNSHIP}”不是本地区的乡镇（街道）代码"),
        ("4", "机构名称", "不能为空"),
        ("4", "机构类别", "“临时机构”无效"),
        ("5", "设立日期", ""),
        ("5", "文号", "不能为空"),
        ("5", "行政编制", "“-1”应为不小于0的整数"),
        ("6", "机构名称", "与第2行重复"),
    ]
    for row, column, reason in expected:
        assert f'<td>错表.xlsx</td><td class="num">{row}</td><td>{column}</td><td>{reason}' in table, (row, column)
    assert "确认导入" not in body
    # A confirm after the refused upload has nothing to import.
    again = client.post("/institutions/import/", {"commit": "1"}, follow=True).content.decode()
    assert "没有待确认的导入" in again
    assert _state() == before


def test_another_countys_officer_cannot_import_into_the_county(
    login: Any, tongwei_officer: Any, regions: Any
) -> None:
    client = login(tongwei_officer)
    body = client.post("/institutions/import/", {"file": _upload([_row()])}).content.decode()
    assert f"“{PENGLAI}”不是本地区的乡镇（街道）代码" in body
    client.post("/institutions/import/", {"commit": "1"})
    assert not Institution.objects.exists()


@pytest.mark.parametrize("who", ["suining_viewer", "penglai_user"])
def test_viewers_and_township_users_cannot_open_the_import(
    who: str, request: Any, login: Any, regions: Any
) -> None:
    client = login(request.getfixturevalue(who))
    assert client.get("/institutions/import/").status_code == 403
    assert client.post("/institutions/import/", {"file": _upload([_row()])}).status_code == 403
    assert not Institution.objects.exists()


def test_an_import_over_the_office_limit_is_refused_whole_and_shows_the_finding(
    login: Any, daying_officer: Any, regions: Any
) -> None:
    from tests.staffing import approve

    approve(PENGLAI, admin=20, institution=20, township_class="一般乡镇")  # 三类: 4 offices at most
    client = login(daying_officer)
    rows = [_row(机构名称=f"办公室{n}") for n in range(5)]
    client.post("/institutions/import/", {"file": _upload(rows)})
    state = _state()
    done = client.post("/institutions/import/", {"commit": "1"}, follow=True).content.decode()
    assert "不能保存：以下阻止级规则将被违反：党政综合办事机构5个，超过限额4个" in done
    assert "依据：002_3a9e3071a16f65c8.txt §1" in done
    assert _state() == state and not Institution.objects.exists()
