"""Demo step: two monitoring snapshots of 大英县, 90 days apart (after every
app's demo data, so the figures come from them)."""

from __future__ import annotations

import datetime as dt

from bianzhi.kernel.demo import DAYING, DemoContext, demo_step
from bianzhi.regions.models import Region


@demo_step("监测快照（两次）", order=90)
def demo_snapshots(ctx: DemoContext) -> None:
    from bianzhi.kernel.clock import frozen, today
    from bianzhi.reports.models import Snapshot
    from bianzhi.reports.services import snapshot_take

    county = Region.objects.filter(code=DAYING).first()
    if county is None or Snapshot.objects.filter(region__county_code=DAYING).exists():
        return
    on = today()
    earlier = on - dt.timedelta(days=90)
    # A snapshot measures today only; the demo's earlier one is taken with the
    # clock set back, so it measures the demo data as it stands (persons not yet
    # entered on that day are left out, quotas and findings are today's).
    with frozen(earlier):
        snapshot_take(actor=None, region=county, on=earlier)
    snapshot_take(actor=None, region=county, on=on)
    ctx.echo(f"  大英县监测快照：{earlier.isoformat()}、{on.isoformat()}")
