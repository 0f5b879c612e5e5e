"""Writes of the rules app: findings refreshed after every write, and a
region's rule settings (audited)."""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse

from bianzhi.accounts.models import Role
from bianzhi.audit.services import audit_record, field_values
from bianzhi.core.rules import (
    RULES_BY_ID,
    Finding,
    ObjectKind,
    RuleSettings,
    RuleSettingsError,
    Severity,
    effective_rules,
    evaluate,
)
from bianzhi.inbox.kinds import kind_register
from bianzhi.inbox.services import notify_users, role_holders
from bianzhi.kernel import clock
from bianzhi.regions.models import Level, Region
from bianzhi.roster.models import Person
from bianzhi.rules.facts import counties_facts, settings_by_county
from bianzhi.rules.models import RuleSetting, StoredFinding

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

# The rules' notification kind, registered with the inbox when this module is
# imported (at start-up: apps.py imports guard.py, which imports this module).
RULE_KIND = kind_register("rule", "规则问题")


@dataclass(frozen=True)
class CountyFindings:
    county_code: str
    county_name: str
    findings: list[Finding]


def findings_evaluate(region: Region, *, today: date | None = None) -> list[CountyFindings]:
    """Evaluate every enabled rule for every county under `region` (a
    township gives its county). Reads only; see findings_refresh to store.
    `today` defaults to ``kernel.clock.today()`` (certificate validity,
    ongoing secondments), so a frozen clock freezes the rules too."""
    today = today if today is not None else clock.today()
    # A province makes hundreds of thousands of small objects (facts, tallies,
    # findings) with no reference cycles: the cyclic collector's passes in the
    # middle free nothing and took a third of the time (measured: 849 -> 558 ms
    # for Sichuan). Paused for the evaluation only, as core.allocation does.
    enabled = gc.isenabled()
    gc.disable()
    try:
        snapshots = counties_facts(region, today=today, tally=True)
        settings = settings_by_county(s.region_code for s in snapshots)
        return [
            CountyFindings(s.region_code, s.region_name, evaluate(s, settings[s.region_code], today=today))
            for s in snapshots
        ]
    finally:
        if enabled:
            gc.enable()


def _township_code_of(finding: Finding, person_townships: Mapping[str, str],
                      institution_townships: Mapping[str, str]) -> str | None:
    kind = finding.object.kind
    if kind == ObjectKind.TOWNSHIP:
        return finding.object.id
    if kind == ObjectKind.PERSON:
        return person_townships.get(finding.object.id)
    if kind == ObjectKind.INSTITUTION:
        return institution_townships.get(finding.object.id)
    return None


@transaction.atomic
def findings_refresh(
    *, county_code: str | None = None, region: Region | None = None, today: date | None = None
) -> list[Finding]:
    """Re-evaluate and store the findings of one county (by code) or of every
    county under `region`; returns the new findings. Called by every service
    that changes institutions, the ledger, the roster or rule settings, in
    the same transaction."""
    if region is None:
        if not county_code:
            return []
        region = Region.objects.filter(code=county_code).first()
        if region is None:
            return []
    results = findings_evaluate(region, today=today)
    if not results:
        return []
    counties = {
        c.code: c for c in Region.objects.filter(code__in=[r.county_code for r in results])
    }
    townships = dict(
        Region.objects.filter(
            level=Level.TOWNSHIP, county_code__in=list(counties)
        ).values_list("code", "id")
    )
    from bianzhi.institutions.models import Institution

    # The block findings stored before this evaluation: only those not among
    # them are news worth a message (a refresh runs after every write).
    previous_blocks = set(
        StoredFinding.objects.filter(
            county__in=list(counties.values()), severity=Severity.BLOCK.value
        ).values_list("county__code", "rule", "object_kind", "object_id")
    )
    StoredFinding.objects.filter(county__in=list(counties.values())).delete()
    now = clock.now()
    rows: list[StoredFinding] = []
    everything: list[Finding] = []
    for result in results:
        ids_person = [f.object.id for f in result.findings if f.object.kind == ObjectKind.PERSON]
        ids_institution = [
            f.object.id for f in result.findings if f.object.kind == ObjectKind.INSTITUTION
        ]
        person_townships = {
            str(pk): code
            for pk, code in Person.objects.filter(pk__in=ids_person).values_list("id", "region__code")
        }
        institution_townships = {
            str(pk): code
            for pk, code in Institution.objects.filter(pk__in=ids_institution).values_list(
                "id", "region__code"
            )
        }
        for finding in result.findings:
            township_code = _township_code_of(finding, person_townships, institution_townships)
            rows.append(
                StoredFinding(
                    county=counties[result.county_code],
                    township_id=townships.get(township_code) if township_code else None,
                    rule=finding.rule,
                    severity=str(finding.severity),
                    object_kind=str(finding.object.kind),
                    object_id=finding.object.id,
                    object_label=finding.object.label[:255],
                    message=finding.message[:500],
                    source=finding.source[:255],
                    evaluated_at=now,
                )
            )
        everything.extend(result.findings)
    StoredFinding.objects.bulk_create(rows, batch_size=2000)
    _notify_new_blocks(
        counties=counties,
        new=[
            (r.county_code, f)
            for r in results
            for f in r.findings
            if f.severity == Severity.BLOCK
            and (r.county_code, f.rule, str(f.object.kind), f.object.id) not in previous_blocks
        ],
        evaluated_at=now,
    )
    return everything


