"""The duties pages through the test client: the public list, the duty-access
workflow by form posts, blocked submissions, imports with row errors and the
agencies page with a refused assessment."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.conftest import DAYING, PENGLAI

from bianzhi.adapters import xlsx_duties as spreadsheets
from bianzhi.duties.models import DutyAccessRequest
from bianzhi.duties.services.access import (
    RequestFields,
    duty_opinion_give,
    duty_request_create,
    duty_request_decide,
    duty_request_submit,
)


def make_request(department: Any, **kwargs: Any) -> DutyAccessRequest:
    fields = {"matter": "秸秆禁烧日常巡查", "reason": "点多面广", "funding_amount": Decimal(5), "township_codes": (PENGLAI,)}
    fields.update(kwargs)
    return duty_request_create(actor=None, department=department, fields=RequestFields(**fields))


def approve(request: DutyAccessRequest, regions: Any) -> None:
    duty_request_submit(actor=None, request=request)
    duty_opinion_give(actor=None, request=request, township=regions[PENGLAI], agrees=True, text="同意")
    duty_request_decide(actor=None, request=request, approve=True, document_number="大委编发〔2025〕1号")


def test_the_public_list_needs_no_login_and_shows_only_approved_duties(client: Any, department: Any, regions: Any) -> None:
    approve(make_request(department), regions)
    make_request(department, matter="尚在起草的事项")
    response = client.get(reverse("duties-public:township-duties", args=[PENGLAI]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "秸秆禁烧日常巡查" in body and "大委编发〔2025〕1号" in body
    assert "尚在起草的事项" not in body
    xlsx = client.get(reverse("duties-public:township-duties-xlsx", args=[PENGLAI]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 4).value == "秸秆禁烧日常巡查"
    assert client.get("/public/999999999/duties/").status_code == 404
    assert client.get(reverse("duties-public:township-duties", args=[DAYING])).status_code == 404


def test_the_public_pdf_embeds_its_chinese_fonts(client: Any, department: Any, regions: Any, tmp_path: Any) -> None:
    approve(make_request(department), regions)
    response = client.get(reverse("duties-public:township-duties-pdf", args=[PENGLAI]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts（poppler-utils）不可用，无法检查字体嵌入")
    path = tmp_path / "list.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts
    assert any("CJK" in row for row in rows), fonts


def test_the_workflow_through_the_forms(
    login: Any, dept_user: Any, penglai_user: Any, daying_officer: Any, regions: Any, department: Any
) -> None:
    client = login(dept_user)
    response = client.post(
        reverse("duties:request-new"),
        {
            "department": str(department.pk),
            "matter": "高标准农田管护巡查",
            "reason": "需要乡镇就近巡查",
            "is_temporary": "0",
            "funding_amount": "12",
            "townships": [PENGLAI],
            "demands": ["pledge", "veto"],
        },
    )
    request = DutyAccessRequest.objects.get(matter="高标准农田管护巡查")
    detail = reverse("duties:request-detail", args=[request.pk])
    assert response["Location"] == detail
    page = client.post(detail, {"action": "submit"}, follow=True).content.decode()
    assert "提交被阻止" in page and "责任状" in page and "一票否决" in page
    request.demands = []
    request.save()
    client.post(detail, {"action": "submit"})
    client = login(penglai_user)
    assert "高标准农田管护巡查" in client.get(reverse("duties:request-list")).content.decode()
    client.post(detail, {"action": "opinion", "township": PENGLAI, "agrees": "1", "text": "同意承接"})
    client = login(daying_officer)
    client.post(detail, {"action": "decide", "approve": "1", "document_number": "大委编发〔2025〕7号", "note": ""})
    request.refresh_from_db()
    assert request.status == "approved"
    history = client.get(detail).content.decode()
    assert "penglai" in history and "提交被阻止" in history


def test_overdue_requests_are_highlighted_in_the_list(login: Any, daying_officer: Any, department: Any) -> None:
    request = make_request(department)
    duty_request_submit(actor=None, request=request, today=timezone.localdate() - timedelta(days=20))
    body = login(daying_officer).get(reverse("duties:request-list")).content.decode()
    assert "overdue-row" in body and "蓬莱镇逾期10天未反馈意见" in body


def test_a_catalogue_upload_with_errors_imports_nothing_and_names_the_cells(login: Any, daying_officer: Any) -> None:
    data = spreadsheets.catalogue_workbook([["A1", "某事项", "行政审批", "", "县某局", "基础清单"]], {})
    upload = io.BytesIO(data)
    upload.name = "目录.xlsx"
    page = login(daying_officer).post(
        reverse("duties:catalogue", args=[DAYING]), {"file": upload, "document_number": ""}, follow=True
    ).content.decode()
    assert "目录.xlsx 第 2 行 C 列“权力类型”" in page
    from bianzhi.duties.models import DelegationCatalogue

    assert not DelegationCatalogue.objects.exists()


def test_the_agency_page_refuses_an_assessment_below_the_floor(login: Any, daying_officer: Any, regions: Any, department: Any) -> None:
    from bianzhi.agencies.services import agency_create

    agency = agency_create(
        actor=None, township=regions[PENGLAI], name="蓬莱司法所", agency_type="司法所", managing_department=department
    )
    url = reverse("agencies:agency", args=[agency.pk])
    page = login(daying_officer).post(
        url,
        {"action": "assessment", "year": "2024", "township_weight": "45", "township_score": "90", "department_score": "80"},
        follow=True,
    ).content.decode()
    assert "权重为45%，低于规定的50%" in page
    assert agency.assessments.count() == 0
    county = login(daying_officer).get(reverse("agencies:county", args=[DAYING]) + "?year=2024")
    assert county.status_code == 200 and "蓬莱司法所" in county.content.decode()


def test_county_and_township_pages_render(login: Any, daying_officer: Any, penglai_user: Any) -> None:
    client = login(daying_officer)
    for url in (
        reverse("duties:county", args=[DAYING]),
        reverse("duties:catalogue", args=[DAYING]),
        reverse("duties:matters", args=[DAYING]),
        reverse("duties:matter-request", args=[DAYING]),
        reverse("duties:township", args=[PENGLAI]),
        reverse("duties:catalogue-xlsx", args=[DAYING]),
        reverse("duties:matters-xlsx", args=[DAYING]),
        reverse("agencies:assessments-xlsx", args=[DAYING]),
    ):
        assert client.get(url).status_code == 200, url
    assert login(penglai_user).get(reverse("duties:index"))["Location"] == reverse("duties:township", args=[PENGLAI])
