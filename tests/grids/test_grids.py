"""The grids and service-matters registers: services with their rules,
pages for the county officer and the township user, the public page and
the all-or-nothing import."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from bianzhi.adapters.xlsx_cells import append
from bianzhi.audit.models import AuditRecord
from bianzhi.grids import services
from bianzhi.grids.models import Grid, GridWorker, ServiceMatter, Village
from bianzhi.grids.services import GridError, MatterData, WorkerData

PENGLAI = "510923100"
HUILONG = "510923101"

WORKER = WorkerData(name="李四", post="专职网格员", duties="信息采集")


@pytest.fixture
def village(regions: Any) -> Village:
    return services.village_create(actor=None, township=regions[PENGLAI], name="蓬莱一村")


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    # Through xlsx_cells, as users' files carry "=1+2" typed as text.
    append(sheet, ["事项名称", "事项类别", "主管部门", "办理条件", "申请材料", "承诺时限（工作日）", "办理地点", "进驻便民服务大厅", "下沉村（社区）办理"])
    for row in rows:
        append(sheet, row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "事项.xlsx"
    return out


def test_a_grid_is_created_with_its_first_worker_and_keeps_at_least_one(village: Village, penglai_user: Any) -> None:
    grid = services.grid_create(actor=penglai_user, village=village, name="第一网格", worker=WORKER)
    first = GridWorker.objects.get(grid=grid)
    with pytest.raises(GridError, match="最后一名网格员.*依据：002"):
        services.grid_worker_remove(actor=penglai_user, worker=first)
    second = services.grid_worker_add(actor=penglai_user, grid=grid, worker=WorkerData(name="王五", post="兼职", duties="巡查"))
    services.grid_worker_remove(actor=penglai_user, worker=first)
    assert list(GridWorker.objects.filter(grid=grid)) == [second]
    assert AuditRecord.objects.filter(object_type__endswith="gridworker", action="delete").count() == 1


def test_a_grid_needs_a_worker_with_post_and_duties(village: Village) -> None:
    with pytest.raises(GridError, match="职责"):
        services.grid_create(actor=None, village=village, name="第二网格", worker=WorkerData(name="甲", post="专职", duties=" "))
    assert not Grid.objects.exists()


def test_a_township_user_cannot_write_in_another_township(regions: Any, penglai_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.village_create(actor=penglai_user, township=regions[HUILONG], name="回马村")
    with pytest.raises(PermissionDenied):
        services.service_matter_save(actor=penglai_user, township=regions[HUILONG], data=MatterData(name="甲", location="乙"))


def test_township_page_shows_findings_and_is_scoped(login: Any, penglai_user: Any, village: Village) -> None:
    client = login(penglai_user)
    page = client.get(f"/grids/township/{PENGLAI}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "蓬莱一村未设便民服务点" in text
    assert client.get(f"/grids/township/{HUILONG}/").status_code == 404
    assert client.get("/grids/county/510923/").status_code == 404


def test_township_user_adds_a_service_point_and_a_grid_in_the_browser_forms(
    login: Any, penglai_user: Any, village: Village
) -> None:
    client = login(penglai_user)
    url = f"/grids/township/{PENGLAI}/"
    client.post(url, {"action": "point_set", "village": village.pk, "name": "一村便民服务站", "address": "村委会"})
    response = client.post(url, {
        "action": "grid_create", "village": village.pk, "name": "第一网格", "households": "120",
        "enforcement_officer": "赵执法", "village_contact": "钱支书",
        "worker_name": "孙网格", "worker_post": "专职网格员", "worker_duties": "信息采集",
    }, follow=True)
    text = response.content.decode()
    assert "已添加蓬莱一村第一网格及其网格员" in text
    assert "未发现问题" not in text or "一村便民服务站" in text
    grid = Grid.objects.get(village=village)
    assert (grid.households, grid.enforcement_officer, grid.village_contact) == (120, "赵执法", "钱支书")
    assert village.service_point.name == "一村便民服务站"


def test_a_foreign_village_id_in_a_form_is_404(login: Any, tongwei_officer: Any, village: Village) -> None:
    client = login(tongwei_officer)
    response = client.post("/grids/township/621121100/", {"action": "point_set", "village": village.pk, "name": "x"})
    assert response.status_code == 404


def test_county_officer_sees_figures_and_records_a_department_task(login: Any, daying_officer: Any, village: Village) -> None:
    services.service_matter_save(actor=None, township=village.township, data=MatterData(name="低保申请", location="便民服务中心"))
    services.service_matter_save(
        actor=None, township=village.township, data=MatterData(name="危房改造", location="村建办", in_hall=False)
    )
    client = login(daying_officer)
    response = client.post("/grids/county/510923/", {
        "action": "task_create", "department": "县应急局", "kind": "supervision", "name": "安全隐患巡查",
    }, follow=True)
    text = response.content.decode()
    assert "安全隐患巡查" in text
    assert "50%" in text  # 进驻率 of 蓬莱镇: 1 of 2


def test_public_page_opens_without_login_and_lists_matters_and_service_points(client: Any, village: Village) -> None:
    services.service_matter_save(
        actor=None, township=village.township,
        data=MatterData(name="最低生活保障申请", location="蓬莱镇便民服务中心", materials="申请书、户口簿", time_limit_days=20, at_village=True),
    )
    services.service_point_set(actor=None, village=village, name="一村便民服务站", address="村委会")
    page = client.get(f"/public/{PENGLAI}/services/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("最低生活保障申请", "蓬莱镇便民服务中心", "申请书、户口簿", "20个工作日", "一村便民服务站"):
        assert expected in text


def test_import_refuses_a_bad_file_with_nothing_saved_and_names_rows_and_columns(
    login: Any, penglai_user: Any, regions: Any
) -> None:
    client = login(penglai_user)
    upload = _xlsx([
        ["城乡居民养老保险参保登记", "社会保障", "县人社局", "", "", 1, "便民服务中心", "是", "是"],
        ["", "社会保障", "", "", "", "三天", "便民服务中心", "也许", "否"],
    ])
    response = client.post(f"/grids/township/{PENGLAI}/", {"action": "matters_import", "file": upload}, follow=True)
    text = response.content.decode()
    assert not ServiceMatter.objects.exists()
    assert "第3行“事项名称”列：不能为空" in text
    assert "第3行“承诺时限（工作日）”列" in text
    assert "第3行“进驻便民服务大厅”列" in text


def test_import_of_a_good_file_saves_every_row_and_the_export_reads_back(login: Any, penglai_user: Any, regions: Any) -> None:
    client = login(penglai_user)
    upload = _xlsx([
        ["城乡居民养老保险参保登记", "社会保障", "县人社局", "本镇户籍", "身份证", 1, "便民服务中心", "是", "是"],
        ["=1+2", "", "", "", "", "", "村建办", "否", "否"],
    ])
    client.post(f"/grids/township/{PENGLAI}/", {"action": "matters_import", "file": upload})
    assert sorted(ServiceMatter.objects.values_list("name", "in_hall")) == [("=1+2", False), ("城乡居民养老保险参保登记", True)]
    assert AuditRecord.objects.filter(action="import", object_type__endswith="servicematter").count() == 2
    export = client.get(f"/grids/township/{PENGLAI}/matters.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    # Ordered by category then name: the uncategorised "=1+2" comes first.
    assert [values[0][0], values[0][6]] == ["=1+2", "村建办"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_an_outsider_cannot_upload_to_a_township_it_does_not_edit(login: Any, suining_viewer: Any, regions: Any) -> None:
    client = login(suining_viewer)
    upload = _xlsx([["甲", "", "", "", "", "", "乙", "是", "否"]])
    response = client.post(f"/grids/township/{PENGLAI}/", {"action": "matters_import", "file": upload})
    assert response.status_code == 403
    assert not ServiceMatter.objects.exists()


def test_the_api_lists_only_grids_in_scope(login: Any, penglai_user: Any, tongwei_officer: Any, village: Village) -> None:
    services.grid_create(actor=None, village=village, name="第一网格", worker=WORKER)
    own = login(penglai_user).get("/api/v1/grids/").json()
    rows = own["results"] if isinstance(own, dict) else own
    assert [(r["village"], r["workers"][0]["name"]) for r in rows] == [("蓬莱一村", "李四")]
    other = login(tongwei_officer).get("/api/v1/grids/").json()
    assert (other["results"] if isinstance(other, dict) else other) == []


def test_the_county_dashboard_shows_each_townships_grid_and_service_figures(
    login: Any, daying_officer: Any, village: Village
) -> None:
    services.grid_create(actor=None, village=village, name="第一网格", worker=WORKER)
    services.service_point_set(actor=None, village=village, name="一村便民服务站")
    services.service_matter_save(actor=None, township=village.township, data=MatterData(name="甲", location="乙"))
    from bianzhi.accounts.scope import scope_for
    from bianzhi.grids.selectors import dashboard_rows
    from bianzhi.regions.models import Region

    rows = {r.code: r for r in dashboard_rows(scope=scope_for(daying_officer), region=Region.objects.get(code="510923"))}
    penglai = rows[PENGLAI]
    assert (penglai.villages, penglai.service_points, penglai.grids, penglai.workers, penglai.hall_percent) == (1, 1, 1, 1, 100)
    assert rows[HUILONG].villages == 0
    page = login(daying_officer).get("/dashboards/510923/")
    assert page.status_code == 200
    assert 'data-testid="grid-figures"' in page.content.decode()
