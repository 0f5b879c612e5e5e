"""Test support shipped with the package: the URL-walk registry.

``tests/web/test_url_scoping.py`` walks every URL pattern, fills its path
parameters with objects of 大英县 and proves that an officer of 通渭县 gets
403/404 (while 大英县's own officer does not). A pattern with a parameter
nobody registered fails the test, so every new URL is covered.

Register the parameters of your URLs in your app's ``testing.py`` (imported
automatically by the walk test)::

    # bianzhi/townships/testing.py
    from bianzhi.kernel.testing import url_param

    @url_param("township_code")
    def _township(world):
        return [world.township.code]

A factory receives the ``ForeignWorld`` of 大英县 and returns one or more
values (each is tried). It may create objects (the test database is rolled
back). Use ``url_param(..., url_name="plans:detail")`` when a parameter name
means different things in different URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ParamFactory = Callable[["ForeignWorld"], list[str]]


@dataclass
class ForeignWorld:
    """Objects of the county the outsider must not reach (大英县)."""

    county: Any  # a regions.Region (the kernel imports no app)
    township: Any  # a regions.Region
    officer: Any  # the county's own officer (編办管理员 + 审核人)
    extra: dict[str, Any] = field(default_factory=dict)


# param name -> factory, for every URL
URL_PARAM_FACTORIES: dict[str, ParamFactory] = {}
# (url name, param name) -> factory, overriding the above for one URL
URL_NAME_PARAM_FACTORIES: dict[tuple[str, str], ParamFactory] = {}
# URLs an anonymous visitor may GET (login pages, token endpoint)
PUBLIC_URL_NAMES: set[str] = {"accounts:login", "api-token"}
# Parameters that do not identify an object: a URL with only these is a list page.
NEUTRAL_PARAMS: set[str] = {"format"}
# URL namespaces not walked, with the reason (tested separately)
SKIPPED_NAMESPACES: dict[str, str] = {
    "admin": "Django admin: staff only, officers are not staff (tests/web/test_admin.py)",
}


def url_param(name: str, *, url_name: str | None = None) -> Callable[[ParamFactory], ParamFactory]:
    """Register a factory for the path parameter ``name`` (optionally for one URL only)."""

    def register(factory: ParamFactory) -> ParamFactory:
        if url_name is None:
            URL_PARAM_FACTORIES[name] = factory
        else:
            URL_NAME_PARAM_FACTORIES[(url_name, name)] = factory
        return factory

    return register


@url_param("code")
def _region_code(world: ForeignWorld) -> list[str]:
    return [world.county.code, world.township.code]


@url_param("format")
def _format(world: ForeignWorld) -> list[str]:
    return ["json"]
