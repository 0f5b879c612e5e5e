"""Write-time checks: what a roster change would break, asked before the write.

Services call these inside the transaction that makes the change, refuse the
write when a returned finding has severity BLOCK, and record the warnings.
They read only the township concerned, so they cost one pass over the
snapshot's persons at most.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bianzhi.core.rules.catalogue import (
    P001,
    RULES_BY_ID,
    RuleDefinition,
    RuleSettings,
    apply_settings,
)
from bianzhi.core.rules.engine import (
    exceeds_percent,
    in_service_period,
    over_quota_message,
    person_ref,
    secondment_share_message,
    service_period_message,
    township_ref,
    understaffed_message,
)
from bianzhi.core.rules.model import (
    ADMIN_QUOTA,
    CENTRAL,
    COUNTY_SEAT,
    FEATURED,
    INSTITUTION_QUOTA,
    KEY,
    ORDINARY,
    CountyFacts,
    CountyFactsError,
    Finding,
    PersonState,
    PersonStatus,
    TownshipState,
)


def rule_in_force(
    rule_id: str, settings: Mapping[str, RuleSettings] | None
) -> RuleDefinition | None:
    """The rule with the region's overrides, or None when the region disabled
    it. Raises RuleSettingsError for invalid overrides."""
    override = (settings or {}).get(rule_id)
    if override is not None and override.enabled is False:
        return None
    return apply_settings(RULES_BY_ID[rule_id], override)


def service_period_end(entry_date: date, years: int = 3) -> date:
    """The day the service period of a person entering on `entry_date` ends,
    i.e. the first day on which the person may be seconded: the same
    calendar day `years` later (29 February -> 1 March in a common year,
    so the period is never shorter than `years` full years). Take `years`
    from the region's "service-period" rule (parameter "years")."""
    year = entry_date.year + years
    if entry_date.month == 2 and entry_date.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return entry_date.replace(year=year)


def check_entry(
    snapshot: CountyFacts,
    township_code: str,
    quota_type: str,
    settings: Mapping[str, RuleSettings] | None = None,
) -> list[Finding]:
    """Findings that one more person entering `quota_type` in the township
    (入编) would leave: over-quota when the township has no vacancy of that
    type. An empty list means the entry fills a vacancy.

    Raises CountyFactsError when the township is not in the snapshot.
    """
    township = _township(snapshot, township_code)
    rule = rule_in_force("over-quota", settings)
    if rule is None or not rule.applies_to(township.township_class):
        return []
    headcount = sum(
        1
        for person in snapshot.persons
        if person.quota_type == quota_type and person.holds_quota_of(township_code)
    )
    approved = township.approved(quota_type)
    after = headcount + 1
    if after <= approved:
        return []
    message = over_quota_message(quota_type, after, approved, prefix="入编后")
    return [Finding(rule.id, rule.severity, township_ref(township), message, rule.source)]


def check_secondment(
    person: PersonState,
    start_date: date,
    *,
    snapshot: CountyFacts | None = None,
    settings: Mapping[str, RuleSettings] | None = None,
) -> list[Finding]:
    """Findings that seconding `person` out from `start_date` (借调) would
    leave: service-period when the secondment starts inside the person's
    service period; with `snapshot`, also secondment-share when the
    township's seconded-out persons would exceed the allowed share. The
    township's class (for rule scope) is known only with `snapshot`; without
    it the service-period rule is applied whatever its scope.

    Raises CountyFactsError when `snapshot` lacks the person's township.
    """
    township = _township(snapshot, person.township_code) if snapshot else None
    findings: list[Finding] = []

    rule = rule_in_force("service-period", settings)
    if (
        rule is not None
        and (township is None or rule.applies_to(township.township_class))
        and in_service_period(person, start_date, start_date)
    ):
        message = service_period_message(person, start_date, rule.int_param("years"))
        findings.append(Finding(rule.id, rule.severity, person_ref(person), message, rule.source))

    if snapshot is not None and township is not None:
        findings += _understaffed(snapshot, township, person, settings)
    share = rule_in_force("secondment-share", settings)
    if snapshot is None or township is None or share is None:
        return findings
    if not share.applies_to(township.township_class):
        return findings
    seconded = sum(
        1
        for other in snapshot.persons
        if other.township_code == township.code
        and other.status == PersonStatus.SECONDED_OUT
        and other.id != person.id
    )
    after = seconded + 1
    total = sum(township.approved_quotas.values())
    percent = share.param("max_percent")
    if exceeds_percent(after, total, percent):
        message = secondment_share_message(after, total, percent)
        findings.append(
            Finding(share.id, share.severity, township_ref(township), message, share.source)
        )
    return findings


