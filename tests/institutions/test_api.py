"""``/api/v1/institutions/``: kind, name, nameplates, ledger quotas and posts,
the ledger as of a date; scoped like the pages (other county: 404 / absent)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rest_framework.test import APIClient
from tests.staffing import PENGLAI, enter

from bianzhi.institutions.services import ledger_change, nameplate_add

pytestmark = pytest.mark.django_db


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def staffed_office(office: Any) -> Any:
    """综合办公室: 3 admin quotas (2020), one 科级正职 post from 2021-06-01, a
    nameplate, one leader and one general staff member on the roster."""
    ledger_change(actor=None, institution=office, item="leader-chief", delta=1,
                  effective_on=date(2021, 6, 1), document_number="大委编发〔2021〕5号", reason="核定职数")
    nameplate_add(actor=None, institution=office, name="党建工作办公室", added_on=date(2020, 1, 1))
    enter(1, institution=office, post_category="leader")
    enter(2, institution=office)
    return office


def test_list_of_a_township_carries_quotas_nameplates_and_posts(
    staffed_office: Any, daying_officer: Any
) -> None:
    response = _client(daying_officer).get("/api/v1/institutions/", {"township": PENGLAI})
    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == staffed_office.pk and item["name"] == "综合办公室"
    assert item["kind"] == "office" and item["kind_label"] == "党政综合办事机构"
    assert item["township"] == PENGLAI and item["nameplates"] == ["党建工作办公室"]
    assert item["quotas"] == {"行政编制": 3, "事业编制": 0, "工勤编制": 0}
    assert item["leadership_posts"] == {"approved": 1, "used": 1}
    assert item["middle_posts"] == {"approved": 0, "used": 0}
    assert item["links"]["page"] == f"/institutions/{staffed_office.pk}/"


def test_detail_equals_the_list_item(staffed_office: Any, daying_officer: Any) -> None:
    client = _client(daying_officer)
    [listed] = client.get("/api/v1/institutions/").json()["results"]
    assert client.get(f"/api/v1/institutions/{staffed_office.pk}/").json() == listed


def test_ledger_as_of_a_date_sums_only_the_entries_up_to_it(
    staffed_office: Any, daying_officer: Any
) -> None:
    client = _client(daying_officer)
    url = f"/api/v1/institutions/{staffed_office.pk}/ledger/"
    before = client.get(url, {"as_of": "2021-05-31"}).json()
    assert before["as_of"] == "2021-05-31"
    assert before["balances"]["leader-chief"] == 0 and before["balances"]["行政编制"] == 3
    assert [e["item"] for e in before["entries"]] == ["行政编制"]
    everything = client.get(url).json()
    assert everything["as_of"] is None and everything["balances"]["leader-chief"] == 1
    assert [e["document_number"] for e in everything["entries"]][-1] == "大委编发〔2021〕5号"
    bad = client.get(url, {"as_of": "2021-13-01"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["as_of"]


def test_another_county_gets_404_and_an_empty_list(staffed_office: Any, tongwei_officer: Any) -> None:
    client = _client(tongwei_officer)
    assert client.get(f"/api/v1/institutions/{staffed_office.pk}/").status_code == 404
    assert client.get(f"/api/v1/institutions/{staffed_office.pk}/ledger/").status_code == 404
    assert client.get("/api/v1/institutions/", {"township": PENGLAI}).json()["results"] == []
    assert client.get("/api/v1/institutions/").json()["results"] == []


def test_anonymous_is_refused(staffed_office: Any) -> None:
    client = APIClient()
    assert client.get("/api/v1/institutions/").status_code in (401, 403)
    assert client.get(f"/api/v1/institutions/{staffed_office.pk}/ledger/").status_code in (401, 403)


def test_the_schema_documents_the_institution_endpoints(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    body = client.get("/api/schema/").content.decode()
    assert "/api/v1/institutions/{id}/ledger/" in body and "as_of" in body
