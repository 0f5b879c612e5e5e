"""URL-walk factories (see ``bianzhi.kernel.testing``) for the plan pages."""

from __future__ import annotations

from bianzhi.kernel.testing import ForeignWorld, url_param


@url_param("plan_id")
def _plan(world: ForeignWorld) -> list[str]:
    """A computed plan of the foreign county (every plan page works on it)."""
    if "plan" not in world.extra:
        from bianzhi.allocation.demo import demo_plan
        from bianzhi.townships.demo import demo_county_data

        demo_county_data(world.county)
        world.extra["plan"] = demo_plan(world.county, approve=False)
    return [str(world.extra["plan"].pk)]


@url_param("pk", url_name="plan-detail")
def _api_plan(world: ForeignWorld) -> list[str]:
    return _plan(world)


@url_param("code", url_name="allocation:township")
def _township(world: ForeignWorld) -> list[str]:
    """A township of the foreign county (the region factory's county code is
    not a township, so its page is 404 for the owner too)."""
    return [world.township.code]
