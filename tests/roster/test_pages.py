from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from tests.staffing import PENGLAI, enter, id_number

from bianzhi.adapters.xlsx_columns import write_workbook
from bianzhi.core.idnumber import mask_id_number
from bianzhi.roster.importing import HEADERS
from bianzhi.roster.models import Person

pytestmark = pytest.mark.django_db


def test_the_county_officer_sees_full_identity_numbers(login: Any, daying_officer: Any, penglai: Any) -> None:
    person = enter(1)
    page = login(daying_officer).get("/roster/").content.decode()
    assert person.id_number in page
    detail = login(daying_officer).get(f"/roster/{person.pk}/").content.decode()
    assert person.id_number in detail


@pytest.mark.parametrize("who", ["penglai_user", "suining_viewer"])
def test_township_users_and_viewers_see_masked_numbers_in_pages_and_exports(
    who: str, request: Any, login: Any, penglai: Any
) -> None:
    user = request.getfixturevalue(who)
    person = enter(1)
    client = login(user)
    for url in ("/roster/", f"/roster/{person.pk}/"):
        body = client.get(url).content.decode()
        assert person.id_number not in body and mask_id_number(person.id_number) in body
    export = client.get("/roster/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    assert sheet.cell(row=2, column=1).value == mask_id_number(person.id_number)
    # A masked user cannot probe numbers through the search box either.
    body = client.get("/roster/", {"q": person.id_number[-4:]}).content.decode()
    assert "共 0 人" in body


def test_an_outsider_sees_nothing_of_the_county_in_lists_and_exports(login: Any, tongwei_officer: Any, penglai: Any) -> None:
    person = enter(1)
    client = login(tongwei_officer)
    assert person.name not in client.get("/roster/").content.decode()
    assert client.get(f"/roster/{person.pk}/").status_code == 404
    sheet = load_workbook(io.BytesIO(client.get("/roster/export.xlsx").content)).active
    assert sheet is not None and sheet.max_row == 1


def test_viewers_cannot_write(login: Any, suining_viewer: Any, penglai: Any) -> None:
    person = enter(1)
    client = login(suining_viewer)
    response = client.post(f"/roster/{person.pk}/exit/", {"exit-exited_on": "2024-01-01", "exit-reason": "退休"})
    assert response.status_code == 403
    assert client.get("/roster/import/").status_code == 403


def test_a_refused_secondment_shows_the_rule_and_changes_nothing(login: Any, daying_officer: Any, penglai: Any) -> None:
    person = enter(1, entry_date=date(2024, 9, 1))
    response = login(daying_officer).post(
        f"/roster/{person.pk}/second/",
        {"second-unit": "县委办", "second-start": "2025-01-01", "second-document_number": "x",
         "second-township_consent": "党委会议纪要"}, follow=True,
    )
    assert "处于服务期内" in response.content.decode()
    assert Person.objects.get(pk=person.pk).status == "on-post"


def _upload(rows: list[list[Any]]) -> SimpleUploadedFile:
    return SimpleUploadedFile("名册.xlsx", write_workbook("实名制名册", HEADERS, rows))


def _row(serial: int, **changes: Any) -> list[Any]:
    values = {h: None for h in HEADERS}
    values.update({"身份证号": id_number(serial), "姓名": f"人员{serial}", "乡镇代码": PENGLAI,
                   "编制类型": "行政编制", "入编日期": date(2015, 9, 1)})
    values.update(changes)
    return [values[h] for h in HEADERS]


def test_web_import_previews_then_commits(login: Any, daying_officer: Any, penglai: Any) -> None:
    client = login(daying_officer)
    enter(1)
    preview = client.post("/roster/import/", {"file": _upload([_row(1, 姓名="改名"), _row(2), _row(3)])})
    assert "新增2人，变更1人，未变0人" in preview.content.decode()
    assert Person.objects.count() == 1  # the preview writes nothing
    done = client.post("/roster/import/", {"commit": "1"}, follow=True)
    assert "导入完成" in done.content.decode()
    assert Person.objects.count() == 3 and Person.objects.filter(name="改名").exists()


def test_web_import_lists_every_error_and_writes_nothing(login: Any, daying_officer: Any, penglai: Any) -> None:
    client = login(daying_officer)
    response = client.post("/roster/import/", {"file": _upload([_row(1, 乡镇代码="621121100"), _row(2, 状态="休假")])})
    body = response.content.decode()
    assert "发现 2 处错误" in body and "“621121100”不是本地区的乡镇（街道）代码" in body and "“休假”无效" in body
    assert client.post("/roster/import/", {"commit": "1"}, follow=True).status_code == 200
    assert not Person.objects.exists()


def test_the_template_has_drop_down_lists(login: Any, daying_officer: Any, penglai: Any) -> None:
    content = login(daying_officer).get("/roster/template.xlsx").content
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["实名制名册"]
    assert [c.value for c in sheet[1]] == HEADERS
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert len(formulas) >= 8
    options = workbook["选项"]
    assert PENGLAI in [c.value for c in options["A"]]


def test_entry_through_the_page(login: Any, daying_officer: Any, penglai: Any) -> None:
    response = login(daying_officer).post("/roster/enter/", {
        "id_number": id_number(7), "name": "新人", "township": PENGLAI, "institution": "",
        "quota_type": "行政编制", "post_category": "general", "entry_date": "2024-09-01",
        "entry_way": "exam", "education": "", "document_number": "大组通〔2024〕3号",
    }, follow=True)
    assert response.status_code == 200
    person = Person.objects.get(name="新人")
    assert person.service_period_end == date(2027, 9, 1)


def test_the_list_row_shows_every_cell_as_text(login: Any, daying_officer: Any, penglai: Any) -> None:
    """The rows are built in Python (roster.views._list_rows): link, labels,
    secondment unit, exit mark and dates as the template used to print them."""
    from bianzhi.roster.models import Status

    person = enter(1, name="张<三>", is_enforcement_staff=True)
    # Straight to the table (past the rule guard, which needs approved posts):
    # only how the list prints a row is tested here.
    Person.objects.filter(pk=person.pk).update(
        status=Status.SECONDED_OUT, secondment_unit="县委办", exited_on=date(2026, 1, 2), post_category="leader"
    )
    page = login(daying_officer).get("/roster/?status=seconded-out&include_exited=1", HTTP_HX_REQUEST="true").content.decode()
    row = page[page.index("<tbody>"):page.index("</tbody>")]
    assert f'<a href="/roster/{person.pk}/">张&lt;三&gt;</a>' in row  # escaped, linked
    assert f"<td>{Person(post_category='leader').get_post_category_display()}</td>" in row
    assert "<td>是</td>" in row
    assert "<td>借调出（县委办）（已出编）</td>" in row
    assert "<td>2015-09-01</td>" in row