def _understaffed(
    snapshot: CountyFacts, township: TownshipState, person: PersonState, settings: Mapping[str, RuleSettings] | None
) -> list[Finding]:
    """secondment-understaffed: the township's usage rate (the person still
    counts: a secondee keeps the quota) below the line (000 §二.3)."""
    rule = rule_in_force("secondment-understaffed", settings)
    if rule is None or not rule.applies_to(township.township_class):
        return []
    types = (ADMIN_QUOTA, INSTITUTION_QUOTA)
    headcount = sum(1 for p in snapshot.persons if p.quota_type in types and p.holds_quota_of(township.code))
    approved = township.approved(ADMIN_QUOTA) + township.approved(INSTITUTION_QUOTA)
    percent = rule.param("min_percent")
    if approved == 0 or headcount * 100 >= approved * percent:
        return []
    seconded = sum(
        1 for p in snapshot.persons
        if p.township_code == township.code and p.status == PersonStatus.SECONDED_OUT and p.id != person.id
    )
    message = "借调后" + understaffed_message(headcount, approved, percent, seconded + 1)
    return [Finding(rule.id, rule.severity, township_ref(township), message, rule.source)]


def _township(snapshot: CountyFacts, code: str) -> TownshipState:
    for township in snapshot.townships:
        if township.code == code:
            return township
    raise CountyFactsError(f"乡镇代码{code}不在本次数据中")


# --- key towns in a plan (001 §(三)1 重点保障) ---------------------------------

KEY_TOWN_CLASSES: tuple[str, ...] = (COUNTY_SEAT, CENTRAL, KEY, FEATURED)
KEY_TOWNS_SOURCE = f"{P001} §(三)1"


@dataclass(frozen=True)
class PlannedTownship:
    """One township of a computed plan: class, score and allocation."""

    name: str
    township_class: str
    score: float
    allocation: int


def key_town_warnings(
    townships: Sequence[PlannedTownship], *, quota_type: str, ordinary_floor: int | None
) -> list[str]:
    """001 §(三)1: "在确保一般乡镇行政编制不低于15名的前提下，重点保障县政府驻地镇、
    中心镇、重点镇、特色镇编制配备". For one county's plan of one quota type, a
    warning (Chinese, with the source) for each key town (驻地镇、中心镇、重点镇、
    特色镇) given fewer 编制 per unit of score than the county's ordinary
    townships together (their allocations over their scores), or fewer than
    the ordinary floor. Townships of the 002 scheme have no key towns."""
    ordinary = [t for t in townships if t.township_class == ORDINARY]
    ordinary_score = sum(t.score for t in ordinary)
    ordinary_rate = sum(t.allocation for t in ordinary) / ordinary_score if ordinary_score > 0 else None
    warnings: list[str] = []
    for t in townships:
        if t.township_class not in KEY_TOWN_CLASSES:
            continue
        if ordinary_rate is not None and t.score > 0 and t.allocation / t.score < ordinary_rate:
            warnings.append(
                f"{quota_type}：{t.name}（{t.township_class}）每单位得分{t.allocation / t.score:.2f}名，"
                f"低于一般乡镇的{ordinary_rate:.2f}名，未体现重点保障（{KEY_TOWNS_SOURCE}）"
            )
        if ordinary_floor is not None and t.allocation < ordinary_floor:
            warnings.append(
                f"{quota_type}：{t.name}（{t.township_class}）测算{t.allocation}名，"
                f"少于一般乡镇下限{ordinary_floor}名（{KEY_TOWNS_SOURCE}）"
            )
    return warnings
