"""Fixtures: 大英县 and 通渭县 with their demo classes, indicators and quotas."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest


@pytest.fixture
def daying(regions: Any) -> Any:
    from bianzhi.townships.demo import demo_county_data

    county = regions["510923"]
    demo_county_data(county)
    return county


@pytest.fixture
def tongwei(regions: Any) -> Any:
    from bianzhi.townships.demo import demo_county_data

    county = regions["621121"]
    demo_county_data(county)
    return county


PENGXI = "510921"  # 蓬溪县: a second county of 遂宁市 for city plans


@pytest.fixture
def suining(daying: Any) -> Any:
    """遂宁市 with two counties that have data: 大英县 (five classes, the demo
    figures) and 蓬溪县 (一类/二类/三类, deterministic figures seeded by code),
    both with the shared X indicator 村（社区）数."""
    from decimal import Decimal

    from bianzhi.regions.models import Level, Region
    from bianzhi.regions.services import regions_import
    from bianzhi.townships import services
    from bianzhi.townships.demo import DEMO_YEAR, VILLAGES
    from bianzhi.townships.models import ClassScheme, QuotaType

    regions_import(only=[PENGXI])
    county = Region.objects.get(code=PENGXI)
    services.county_settings_set(county=county, class_scheme=ClassScheme.THREE_CLASSES)
    services.indicator_definition_create(county=county, name=VILLAGES, unit="个")
    changes = []
    townships = Region.objects.filter(level=Level.TOWNSHIP, county_code=PENGXI).order_by("code")
    for i, township in enumerate(townships):
        cls = "一类" if i == 0 else "二类" if i < 5 else "三类"
        seed = int(township.code) % 997
        people = 15000 + 37 * seed + (40000 if i == 0 else 0)
        services.township_class_set(township=township, township_class=cls)
        services.indicator_values_set(
            township=township,
            year=DEMO_YEAR,
            values={
                "人口": Decimal(people),
                "面积": Decimal(60 + seed % 80),
                "经济": Decimal(people * 3),
                VILLAGES: Decimal(8 + seed % 12),
            },
            source="测试数据",
        )
        admin = 10 + people // 10000
        changes.append(services.QuotaChange(township, QuotaType.ADMIN, admin))
        changes.append(services.QuotaChange(township, QuotaType.INSTITUTION, admin + 3))
    services.approved_quotas_apply(changes=changes, document_number="蓬委编发〔2021〕1号", date=date(2021, 6, 30))
    return Region.objects.get(code="5109")


@pytest.fixture
def suining_officer(suining: Any) -> Any:
    """A 遂宁市 编办管理员 + 审核人 (the demo user ``suining`` stays 只读)."""
    from tests.conftest import _user

    return _user("suining-officer", "5109", ["officer", "approver"])
