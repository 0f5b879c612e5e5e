"""The rule guard rules registers for the apps below it
(bianzhi.kernel.hooks.rule_guard): a write that leaves a new block finding is
refused, old block findings refuse nothing, errors pass through."""

from __future__ import annotations

from typing import Any

import pytest
from tests.staffing import PENGLAI, enter

from bianzhi.kernel.hooks import RuleRefusal, rule_guard
from bianzhi.rules.models import StoredFinding
from bianzhi.townships.models import ApprovedQuota


class Refused(RuleRefusal):
    pass


def _set_admin_quota(count: int) -> None:
    ApprovedQuota.objects.filter(township__code=PENGLAI, quota_type="行政编制").update(count=count)


def test_a_write_leaving_a_new_block_finding_is_refused_with_the_callers_exception(penglai: Any) -> None:
    enter(1)
    with (
        pytest.raises(Refused, match=r"不能保存：以下阻止级规则将被违反：.*行政编制.*（依据：") as refused,
        rule_guard().write(county_codes=[PENGLAI[:6]], refusal=Refused),
    ):
        _set_admin_quota(0)
    assert [f.rule for f in refused.value.findings] == ["over-quota"]


def test_a_block_finding_that_was_there_before_refuses_nothing(penglai: Any) -> None:
    enter(1)
    _set_admin_quota(0)
    with rule_guard().write(county_codes=[PENGLAI[:6], PENGLAI[:6]]) as guarded:
        pass
    assert guarded.county_codes == (PENGLAI[:6],)
    assert "over-quota" in {f.rule for f in guarded.findings}
    assert StoredFinding.objects.filter(rule="over-quota", severity="block").exists()


def test_an_error_inside_the_block_passes_through_and_nothing_is_refreshed(penglai: Any) -> None:
    enter(1)
    stored = list(StoredFinding.objects.values_list("id", flat=True))
    with pytest.raises(KeyError), rule_guard().write(county_codes=[PENGLAI[:6]]):
        _set_admin_quota(0)
        raise KeyError("x")
    assert list(StoredFinding.objects.values_list("id", flat=True)) == stored
