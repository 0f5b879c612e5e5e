"""The city-level evaluation and filing reports (one row per county) are
downloadable from the web by the city's own users, through the same service
as `bianzhi docs evaluation 5109 …`; nobody below or beside the city reaches
them."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from tests.conftest import SUINING, _user
from tests.reports.conftest import D1, D2

from bianzhi.reports.services import snapshot_take

pytestmark = pytest.mark.django_db
CITY_PAGE = f"/reports/county/{SUINING}/"


@pytest.fixture
def city_officer(regions: Any) -> Any:
    return _user("suining-officer", SUINING, ["officer"])


def _snapshots(clock: Any, city: Any) -> None:
    for on in (D1, D2):
        clock(on)
        snapshot_take(actor=None, region=city, on=on)


def _document(response: Any) -> Any:
    assert response.status_code == 200, response.content[:300]
    return docx.Document(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))


def test_a_city_officer_downloads_the_city_evaluation_with_a_row_per_county(
    penglai_data: Any, regions: Any, clock: Any, city_officer: Any, login: Any
) -> None:
    _snapshots(clock, regions[SUINING])
    client = login(city_officer)
    index = client.get("/reports/").content.decode()
    assert f'href="{CITY_PAGE}"' in index
    page = client.get(CITY_PAGE).content.decode()
    assert f'action="/reports/county/{SUINING}/evaluation/"' in page
    document = _document(
        client.get(f"/reports/county/{SUINING}/evaluation/", {"from": D1.isoformat(), "to": D2.isoformat()})
    )
    assert document.paragraphs[0].text.replace("\n", "") == "遂宁市乡镇机构编制资源配置工作总结评估报告"
    per_county = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[1].rows}
    assert per_county["大英县"][1:4] == ["50", "40", "10"]


def test_a_city_officer_downloads_the_city_filing_report(
    penglai_data: Any, regions: Any, clock: Any, city_officer: Any, login: Any
) -> None:
    clock(D2)
    document = _document(login(city_officer).get(f"/reports/county/{SUINING}/filing/", {"on": D2.isoformat()}))
    texts = [p.text for p in document.paragraphs]
    assert "中共四川省委机构编制委员会办公室：" in texts
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in document.tables[0].rows}
    assert rows["大英县"][4:6] == ["30", "20"]


@pytest.mark.parametrize("who", ["daying_officer", "tongwei_officer", "penglai_user"])
def test_the_city_reports_are_out_of_reach_below_or_beside_the_city(
    penglai_data: Any, regions: Any, clock: Any, login: Any, who: str, request: Any
) -> None:
    _snapshots(clock, regions[SUINING])
    client = login(request.getfixturevalue(who))
    assert client.get(CITY_PAGE).status_code == 404
    assert client.get(f"/reports/county/{SUINING}/evaluation/", {"from": D1.isoformat(), "to": D2.isoformat()}).status_code == 404
    assert client.get(f"/reports/county/{SUINING}/filing/").status_code == 404


def test_a_township_code_is_not_a_report_area(penglai_data: Any, daying_officer: Any, login: Any) -> None:
    assert login(daying_officer).get("/reports/county/510923100/filing/").status_code == 404
