"""Start-up hooks: what a lower app needs from an app above it.

The apps are layered (docs/architecture.md, "Which app may import which"):
`institutions` sits below `roster`, and both sit below `rules`. Yet a
staffing write must be checked against the policy rules, and an institution
page shows how many persons are on its roster. Instead of importing upwards,
the lower app calls a hook here and the higher app registers the
implementation from its ``AppConfig.ready()``:

* ``rule_guard()`` — the policy rules (registered by ``bianzhi.rules``):
  the write-time checks of ``bianzhi.core.rules``, the settings and snapshot
  of a county, refreshing the stored findings, and ``write()``, the guard
  every staffing write goes through;
* ``staff_counts()`` — persons on the roster per institution (registered by
  ``bianzhi.roster``).

Calling a hook nobody registered is a programming error (the app is missing
from INSTALLED_APPS or Django was not set up), so it raises
``HookNotRegistered`` instead of quietly skipping the check.

This module imports no app of the project, not even ``bianzhi.core``: the
rule engine's values (``Finding``, ``CountyFacts``, ``RuleSettings``,
``PersonState``) cross it as ``Any`` and are named in the docstrings; the
callers annotate them with the core types.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol


class HookNotRegistered(RuntimeError):
    """A hook was called before the app that provides it registered it."""


class RuleRefusal(ValueError):
    """A write refused by the policy rules: it would leave block findings.

    `findings` lists them (``bianzhi.core.rules.Finding``); the message names
    each with its source document and is meant for the user. Apps subclass it
    so that their own error handling catches it too (``roster`` raises
    ``RuleViolation(RosterError, RuleRefusal)``)."""

    def __init__(self, findings: Sequence[Any]) -> None:
        self.findings = list(findings)
        text = "；".join(f"{f.message}（依据：{f.source}）" for f in self.findings)
        super().__init__(f"不能保存：以下阻止级规则将被违反：{text}")


@dataclass
class GuardedWrite:
    """What ``RuleGuard.write()`` yields. `findings` is filled when the block
    exits without error: every finding of the guarded counties after the
    write (``bianzhi.core.rules.Finding``), as stored."""

    county_codes: tuple[str, ...]
    findings: list[Any] = field(default_factory=list)


class RuleGuard(Protocol):
    """The policy rules as the apps below ``rules`` see them.

    Regions are ``regions.Region`` rows (``Any`` here: the kernel imports no
    app); a township region stands for its county where a county is meant."""

    def check_entry(self, *, township: Any, quota_type: str) -> list[Any]:
        """``core.rules.check_entry`` for one more person of `quota_type` in
        `township`, against its county as stored now and the county's rule
        settings: the findings the entry would leave (warnings and blocks)."""
        ...

    def check_secondment(self, *, person: Any, start: date, township: Any) -> list[Any]:
        """``core.rules.check_secondment`` for `person` (a
        ``core.rules.PersonState`` of `township`) seconded out from `start`."""
        ...

    def settings(self, county_codes: Iterable[str]) -> dict[str, Any]:
        """The rule settings in force per county code (province, city and
        county layered: ``dict[str, core.rules.RuleSettings]`` each)."""
        ...

    def county_facts(self, county: Any) -> Any:
        """The ``core.rules.CountyFacts`` of one county as stored now."""
        ...

    def evaluate(self, *, county_code: str) -> list[Any]:
        """Every finding of the county as it stands, evaluated afresh; reads
        only (nothing stored, nobody notified)."""
        ...

    def refresh(self, *, county_code: str | None = None, region: Any = None) -> list[Any]:
        """Re-evaluate and store the findings of one county (by code) or of
        every county under `region`, notifying the officers of new block
        findings; returns the findings. In the caller's transaction."""
        ...

    def write(
        self, *, county_codes: Iterable[str], refusal: type[RuleRefusal] = RuleRefusal
    ) -> AbstractContextManager[GuardedWrite]:
        """Guard the write in the ``with`` block (call it inside the write's
        transaction). On entry, the block findings of the counties are
        evaluated afresh; when the block exits without error, the counties'
        findings are refreshed (stored) and a block finding that was not
        there before raises `refusal` listing the new ones, so the
        transaction rolls back. An error inside the block passes through
        untouched (nothing refreshed)."""
        ...


@dataclass(frozen=True)
class StaffCount:
    """Persons on the roster of one institution (exited persons never count).

    `on_roster`: everyone on the roster there, 借入 included (what the
    institution pages show, and what keeps an institution from being
    abolished); `leaders` / `middle`: those holding a quota (not 借入) in a
    领导 / 中层 post, as the dashboards count posts used."""

    on_roster: int = 0
    leaders: int = 0
    middle: int = 0


class StaffCounter(Protocol):
    """What ``staff_counter_register`` takes: persons on the roster per
    institution id, in one query; institutions with nobody are absent."""

    def __call__(self, *, institution_ids: Collection[int]) -> Mapping[int, StaffCount]: ...

_rule_guard: RuleGuard | None = None
_staff_counter: StaffCounter | None = None


def rule_guard_register(guard: RuleGuard) -> None:
    """Install the rule guard (``bianzhi.rules`` does, from ``ready()``).
    Registering again replaces it (tests may install their own)."""
    global _rule_guard
    _rule_guard = guard


def rule_guard() -> RuleGuard:
    """The registered rule guard; HookNotRegistered before ``rules`` is ready."""
    if _rule_guard is None:
        raise HookNotRegistered(
            "政策规则检查尚未注册：bianzhi.rules 不在 INSTALLED_APPS 中，或未先执行 django.setup()"
        )
    return _rule_guard


def staff_counter_register(counter: StaffCounter) -> None:
    """Install the staff counter (``bianzhi.roster`` does, from ``ready()``)."""
    global _staff_counter
    _staff_counter = counter


def staff_counts(*, institution_ids: Collection[int]) -> Mapping[int, StaffCount]:
    """Persons on the roster per institution id, in one query; institutions
    with nobody are absent. HookNotRegistered before ``roster`` is ready."""
    if _staff_counter is None:
        raise HookNotRegistered(
            "实名制人数统计尚未注册：bianzhi.roster 不在 INSTALLED_APPS 中，或未先执行 django.setup()"
        )
    return _staff_counter(institution_ids=institution_ids)

