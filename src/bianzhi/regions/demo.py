"""Demo step: the region tree (whole country, or only the demo counties)."""

from __future__ import annotations

from bianzhi.kernel.demo import DemoContext, demo_step
from bianzhi.regions.services import regions_import


@demo_step("行政区划", order=10)
def demo_regions(ctx: DemoContext) -> None:
    only = () if ctx.full_country else ctx.county_codes
    result = regions_import(only=only)
    ctx.echo(f"  区划：新增 {result.created}，更名 {result.updated}，未变 {result.unchanged}")
