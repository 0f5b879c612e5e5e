"""A township's class decides which floors and limits apply: setting a class
that puts it under a block rule it breaks is refused, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from tests.staffing import HUILONG, PENGLAI, approve

from bianzhi.audit.models import AuditRecord
from bianzhi.kernel.errors import ServiceError
from bianzhi.townships.models import Township
from bianzhi.townships.services import QuotaRuleViolation, township_class_set, township_classes_set


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


def test_several_classes_set_together_are_judged_together_and_refused_whole(regions: Any) -> None:
    # 蓬莱镇 may become 重点镇 on its own, but not 一般乡镇 (10 < 15): the
    # batch is refused as a whole, so 蓬莱镇's valid change is not written either.
    other = HUILONG
    approve(PENGLAI, admin=10, institution=10, township_class="中心镇")
    approve(other, admin=10, institution=10, township_class="中心镇")
    with pytest.raises(QuotaRuleViolation, match="一般乡镇核定行政编制10名"):
        township_classes_set(
            county=regions["510923"], classes={regions[PENGLAI]: "重点镇", regions[other]: "一般乡镇"}
        )
    assert set(Township.objects.filter(region__code__in=[PENGLAI, other]).values_list("township_class", flat=True)) == {"中心镇"}
    saved = township_classes_set(
        county=regions["510923"], classes={regions[PENGLAI]: "重点镇", regions[other]: "中心镇"}
    )
    assert [p.township_class for p in saved] == ["重点镇", "中心镇"]


def test_a_township_of_another_county_is_refused_in_a_batch(regions: Any) -> None:
    tongwei_township = next(code for code in regions if code.startswith("621121") and len(code) == 9)
    with pytest.raises(ServiceError, match="不属于大英县"):
        township_classes_set(county=regions["510923"], classes={regions[tongwei_township]: "中心镇"})
    assert not Township.objects.filter(region__code=tongwei_township).exists()


def test_switching_the_class_scheme_that_would_break_a_floor_is_refused_and_nothing_changes(
    regions: Any,
) -> None:
    # Under the three-class scheme 蓬莱镇 is 一类 with 10 行政编制; switching to
    # the five classes of 001 sends it back to the default 一般乡镇, whose floor
    # is 15: the switch is refused, the scheme and the class stay.
    from bianzhi.townships.models import ClassScheme, CountySettings
    from bianzhi.townships.services import county_settings_set

    county_settings_set(county=regions["510923"], class_scheme=ClassScheme.THREE_CLASSES)
    approve(PENGLAI, admin=10, institution=10, township_class="一类")
    audits = AuditRecord.objects.count()
    with pytest.raises(QuotaRuleViolation, match="一般乡镇核定行政编制10名，少于15名"):
        county_settings_set(county=regions["510923"], class_scheme=ClassScheme.FIVE_CLASSES)
    assert CountySettings.objects.get(county=regions["510923"]).class_scheme == ClassScheme.THREE_CLASSES
    assert Township.objects.get(region=regions[PENGLAI]).township_class == "一类"
    assert AuditRecord.objects.count() == audits
