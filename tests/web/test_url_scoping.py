"""Every URL pattern, walked: the outsider (通渭县 officer) gets 403/404 for any
URL filled with 大英县's objects, 大英县's own officer does not, and an anonymous
visitor is sent to the login page (or gets 401/403 from the API).

New patterns are covered automatically; a path parameter without a factory in
``bianzhi.kernel.testing`` (or an app's ``testing.py``) fails the test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import autodiscover_modules

from bianzhi.kernel import testing
from bianzhi.kernel.testing import ForeignWorld

DAYING_MARKERS = ["大英县", "510923"]


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    params: tuple[str, ...]
    namespace: str


def _params(pattern: Any) -> list[str]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return list(converters)
    regex = pattern.regex
    if regex.groups and len(regex.groupindex) != regex.groups:
        raise AssertionError(f"unnamed group in URL pattern {pattern}: name every parameter")
    return list(regex.groupindex)


def _walk(
    patterns: list[Any], namespace: str = "", params: tuple[str, ...] = ()
) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in testing.SKIPPED_NAMESPACES:
                continue
            ns = (
                f"{namespace}:{p.namespace}"
                if namespace and p.namespace
                else (p.namespace or namespace)
            )
            yield from _walk(p.url_patterns, ns, params + tuple(_params(p.pattern)))
        elif isinstance(p, URLPattern):
            if not p.name:
                raise AssertionError(
                    f"URL pattern {p.pattern} has no name: every URL must be reversible"
                )
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield Route(name=name, params=params + tuple(_params(p.pattern)), namespace=namespace)


def all_routes() -> list[Route]:
    """Unique (name, params) routes, skipping the namespaces listed in the registry."""
    seen: dict[tuple[str, tuple[str, ...]], Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault((route.name, tuple(sorted(route.params))), route)
    return list(seen.values())


def _names_objects(route: Route) -> bool:
    """True if some parameter identifies an object (not just e.g. a format suffix)."""
    return any(p not in testing.NEUTRAL_PARAMS for p in route.params)


def urls_for(route: Route, world: ForeignWorld) -> list[str]:
    """Every combination of the registered values for the route's parameters."""
    value_lists = []
    for param in route.params:
        factory = testing.URL_NAME_PARAM_FACTORIES.get(
            (route.name, param)
        ) or testing.URL_PARAM_FACTORIES.get(param)
        if factory is None:
            pytest.fail(
                f"URL {route.name!r} has parameter {param!r} with no factory: "
                "register one with bianzhi.kernel.testing.url_param"
            )
        value_lists.append(factory(world))
    return [
        reverse(route.name, kwargs=dict(zip(route.params, combo, strict=True)))
        for combo in itertools.product(*value_lists)
    ]


@pytest.fixture
def world(daying_officer: Any, regions: Any) -> ForeignWorld:
    autodiscover_modules("testing")
    return ForeignWorld(
        county=regions["510923"], township=regions["510923100"], officer=daying_officer
    )


def test_the_walk_finds_the_known_routes() -> None:
    names = {r.name for r in all_routes()}
    assert {"web:home", "regions:detail", "audit:list", "region-detail", "api-token"} <= names


def test_outsider_gets_403_or_404_for_every_url_of_another_county(
    client: Any, world: ForeignWorld, tongwei_officer: Any
) -> None:
    # Public pages (PUBLIC_URL_NAMES) are readable by everyone on purpose.
    routes = [
        r for r in all_routes() if _names_objects(r) and r.name not in testing.PUBLIC_URL_NAMES
    ]
    assert routes, "no parametrised URL found"
    checked = 0
    for route in routes:
        for url in urls_for(route, world):
            client.force_login(world.officer)
            own = client.get(url)
            assert own.status_code not in (403, 404), (
                f"{url}: the owner gets {own.status_code}, fix the factory"
            )
            client.force_login(tongwei_officer)
            response = client.get(url)
            assert response.status_code in (403, 404), f"{url}: outsider got {response.status_code}"
            checked += 1
    assert checked >= len(routes)


def test_outsider_sees_nothing_of_another_county_on_pages_without_parameters(
    client: Any, world: ForeignWorld, tongwei_officer: Any
) -> None:
    client.force_login(tongwei_officer)
    for route in all_routes():
        if _names_objects(route):
            continue
        for url in urls_for(route, world):
            response = client.get(url)
            if response.status_code != 200:
                continue
            if not response.get("Content-Type", "").startswith(("text/", "application/json")):
                continue  # files (xlsx exports): their scoping is tested by their app
            body = response.content.decode()
            for marker in DAYING_MARKERS:
                assert marker not in body, f"{url}: outsider sees {marker}"


def test_anonymous_visitors_are_sent_to_login_or_refused(client: Any, world: ForeignWorld) -> None:
    for route in all_routes():
        if route.name in testing.PUBLIC_URL_NAMES:
            continue
        for url in urls_for(route, world):
            response = client.get(url)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("accounts:login")), url
            else:
                assert response.status_code in (401, 403), (
                    f"{url}: anonymous got {response.status_code}"
                )


def test_a_parameter_without_a_factory_fails_the_walk(world: ForeignWorld) -> None:
    route = Route(name="regions:detail", params=("mystery_id",), namespace="regions")
    with pytest.raises(pytest.fail.Exception, match="mystery_id"):
        urls_for(route, world)
