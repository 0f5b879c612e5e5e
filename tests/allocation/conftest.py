"""Fixtures: 大英县 and 通渭县 with their demo classes, indicators and quotas."""

from __future__ import annotations

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
