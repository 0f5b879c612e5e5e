"""The scope helpers every view uses: `scope_of(request)` (page or API),
`Scope.county_or_404` / `township_or_404`, and the scoped read-only API base."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory, force_authenticate

from bianzhi.accounts.api_base import ScopedReadOnlyViewSet
from bianzhi.accounts.scope import Scope, scope_of
from bianzhi.regions.models import Level, Region

DAYING, PENGLAI, TONGWEI = "510923", "510923100", "621121"


def test_a_page_gets_the_scope_the_middleware_attached(daying_officer: Any, penglai_user: Any) -> None:
    request = RequestFactory().get("/")
    request.user = daying_officer
    attached = Scope.for_user(penglai_user)
    request.scope = attached  # type: ignore[attr-defined]
    assert scope_of(request) is attached


def test_a_request_without_the_middleware_gets_its_users_scope(daying_officer: Any) -> None:
    request = RequestFactory().get("/")
    request.user = daying_officer
    assert scope_of(request) == Scope.for_user(daying_officer)
    bare = RequestFactory().get("/")
    assert not scope_of(bare).sees_anything
    bare.user = AnonymousUser()
    assert not scope_of(bare).sees_anything


def test_an_api_call_gets_the_scope_of_the_user_drf_authenticated(
    daying_officer: Any, penglai_user: Any
) -> None:
    # The page request underneath carries the session user's scope; a token
    # names another user, whose scope the API call must use.
    page = RequestFactory().get("/api/v1/")
    page.user = penglai_user
    page.scope = Scope.for_user(penglai_user)  # type: ignore[attr-defined]
    api = Request(page)
    api.user = daying_officer
    assert scope_of(api) == Scope.for_user(daying_officer)


def test_county_and_township_in_scope_at_their_level(daying_officer: Any) -> None:
    scope = Scope.for_user(daying_officer)
    assert scope.county_or_404(DAYING).code == DAYING
    assert scope.township_or_404(PENGLAI).code == PENGLAI
    assert scope.region_or_404(PENGLAI).code == PENGLAI


@pytest.mark.parametrize(
    ("method", "code"),
    [
        ("county_or_404", PENGLAI),  # a township where a county is asked for
        ("township_or_404", DAYING),  # and the other way round
        ("county_or_404", TONGWEI),  # another county
        ("county_or_404", "999999"),  # no such code
        ("township_or_404", ""),
    ],
)
def test_wrong_level_outside_scope_or_unknown_is_the_same_404(
    daying_officer: Any, method: str, code: str
) -> None:
    with pytest.raises(Http404) as missing:
        getattr(Scope.for_user(daying_officer), method)(code)
    # The message says nothing about what the code is.
    assert str(missing.value) == "区划不存在或无权访问"


def test_a_township_user_has_no_county(penglai_user: Any) -> None:
    scope = Scope.for_user(penglai_user)
    assert scope.township_or_404(PENGLAI).code == PENGLAI
    with pytest.raises(Http404):
        scope.county_or_404(DAYING)


class _RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code"]


class _Townships(ScopedReadOnlyViewSet[Region]):
    queryset = Region.objects.all()
    scope_path = ""  # the rows are regions themselves
    ordering: ClassVar[tuple[str, ...]] = ("-code",)
    serializer_class = _RegionSerializer
    lookup_field = "code"
    pagination_class = None

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(level=Level.TOWNSHIP)


def _call(user: Any, **kwargs: Any) -> Any:
    request = APIRequestFactory().get("/")
    force_authenticate(request, user=user)
    action = "retrieve" if kwargs else "list"
    return _Townships.as_view({"get": action})(request, **kwargs)


def test_the_scoped_api_base_lists_rows_in_scope_narrowed_and_ordered(
    daying_officer: Any, penglai_user: Any
) -> None:
    codes = [row["code"] for row in _call(daying_officer).data]
    expected = list(
        Region.objects.filter(level=Level.TOWNSHIP, county_code=DAYING).order_by("-code").values_list("code", flat=True)
    )
    assert codes == expected and PENGLAI in codes
    assert [row["code"] for row in _call(penglai_user).data] == [PENGLAI]


def test_the_scoped_api_base_answers_404_outside_the_scope(penglai_user: Any, tongwei_officer: Any) -> None:
    assert _call(penglai_user, code=PENGLAI).status_code == 200
    assert _call(tongwei_officer, code=PENGLAI).status_code == 404
