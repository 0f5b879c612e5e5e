"""``/api/v1/persons/``: scoped, paginated, filtered, and identity numbers
masked exactly as on the web pages (roster.selectors.id_numbers_visible)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient
from tests.conftest import PASSWORD
from tests.staffing import HUILONG, PENGLAI, approve, enter

from bianzhi.core.idnumber import mask_id_number
from bianzhi.roster.models import Person, Status

pytestmark = pytest.mark.django_db


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def persons(penglai: Any) -> list[Any]:
    approve(HUILONG, admin=10, institution=10)
    first = enter(1)
    second = enter(2, quota_type="事业编制")
    Person.objects.filter(pk=second.pk).update(status=Status.SECONDED_OUT, secondment_unit="县委办")
    third = enter(3, code=HUILONG)
    return [first, second, third]


def _numbers(client: APIClient, **params: str) -> dict[str, str]:
    response = client.get("/api/v1/persons/", params)
    assert response.status_code == 200
    return {item["name"]: item["id_number"] for item in response.json()["results"]}


def test_the_county_officer_sees_whole_identity_numbers(persons: list[Any], daying_officer: Any) -> None:
    client = _client(daying_officer)
    assert _numbers(client) == {p.name: p.id_number for p in persons}
    detail = client.get(f"/api/v1/persons/{persons[0].pk}/").json()
    assert detail["id_number"] == persons[0].id_number and detail["birth_date"] == "1990-01-01"


@pytest.mark.parametrize("who", ["penglai_user", "suining_viewer"])
def test_township_and_read_only_users_see_masked_numbers(
    persons: list[Any], who: str, request: pytest.FixtureRequest
) -> None:
    client = _client(request.getfixturevalue(who))
    shown = _numbers(client, township=PENGLAI)
    assert shown == {p.name: mask_id_number(p.id_number) for p in persons[:2]}
    assert all("*" in n for n in shown.values())
    detail = client.get(f"/api/v1/persons/{persons[0].pk}/").json()
    assert detail["id_number"] == mask_id_number(persons[0].id_number) != persons[0].id_number


def test_a_superuser_sees_whole_numbers(persons: list[Any], superuser: Any) -> None:
    assert _numbers(_client(superuser), township=PENGLAI)["人员1"] == persons[0].id_number


def test_filters_by_township_status_and_quota_type(persons: list[Any], daying_officer: Any) -> None:
    client = _client(daying_officer)
    assert set(_numbers(client, township=HUILONG)) == {"人员3"}
    assert set(_numbers(client, status=Status.SECONDED_OUT)) == {"人员2"}
    assert set(_numbers(client, quota_type="行政编制")) == {"人员1", "人员3"}
    listing = client.get("/api/v1/persons/").json()
    assert listing["count"] == 3 and listing["next"] is None  # paginated envelope


def test_a_township_user_sees_only_their_township(persons: list[Any], penglai_user: Any) -> None:
    client = _client(penglai_user)
    assert set(_numbers(client)) == {"人员1", "人员2"}
    assert client.get(f"/api/v1/persons/{persons[2].pk}/").status_code == 404


def test_another_county_gets_404_and_an_empty_list(persons: list[Any], tongwei_officer: Any) -> None:
    client = _client(tongwei_officer)
    assert client.get(f"/api/v1/persons/{persons[0].pk}/").status_code == 404
    assert _numbers(client) == {} and _numbers(client, township=PENGLAI) == {}


def test_anonymous_is_refused(persons: list[Any]) -> None:
    assert APIClient().get("/api/v1/persons/").status_code in (401, 403)


def test_a_token_from_the_login_endpoint_authenticates(persons: list[Any], daying_officer: Any) -> None:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": daying_officer.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    # The token's user gets their own scope and masking decision: whole numbers.
    assert _numbers(client)["人员1"] == persons[0].id_number
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/persons/").status_code == 401


def test_the_person_list_serializer_matches_the_plain_drf_fields(persons: list[Any]) -> None:
    """The fast fields against the fields they replace, on real rows."""
    from django.urls import reverse
    from rest_framework import serializers

    from bianzhi.roster.api import PersonSerializer

    class Plain(PersonSerializer):
        post_category_label = serializers.CharField(source="get_post_category_display")
        status_label = serializers.CharField(source="get_status_display")

        def get_links(self, obj: Person) -> dict[str, str]:
            return {"self": reverse("person-detail", args=[obj.pk]), "page": reverse("roster:detail", args=[obj.pk])}

    rows = list(Person.objects.select_related("region", "institution").order_by("id"))
    assert len(rows) == 3
    context = {"id_visible": True}
    fast = PersonSerializer(rows, many=True, context=context).data
    plain = Plain(rows, many=True, context=context).data
    assert fast == plain
