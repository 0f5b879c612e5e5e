"""URL-walk factories (see ``bianzhi.kernel.testing``) for the township pages."""

from __future__ import annotations

from bianzhi.kernel.testing import ForeignWorld, url_param


def _with_data(world: ForeignWorld) -> None:
    """Give the foreign county its demo classes, indicators and quotas (once)."""
    if "township_data" not in world.extra:
        from bianzhi.townships.demo import demo_county_data

        demo_county_data(world.county)
        world.extra["township_data"] = True


@url_param("county_code")
def _county(world: ForeignWorld) -> list[str]:
    _with_data(world)
    return [world.county.code]


@url_param("township_code")
def _township(world: ForeignWorld) -> list[str]:
    _with_data(world)
    return [world.township.code]


# The API's township lookup is a township code (the region factory's county
# code would be a 404 for the owner too).
@url_param("code", url_name="township-detail")
def _api_township(world: ForeignWorld) -> list[str]:
    return _township(world)


@url_param("code", url_name="township-indicators")
def _api_township_indicators(world: ForeignWorld) -> list[str]:
    return _township(world)
