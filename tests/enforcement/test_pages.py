"""The enforcement pages end to end, for the county officer and the
township user (scoped), the public disclosure page without login, the
import (all or nothing, errors by row and column) and checked attachments."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from tests.conftest import PENGLAI
from tests.enforcement.conftest import ORG_CODE, PERSON_ID

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.enforcement import services
from bianzhi.enforcement.importing import COLUMNS
from bianzhi.enforcement.models import Case, CaseFile

HEADERS = [c.header for c in COLUMNS]


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "township": PENGLAI, "number": "蓬综执立〔2026〕9号", "matter_code": "CF-001",
        "party_kind": "person", "party_name": "张三", "party_id": PERSON_ID, "filed_on": "2026-03-01",
    }
    data.update(overrides)
    return data


def test_the_township_user_files_and_decides_a_case_of_their_own_township(
    login: Any, penglai_user: Any, matters: Any
) -> None:
    client = login(penglai_user)
    response = client.post(reverse("enforcement:case_list"), _form())
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("enforcement:case_detail", args=[case.pk])
    client.post(reverse("enforcement:case_decide", args=[case.pk]), {"on": "2026-03-05", "text": "警告", "penalty_amount": ""})
    client.post(reverse("enforcement:case_publish", args=[case.pk]))
    page = client.get(reverse("enforcement:case_detail", args=[case.pk])).content.decode()
    assert "已决定" in page and "已于" in page
    # The register lists the party masked.
    listing = client.get(reverse("enforcement:case_list")).content.decode()
    assert "张*" in listing and "张三" not in listing


def test_the_township_user_cannot_file_a_case_in_another_township(
    login: Any, penglai_user: Any, matters: Any, regions: Any
) -> None:
    other = next(c for c in regions if c.startswith("510923") and len(c) == 9 and c != PENGLAI)
    response = login(penglai_user).post(reverse("enforcement:case_list"), _form(township=other))
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_a_read_only_user_may_not_write(login: Any, suining_viewer: Any, make_case: Any) -> None:
    case = make_case()
    response = login(suining_viewer).post(
        reverse("enforcement:case_decide", args=[case.pk]), {"on": "2026-03-05", "text": "警告"}
    )
    assert response.status_code == 403
    assert Case.objects.get().status == "filed"


def test_a_refused_step_shows_the_reason_and_changes_nothing(
    login: Any, daying_officer: Any, make_case: Any
) -> None:
    case = make_case(is_major=True)
    response = login(daying_officer).post(
        reverse("enforcement:case_decide", args=[case.pk]), {"on": "2026-03-05", "text": "罚款"}, follow=True
    )
    assert "重大执法决定须先经法制审核" in response.content.decode()
    assert Case.objects.get().status == "filed"


def test_the_disclosure_page_opens_without_login_and_shows_published_decisions_masked(
    client: Any, make_case: Any, penglai: Any
) -> None:
    published = make_case()
    services.case_decide(actor=None, case=published, on=dt.date(2026, 3, 5), decision="责令改正")
    services.case_publish(actor=None, case=published)
    unpublished = make_case("蓬综执立〔2026〕2号", party_kind="organisation", party_name="顺达建材", party_id=ORG_CODE)
    services.case_decide(actor=None, case=unpublished, on=dt.date(2026, 3, 5), decision="没收")
    page = client.get(reverse("enforcement-public:township-enforcement", args=[penglai.code]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "对占道经营的处罚" in body  # the basis: the matters list
    assert "责令改正" in body and "张*" in body and "510923********123X" in body
    assert "张三" not in body and PERSON_ID not in body and "顺达建材" not in body


def _upload(rows: list[list[Any]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("案件台账.xlsx", write_workbook("执法案件台账", HEADERS, rows))


def test_the_template_offers_the_matters_as_a_drop_down(login: Any, daying_officer: Any, matters: Any) -> None:
    response = login(daying_officer).get(reverse("enforcement:case_template", args=[PENGLAI]))
    book = load_workbook(io.BytesIO(response.content))
    options = [c.value for c in book["选项"]["A"]]
    assert options[1:] == ["CF-001 对占道经营的处罚", "JC-001 燃气安全检查"]
    assert book.worksheets[0].data_validations.dataValidation


def test_an_import_with_bad_rows_saves_nothing_and_names_every_bad_cell(
    login: Any, daying_officer: Any, matters: Any
) -> None:
    good = ["蓬1号", "CF-001 对占道经营的处罚", "自然人", "张三", PERSON_ID, "2026-03-01", "否", ""]
    bad = ["蓬2号", "不存在的事项", "法人或其他组织", "顺达", "11100000000013127E", "2026-13-01", "也许", ""]
    response = login(daying_officer).post(
        reverse("enforcement:case_import", args=[PENGLAI]), {"file": _upload([good, bad])}, follow=True
    )
    body = response.content.decode()
    assert not Case.objects.exists()
    for fragment in ("第3行“执法事项”列", "第3行“证件号码”列", "第3行“立案日期”列", "第3行“重大执法决定”列", "全部行无误后才会导入"):
        assert fragment in body


def test_an_import_with_a_number_already_used_saves_nothing(
    login: Any, daying_officer: Any, make_case: Any
) -> None:
    make_case("蓬1号")
    rows = [
        ["蓬2号", "JC-001", "自然人", "李四", PERSON_ID, "2026/3/2", "", ""],
        ["蓬1号", "燃气安全检查", "自然人", "王五", PERSON_ID, "2026.3.3", "是", ""],
    ]
    response = login(daying_officer).post(
        reverse("enforcement:case_import", args=[PENGLAI]), {"file": _upload(rows)}, follow=True
    )
    assert "第 3 行 “案件编号”列：“蓬1号”已存在" in response.content.decode()
    assert Case.objects.count() == 1


def test_a_good_import_files_every_row(login: Any, penglai_user: Any, matters: Any) -> None:
    rows = [
        ["蓬1号", "CF-001 对占道经营的处罚", "自然人", "张三", PERSON_ID, "2026-03-01", "否", "占道"],
        ["蓬2号", "燃气安全检查", "法人或其他组织", "顺达", ORG_CODE, "2026-03-02", "是", ""],
    ]
    login(penglai_user).post(reverse("enforcement:case_import", args=[PENGLAI]), {"file": _upload(rows)})
    assert list(Case.objects.order_by("number").values_list("number", "is_major")) == [("蓬1号", False), ("蓬2号", True)]


def test_a_record_attachment_is_checked_by_its_content(
    login: Any, daying_officer: Any, make_case: Any, media: Any
) -> None:
    case = make_case()
    client = login(daying_officer)
    url = reverse("enforcement:case_record", args=[case.pk])
    fake = SimpleUploadedFile("笔录.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(url, {"stage": "现场检查", "text": "检查", "files": [fake]}, follow=True)
    assert "文件内容与扩展名 .pdf 不符" in response.content.decode()
    assert not CaseFile.objects.exists()
    real = SimpleUploadedFile("笔录.pdf", b"%PDF-1.4\n%%EOF\n")
    client.post(url, {"stage": "现场检查", "text": "检查", "files": [real]})
    stored = CaseFile.objects.get()
    assert stored.original_name == "笔录.pdf" and not stored.file.name.endswith("笔录.pdf")
    download = client.get(reverse("enforcement:case_file", args=[stored.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_the_api_masks_the_party(login: Any, daying_officer: Any, make_case: Any) -> None:
    make_case()
    data = login(daying_officer).get("/api/v1/enforcement-cases/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert rows[0]["party_id"] == "510923********123X" and rows[0]["party_name"] == "张*"
