"""Fixtures of the enforcement tests: 大英县's statutory enforcement matters
(so 蓬莱镇's matters list has items) and a case helper."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from tests.conftest import DAYING, PENGLAI

PERSON_ID = "51092319900307123X"
ORG_CODE = "11100000000013127D"


@pytest.fixture
def matters(regions: Any) -> list[Any]:
    from bianzhi.duties.models import StatutoryItem

    county = regions[DAYING]
    return [
        StatutoryItem.objects.create(county=county, code="CF-001", name="对占道经营的处罚", power_type="行政处罚"),
        StatutoryItem.objects.create(county=county, code="JC-001", name="燃气安全检查", power_type="行政检查"),
        # Not enforcement: absent from the matters list.
        StatutoryItem.objects.create(county=county, code="XK-001", name="临时占道许可", power_type="行政许可"),
    ]


@pytest.fixture
def penglai(regions: Any) -> Any:
    return regions[PENGLAI]


@pytest.fixture
def make_case(matters: Any, penglai: Any) -> Callable[..., Any]:
    from bianzhi.enforcement import services

    def make(number: str = "蓬综执立〔2026〕1号", **overrides: Any) -> Any:
        values: dict[str, Any] = dict(
            number=number, matter_code="CF-001", party_kind="person", party_name="张三",
            party_id=PERSON_ID, filed_on=dt.date(2026, 3, 1),
        )
        values.update(overrides)
        return services.case_create(actor=None, township=penglai, fields=services.CaseFields(**values))

    return make


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