def _notify_new_blocks(
    *, counties: Mapping[str, Region], new: Sequence[tuple[str, Finding]], evaluated_at: Any
) -> None:
    """One inbox message per county with new block findings, to its 编办管理员
    (they fix the data). One query for the officers of all those counties."""
    if not new:
        return
    by_county: dict[str, list[Finding]] = {}
    for code, finding in new:
        by_county.setdefault(code, []).append(finding)
    officers: dict[int | None, list[Any]] = {}
    for user in role_holders(region=[counties[c] for c in by_county], role=Role.OFFICER):
        officers.setdefault(user.region_id, []).append(user)
    for code, findings in by_county.items():
        county = counties[code]
        if county.pk not in officers:
            continue
        lines = [f"{f.object.label}：{f.message}" for f in findings[:10]]
        if len(findings) > 10:
            lines.append(f"……共{len(findings)}个")
        notify_users(
            users=officers[county.pk],
            kind=RULE_KIND,
            title=f"新增阻止级问题{len(findings)}个：{county.name}",
            body="\n".join(lines),
            url=reverse("policy_rules:findings") + "?" + urlencode(
                {"region": code, "severity": Severity.BLOCK.value}
            ),
            key=f"rule-block:{code}:{evaluated_at.isoformat()}",
        )


def _setting_from_form(
    *, enabled: bool | None, severity: str, parameters: Mapping[str, Any], scope: Sequence[str] | None
) -> RuleSettings:
    return RuleSettings(
        enabled=enabled,
        severity=Severity(severity) if severity else None,
        parameters=dict(parameters),
        scope=tuple(scope) if scope is not None else None,
    )


@transaction.atomic
def rule_setting_save(
    *,
    actor: User | None,
    region: Region,
    rule: str,
    enabled: bool | None = None,
    severity: str = "",
    parameters: Mapping[str, Any] | None = None,
    scope: Sequence[str] | None = None,
    reason: str = "",
) -> RuleSetting:
    """Store a region's override of one rule (province, city or county) and
    refresh the findings of the counties under it. Raises RuleSettingsError
    (Chinese problems, all of them) for an unknown rule or invalid values."""
    if rule not in RULES_BY_ID:
        raise RuleSettingsError([f"没有编号为“{rule}”的规则"])
    if region.level == Level.TOWNSHIP:
        raise RuleSettingsError(["规则设置只能在省、市、县一级保存"])
    if severity and severity not in {s.value for s in Severity}:
        raise RuleSettingsError([f"级别“{severity}”无效（应为 warning 或 block）"])
    parameters = dict(parameters or {})
    # Validate against the catalogue (ranges, integers) before saving.
    effective_rules({rule: _setting_from_form(enabled=enabled, severity=severity,
                                              parameters=parameters, scope=scope)})
    row = RuleSetting.objects.filter(region=region, rule=rule).first()
    before = field_values(row) if row else None
    if row is None:
        row = RuleSetting(region=region, rule=rule)
    row.enabled = enabled
    row.severity = severity
    row.parameters = parameters
    row.scope = list(scope) if scope is not None else None
    row.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=row,
        region_code=region.code,
        before=before,
        after=field_values(row),
        reason=reason,
    )
    findings_refresh(region=region)
    return row
