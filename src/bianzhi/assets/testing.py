"""URL-walk registry entries of the assets app (see bianzhi.kernel.testing).
Objects are created in 大英县's 蓬莱镇 (the round in 大英县)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from bianzhi.kernel.testing import ForeignWorld, url_param


def _asset(world: ForeignWorld) -> Any:
    from bianzhi.assets.models import Asset

    cached = world.extra.get("assets.asset")
    if cached is None:
        cached = Asset.objects.create(
            township=world.township, village="", owner="镇", asset_class="办公用房", name="原撤并乡政府办公楼",
            origin="撤并乡镇", registration="已登记", use_status="闲置",
        )
        world.extra["assets.asset"] = cached
    return cached


@url_param("asset_id")
def _asset_id(world: ForeignWorld) -> list[str]:
    return [str(_asset(world).pk)]


@url_param("asset_file_id")
def _file(world: ForeignWorld) -> list[str]:
    from bianzhi.assets.models import AssetFile

    item = AssetFile(asset=_asset(world), original_name="照片.png", size=8, content_type="image/png")
    item.file.save("test.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=False)
    item.save()
    return [str(item.pk)]


@url_param("round_id")
def _round(world: ForeignWorld) -> list[str]:
    from bianzhi.assets.models import InventoryRound

    item, _ = InventoryRound.objects.get_or_create(
        county=world.county, year=2026,
        defaults={"title": "2026年镇村公有资产清查", "deadline": dt.date(2026, 3, 20)},
    )
    return [str(item.pk)]


@url_param("pk", url_name="asset-detail")
def _api_asset(world: ForeignWorld) -> list[str]:
    return [str(_asset(world).pk)]
