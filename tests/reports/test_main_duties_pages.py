"""三定方案 "主要职责" edited on the web, per township and per institution: the
township's own user edits its own (and nobody else's), an officer any under
the county; every save is audited and the history is on the page; the other
parts of the township's list keep their entries and order."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import PENGLAI, _user
from tests.duty_actors import LONGSHENG

from bianzhi.audit.models import AuditRecord
from bianzhi.institutions.models import Institution
from bianzhi.reports.models import MainDuty

pytestmark = pytest.mark.django_db
PAGE = f"/reports/township/{PENGLAI}/main-duties/"


@pytest.fixture
def longsheng_user(regions: Any) -> Any:
    return _user("longsheng", LONGSHENG, ["township"])


def _duties(township: Any) -> list[tuple[str, str, str]]:
    return [
        (d.institution.name if d.institution else "", d.area, d.text)
        for d in MainDuty.objects.filter(township=township).order_by("position", "id")
    ]


def test_the_township_user_edits_its_own_main_duties_and_sees_the_history(
    penglai_data: Any, penglai_user: Any, login: Any
) -> None:
    client = login(penglai_user)
    response = client.post(
        PAGE, {"area": ["党的建设", "", "经济发展"], "text": ["加强基层党组织建设", "", "统筹乡村振兴"]}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["已保存蓬莱镇的主要职责（全乡镇共2条）。"]
    assert _duties(penglai_data) == [("", "党的建设", "加强基层党组织建设"), ("", "经济发展", "统筹乡村振兴")]
    record = AuditRecord.objects.get(object_type="reports.mainduty")
    assert record.actor_id == penglai_user.pk and record.region_code == PENGLAI
    page = response.content.decode()
    assert 'value="党的建设"' in page and "变更记录" in page and "蓬莱镇主要职责" in page


def test_a_half_filled_row_is_refused_with_its_row_number(
    penglai_data: Any, penglai_user: Any, login: Any
) -> None:
    response = login(penglai_user).post(PAGE, {"area": ["党的建设", "经济"], "text": ["加强", ""]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["第2行：请同时填写领域和职责。"]
    assert not MainDuty.objects.exists() and not AuditRecord.objects.filter(object_type="reports.mainduty").exists()


def test_another_townships_user_reaches_neither_page(
    penglai_data: Any, longsheng_user: Any, login: Any
) -> None:
    client = login(longsheng_user)
    office = Institution.objects.get(region=penglai_data, name="党政办公室")
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE, {"area": ["x"], "text": ["y"]}).status_code == 404
    assert client.get(f"/reports/institution/{office.pk}/main-duties/").status_code == 404
    assert client.get(f"/reports/township/{LONGSHENG}/main-duties/").status_code == 200
    assert not MainDuty.objects.exists()


def test_a_viewer_of_the_city_reads_but_cannot_save(penglai_data: Any, suining_viewer: Any, login: Any) -> None:
    client = login(suining_viewer)
    page = client.get(PAGE).content.decode()
    assert 'data-testid="main-duties"' not in page
    assert client.post(PAGE, {"area": ["x"], "text": ["y"]}).status_code == 403


def test_an_institutions_duties_replace_only_its_part_in_place(
    penglai_data: Any, daying_officer: Any, login: Any
) -> None:
    from bianzhi.reports.services import main_duties_replace

    office = Institution.objects.get(region=penglai_data, name="党政办公室")
    centre = Institution.objects.get(region=penglai_data, name="便民服务中心")
    main_duties_replace(actor=None, township=penglai_data, entries=[
        (None, "党的建设", "乡镇职责"), (office.pk, "综合", "旧职责"), (centre.pk, "服务", "政务服务"),
    ])
    response = login(daying_officer).post(
        f"/reports/institution/{office.pk}/main-duties/",
        {"area": ["综合", "督查"], "text": ["办文办会", "督查督办"]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["已保存党政办公室的主要职责（全乡镇共4条）。"]
    assert _duties(penglai_data) == [
        ("", "党的建设", "乡镇职责"),
        ("党政办公室", "综合", "办文办会"),
        ("党政办公室", "督查", "督查督办"),
        ("便民服务中心", "服务", "政务服务"),
    ]
    record = AuditRecord.objects.filter(object_type="reports.mainduty").latest("id")
    assert record.before["主要职责"][1] == {"机构": "党政办公室", "领域": "综合", "职责": "旧职责"}


def test_the_township_and_institution_pages_link_to_the_main_duties(
    penglai_data: Any, daying_officer: Any, login: Any
) -> None:
    client = login(daying_officer)
    office = Institution.objects.get(region=penglai_data, name="党政办公室")
    assert f'href="{PAGE}"' in client.get(f"/institutions/township/{PENGLAI}/").content.decode()
    assert f'href="/reports/institution/{office.pk}/main-duties/"' in client.get(
        f"/institutions/{office.pk}/"
    ).content.decode()
    assert f'href="{PAGE}"' in client.get("/reports/county/510923/").content.decode()
