from __future__ import annotations

from typing import Any

from django.urls import reverse


def test_the_officer_browses_down_to_the_townships(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    body = client.get(reverse("regions:detail", args=["510923"])).content.decode()
    assert "蓬莱镇" in body and "卓筒井镇" in body
    fragment = client.get(reverse("regions:detail", args=["510923"]), HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "蓬莱镇" in fragment.content.decode()


def test_search_by_name_and_by_code_stays_in_scope(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    by_name = client.get(reverse("regions:search"), {"q": "蓬莱"}).content.decode()
    assert "510923100" in by_name
    by_code = client.get(reverse("regions:search"), {"q": "621121"}).content.decode()
    assert "通渭" not in by_code and "没有找到" in by_code


def test_the_top_bar_shows_region_and_roles(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    body = client.get(reverse("web:home")).content.decode()
    assert "四川省 遂宁市 大英县" in body and "编办管理员" in body and "审核人" in body


def test_the_api_lists_children_and_searches_within_scope(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    data = client.get("/api/v1/regions/", {"parent": "510923"}).json()
    assert data["count"] == 10 and data["results"][0]["parent"] == "510923"
    assert client.get("/api/v1/regions/", {"q": "通渭"}).json()["count"] == 0
    assert client.get("/api/v1/regions/510923100/").json()["name"] == "蓬莱镇"
    assert client.get("/api/v1/regions/621121/").status_code == 404


def test_the_api_accepts_a_token(client: Any, penglai_user: Any) -> None:
    token = client.post(
        "/api/v1/auth/token/", {"username": "penglai", "password": "Xq7-test-pass"}
    ).json()["token"]
    response = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}")
    assert [r["code"] for r in response.json()["results"]] == ["510923100"]
    assert client.get("/api/v1/regions/").status_code in (401, 403)


def test_the_openapi_schema_describes_the_api(client: Any, daying_officer: Any) -> None:
    client.force_login(daying_officer)
    body = client.get("/api/schema/").content.decode()
    assert "/api/v1/regions/" in body and "/api/v1/auth/token/" in body
