"""The rule guard the apps below `rules` call through
``bianzhi.kernel.hooks.rule_guard()`` (registered in ``RulesConfig.ready()``).

Every staffing write goes through ``write()``: the county's block findings
are evaluated afresh before the write, the findings are refreshed after it,
and a block finding the write introduced (an edit pushing the excellent
share over 20%, say) refuses it, so the transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from bianzhi.core.rules import (
    CountyFacts,
    Finding,
    PersonState,
    RuleSettings,
    Severity,
    check_entry,
    check_secondment,
)
from bianzhi.kernel.hooks import GuardedWrite, RuleRefusal
from bianzhi.regions.models import Region
from bianzhi.rules.facts import county_facts, settings_by_county, settings_for
from bianzhi.rules.services import findings_evaluate, findings_refresh

BlockKey = tuple[str, str, str]


def _block_key(finding: Finding) -> BlockKey:
    return (finding.rule, str(finding.object.kind), finding.object.id)


def _blocks(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.BLOCK]


class DatabaseRuleGuard:
    """``kernel.hooks.RuleGuard`` over the stored data and rule settings."""

    def check_entry(self, *, township: Region, quota_type: str) -> list[Finding]:
        return check_entry(
            county_facts(township), township.code, quota_type, settings_for(township.county_code)
        )

    def check_secondment(self, *, person: PersonState, start: date, township: Region) -> list[Finding]:
        return check_secondment(
            person,
            start,
            snapshot=county_facts(township),
            settings=settings_for(township.county_code),
        )

    def settings(self, county_codes: Iterable[str]) -> dict[str, dict[str, RuleSettings]]:
        return settings_by_county(county_codes)

    def county_facts(self, county: Region) -> CountyFacts:
        return county_facts(county)

    def evaluate(self, *, county_code: str) -> list[Finding]:
        county = Region.objects.filter(code=county_code).first()
        if county is None:
            return []
        return [f for result in findings_evaluate(county) for f in result.findings]

    def refresh(self, *, county_code: str | None = None, region: Region | None = None) -> list[Finding]:
        return findings_refresh(county_code=county_code, region=region)

    @contextmanager
    def write(
        self, *, county_codes: Iterable[str], refusal: type[RuleRefusal] = RuleRefusal
    ) -> Iterator[GuardedWrite]:
        guarded = GuardedWrite(county_codes=tuple(sorted(set(county_codes))))
        # Evaluated afresh, not read from StoredFinding: stored findings may be
        # stale (a rule setting changed since), and a stale list would make an
        # old violation look new and refuse unrelated writes.
        before = {
            code: {_block_key(f) for f in _blocks(self.evaluate(county_code=code))}
            for code in guarded.county_codes
        }
        yield guarded
        introduced: list[Finding] = []
        for code in guarded.county_codes:
            findings = findings_refresh(county_code=code)
            guarded.findings.extend(findings)
            introduced.extend(f for f in _blocks(findings) if _block_key(f) not in before[code])
        if introduced:
            raise refusal(introduced)
