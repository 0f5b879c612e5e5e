"""A township's class decides which floors and limits apply: setting a class
that puts it under a block rule it breaks is refused, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from tests.staffing import PENGLAI, approve

from bianzhi.audit.models import AuditRecord
from bianzhi.townships.models import Township
from bianzhi.townships.services import QuotaRuleViolation, township_class_set


def test_making_a_township_with_10_admin_quotas_ordinary_is_refused_and_nothing_is_written(regions: Any) -> None:
    approve(PENGLAI, admin=10, institution=10, township_class="中心镇")
    audits = AuditRecord.objects.count()
    with pytest.raises(QuotaRuleViolation, match="一般乡镇核定行政编制10名，少于15名.*（依据：001_d6ec4a3fabdfb8f1.txt"):
        township_class_set(township=regions[PENGLAI], township_class="一般乡镇")
    assert Township.objects.get(region=regions[PENGLAI]).township_class == "中心镇"
    assert AuditRecord.objects.count() == audits


def test_a_class_under_no_broken_block_rule_is_saved(regions: Any) -> None:
    approve(PENGLAI, admin=10, institution=10, township_class="中心镇")
    township_class_set(township=regions[PENGLAI], township_class="重点镇")
    assert Township.objects.get(region=regions[PENGLAI]).township_class == "重点镇"
