"""The start-up hooks of bianzhi.kernel: registered by the apps above, and a
clear error when something calls one that nobody registered."""

from __future__ import annotations

import pytest

from bianzhi.kernel import hooks


def test_the_rules_and_roster_apps_register_their_hooks_at_start_up() -> None:
    from bianzhi.roster.selectors import staff_counts
    from bianzhi.rules.guard import DatabaseRuleGuard

    assert isinstance(hooks.rule_guard(), DatabaseRuleGuard)
    assert hooks._staff_counter is staff_counts


def test_a_hook_called_before_registration_says_which_app_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "_rule_guard", None)
    monkeypatch.setattr(hooks, "_staff_counter", None)
    with pytest.raises(hooks.HookNotRegistered, match="bianzhi.rules"):
        hooks.rule_guard()
    with pytest.raises(hooks.HookNotRegistered, match="bianzhi.roster"):
        hooks.staff_counts(institution_ids=[1])


def test_a_refusal_names_every_finding_with_its_source() -> None:
    from bianzhi.core.rules import Finding, ObjectKind, ObjectRef, Severity

    finding = Finding(rule="r", severity=Severity.BLOCK, object=ObjectRef(ObjectKind.TOWNSHIP, "1", "甲镇"),
                      message="超编1名", source="001号文")
    refusal = hooks.RuleRefusal([finding, finding])
    assert str(refusal) == "不能保存：以下阻止级规则将被违反：超编1名（依据：001号文）；超编1名（依据：001号文）"
    assert refusal.findings == [finding, finding]
