"""REST API of townships and plans, scoped like the pages (other county: 404)."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from bianzhi.allocation.demo import demo_plan


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_townships_of_a_county_carry_code_name_class_and_quotas(daying: Any, daying_officer: Any) -> None:
    response = _client(daying_officer).get("/api/v1/townships/", {"region": "510923"})
    assert response.status_code == 200
    items = response.json()["results"]
    assert len(items) == 10
    penglai = next(i for i in items if i["code"] == "510923100")
    assert penglai["name"] == "蓬莱镇" and penglai["class"] == "县政府驻地镇"
    assert penglai["quotas"] == {"行政编制": 28, "事业编制": 42}


def test_a_township_and_its_indicators(daying: Any, daying_officer: Any) -> None:
    client = _client(daying_officer)
    assert client.get("/api/v1/townships/510923100/").json()["class"] == "县政府驻地镇"
    values = client.get("/api/v1/townships/510923100/indicators/", {"year": 2026}).json()
    assert {v["indicator"]: v["value"] for v in values}["人口"] == 118300
    assert all(v["source"] == "示例数据" for v in values)
    assert client.get("/api/v1/townships/510923100/indicators/", {"year": 2020}).json() == []


def test_the_three_class_county_reports_its_classes(tongwei: Any, tongwei_officer: Any) -> None:
    items = _client(tongwei_officer).get("/api/v1/townships/", {"region": "621121"}).json()["results"]
    assert len(items) == 18 and {i["class"] for i in items} == {"一类", "二类", "三类"}


def test_plans_with_allocations(daying: Any, daying_officer: Any) -> None:
    plan = demo_plan(daying)
    client = _client(daying_officer)
    listing = client.get("/api/v1/plans/").json()["results"]
    assert [p["id"] for p in listing] == [plan.pk] and listing[0]["status"] == "approved"
    detail = client.get(f"/api/v1/plans/{plan.pk}/").json()
    assert detail["document_number"] == "大委编发〔2026〕3号"
    admin = [a for a in detail["allocations"] if a["quota_type"] == "行政编制"]
    assert len(admin) == 10 and sum(a["allocation"] for a in admin) == 152


def test_another_county_is_a_404_everywhere(daying: Any, tongwei: Any, tongwei_officer: Any) -> None:
    plan = demo_plan(daying)
    client = _client(tongwei_officer)
    assert client.get("/api/v1/townships/510923100/").status_code == 404
    assert client.get("/api/v1/townships/510923100/indicators/").status_code == 404
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert client.get("/api/v1/townships/", {"region": "510923"}).json()["results"] == []
    assert client.get("/api/v1/plans/").json()["results"] == []


def test_a_township_user_sees_only_their_township(daying: Any, penglai_user: Any) -> None:
    items = _client(penglai_user).get("/api/v1/townships/").json()["results"]
    assert [i["code"] for i in items] == ["510923100"]


def test_token_authentication_works_with_the_scope(daying: Any, daying_officer: Any) -> None:
    from tests.conftest import PASSWORD

    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "daying", "password": PASSWORD}, format="json").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert len(client.get("/api/v1/townships/", {"region": "510923"}).json()["results"]) == 10
