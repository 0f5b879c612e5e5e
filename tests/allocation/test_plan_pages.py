"""Plan pages: create through the form, run, explain, weight slider, compare,
approve, exports (xlsx through the export adapter, PDF with embedded fonts)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from bianzhi.allocation import services
from bianzhi.allocation.demo import demo_plan
from bianzhi.allocation.models import AllocationPlan, PlanStatus
from bianzhi.allocation.selectors import plan_default_params

ADMIN = "行政编制"


def _form_data(**extra: Any) -> dict[str, Any]:
    data = {
        "name": "大英县2026年测算",
        "year": "2026",
        "admin_enabled": "on",
        "admin_total": "160",
        "admin_reserve": "5%",
        "admin_method": "webster",
        "admin_w_0": "0.4",
        "admin_w_1": "0.3",
        "admin_w_2": "0.3",
        "admin_w_3": "0",
        "admin_floor_4": "15",
        "institution_method": "webster",
    }
    data.update(extra)
    return data


def _computed(county: Any) -> AllocationPlan:
    params = plan_default_params(region=county)
    params[ADMIN].update({"total": 160})
    plan = services.plan_create(region=county, name="方案甲", year=2026, params=params)
    return services.plan_run(plan=plan)


def test_an_officer_creates_a_plan_through_the_form(login: Any, daying: Any, daying_officer: Any) -> None:
    client = login(daying_officer)
    page = client.get(reverse("allocation:create", args=["510923"]))
    assert page.status_code == 200 and "下限（保底）" in page.content.decode()
    response = client.post(reverse("allocation:create", args=["510923"]), _form_data())
    plan = AllocationPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("allocation:detail", args=[plan.pk])
    assert plan.params == {
        ADMIN: {
            "total": 160,
            "reserve": "5%",
            "method": "webster",
            "weights": {"人口": 0.4, "面积": 0.3, "经济": 0.3, "村（社区）数": 0},
            "floors": {"一般乡镇": 15},
            "caps": {},
            "coefficients": {},
            "no_decrease": False,
            "max_step": None,
        }
    }


def test_the_form_shows_chinese_errors(login: Any, daying: Any, daying_officer: Any) -> None:
    client = login(daying_officer)
    response = client.post(
        reverse("allocation:create", args=["510923"]), _form_data(admin_enabled="", admin_reserve="abc")
    )
    assert response.status_code == 200 and "至少选择一种编制类型" in response.content.decode()
    assert not AllocationPlan.objects.exists()


def test_run_then_the_page_shows_table_chart_data_and_warnings(login: Any, daying: Any, daying_officer: Any) -> None:
    client = login(daying_officer)
    client.post(reverse("allocation:create", args=["510923"]), _form_data())
    plan = AllocationPlan.objects.get()
    client.post(reverse("allocation:run", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPUTED
    body = client.get(reverse("allocation:detail", args=[plan.pk])).content.decode()
    assert "蓬莱镇" in body and 'id="chart-data-admin"' in body and "echarts.min.js" in body
    assert "按类别下限（保底）测算" in body  # a warning
    assert "批准方案" in body  # daying is also 审核人


def test_a_failed_run_shows_the_problems(login: Any, daying: Any, daying_officer: Any) -> None:
    client = login(daying_officer)
    client.post(reverse("allocation:create", args=["510923"]), _form_data(admin_floor_4="60"))
    plan = AllocationPlan.objects.get()
    response = client.post(reverse("allocation:run", args=[plan.pk]), follow=True)
    body = response.content.decode()
    assert "测算未通过" in body and "下限之和" in body


def test_the_explanation_fragment_shows_each_indicator(login: Any, daying: Any, daying_officer: Any) -> None:
    plan = _computed(daying)
    url = reverse("allocation:explain", args=[plan.pk, "510923100"]) + "?quota_type=admin"
    body = login(daying_officer).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body
    for text in ("蓬莱镇", "人口（人）", "占全县比例", "综合得分", "理论编制数", "测算编制"):
        assert text in body


def test_the_weight_slider_reruns_without_saving(login: Any, daying: Any, daying_officer: Any) -> None:
    plan = _computed(daying)
    stored = plan.results
    url = reverse("allocation:whatif", args=[plan.pk])
    body = login(daying_officer).get(
        url, {"quota_type": "admin", "w_0": "0", "w_1": "100", "w_2": "0", "w_3": "0"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "个乡镇有变化" in body and 'class="changed"' in body
    plan.refresh_from_db()
    assert plan.results == stored


def test_two_plans_compare_side_by_side(login: Any, daying: Any, daying_officer: Any) -> None:
    a = _computed(daying)
    params = plan_default_params(region=daying)
    params[ADMIN].update({"total": 170})
    b = services.plan_run(plan=services.plan_create(region=daying, name="方案乙", year=2026, params=params))
    body = login(daying_officer).get(reverse("allocation:compare"), {"a": a.pk, "b": b.pk}).content.decode()
    assert "方案甲" in body and "方案乙" in body and "乙−甲" in body and "蓬莱镇" in body


def test_approve_through_the_page(login: Any, daying: Any, daying_officer: Any) -> None:
    plan = _computed(daying)
    response = login(daying_officer).post(
        reverse("allocation:approve", args=[plan.pk]),
        {"document_number": "大委编发〔2026〕3号", "date": "2026-03-16"},
        follow=True,
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approval_date == date(2026, 3, 16)
    body = response.content.decode()
    assert "已批准" in body and "编制台账" in body and "修改参数" not in body


def test_an_officer_without_the_approver_role_cannot_approve(login: Any, tongwei: Any, tongwei_officer: Any) -> None:
    plan = _computed(tongwei)
    response = login(tongwei_officer).post(
        reverse("allocation:approve", args=[plan.pk]), {"document_number": "x", "date": "2026-01-01"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPUTED


def test_a_viewer_reads_but_cannot_run_and_a_township_user_sees_no_county_plan(
    login: Any, daying: Any, penglai_user: Any, suining_viewer: Any
) -> None:
    plan = _computed(daying)
    viewer = login(suining_viewer)
    assert viewer.get(reverse("allocation:detail", args=[plan.pk])).status_code == 200
    assert viewer.post(reverse("allocation:run", args=[plan.pk])).status_code == 403
    assert viewer.get(reverse("allocation:create", args=["510923"])).status_code == 403
    # A 乡镇用户's scope is their own township: the county's plans are not theirs.
    township = login(penglai_user)
    assert township.get(reverse("allocation:detail", args=[plan.pk])).status_code == 404
    assert township.post(reverse("allocation:run", args=[plan.pk])).status_code == 404


def test_xlsx_export_uses_the_export_adapter(login: Any, daying: Any, daying_officer: Any) -> None:
    from openpyxl import load_workbook

    plan = demo_plan(daying)
    response = login(daying_officer).get(reverse("allocation:export-xlsx", args=[plan.pk]) + "?quota_type=admin")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:3] == ["测算结果", "测算参数", "测算说明"]
    text = " ".join(str(c.value) for row in workbook["测算结果"].iter_rows() for c in row if c.value)
    assert "蓬莱镇" in text


def test_pdf_export_embeds_its_chinese_fonts(login: Any, daying: Any, daying_officer: Any, tmp_path: Any) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("需要 poppler-utils 中的 pdffonts（.ci/run 会安装）")
    plan = demo_plan(daying)
    response = login(daying_officer).get(reverse("allocation:export-pdf", args=[plan.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = lines[2:]
    assert fonts, "the PDF uses no font"
    assert any("CJK" in line for line in fonts), lines
    # Column "emb" is "yes" for every font.
    assert all(" yes " in line for line in fonts), lines


def test_exports_of_an_uncomputed_plan_redirect_with_a_message(login: Any, daying: Any, daying_officer: Any) -> None:
    params = plan_default_params(region=daying)
    plan = services.plan_create(region=daying, name="草稿", year=2026, params=params)
    client = login(daying_officer)
    for name in ("allocation:export-xlsx", "allocation:export-pdf"):
        response = client.get(reverse(name, args=[plan.pk]))
        assert response.status_code == 302


def test_the_plan_list_shows_only_plans_in_scope(login: Any, daying: Any, tongwei: Any, tongwei_officer: Any) -> None:
    demo_plan(daying)
    demo_plan(tongwei)
    body = login(tongwei_officer).get(reverse("allocation:list")).content.decode()
    assert "通渭县" in body and "大英县" not in body
