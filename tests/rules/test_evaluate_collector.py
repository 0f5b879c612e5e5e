"""``findings_evaluate`` pauses the cyclic garbage collector while it builds
a province's facts (rules/services.py) and always turns it back on."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from tests.staffing import PENGLAI, approve

from bianzhi.regions.models import Region
from bianzhi.rules import services

pytestmark = pytest.mark.django_db


def test_the_collector_is_paused_during_the_evaluation_and_on_again_after(regions: Any, monkeypatch: Any) -> None:
    approve(PENGLAI, admin=12, township_class="一般乡镇")  # below the floor: a block finding
    seen = []
    real = services.counties_facts

    def watching(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "counties_facts", watching)
    results = services.findings_evaluate(Region.objects.get(code="510923"))
    assert seen == [False] and gc.isenabled()
    assert any(r.findings for r in results)


def test_the_collector_is_on_again_after_a_failure(regions: Any, monkeypatch: Any) -> None:
    def failing(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "counties_facts", failing)
    with pytest.raises(RuntimeError):
        services.findings_evaluate(Region.objects.get(code="510923"))
    assert gc.isenabled()
