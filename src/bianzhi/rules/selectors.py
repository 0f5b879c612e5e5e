"""Reads of findings and rule settings, through a scope."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.urls import reverse

from bianzhi.accounts.scope import Scope
from bianzhi.core.rules import (
    RULES,
    ObjectKind,
    RuleDefinition,
    RuleSettings,
    RuleSettingsError,
    apply_settings,
)
from bianzhi.regions.models import Level, Region
from bianzhi.rules.models import RuleSetting, StoredFinding


def finding_list(
    *, scope: Scope, region: Region | None = None, rule: str = "", severity: str = ""
) -> QuerySet[StoredFinding]:
    """Stored findings the user may see: a township user those of their
    township; others those of the counties under their region."""
    qs = StoredFinding.objects.select_related("county", "township")
    if scope.region is not None and scope.region.level == Level.TOWNSHIP and not scope.is_superuser:
        qs = qs.filter(township__code=scope.region.code) if scope.sees_anything else qs.none()
    else:
        qs = scope.filter(qs, "county")
    if region is not None:
        if region.level == Level.TOWNSHIP:
            qs = qs.filter(township=region)
        else:
            qs = qs.filter(**{f"county__{region.level_field}": region.code})
    if rule:
        qs = qs.filter(rule=rule)
    if severity:
        qs = qs.filter(severity=severity)
    return qs.order_by("county__code", "id")


# Township findings of these rules are about people: link to the filtered roster.
_ROSTER_LINKS: Mapping[str, dict[str, str]] = {
    "over-quota": {"headcount": "1"},
    "usage-rate": {"headcount": "1"},
    "excellent-share": {"headcount": "1", "grade": "优秀"},
    "secondment-share": {"status": "seconded-out"},
    "enforcement-staff": {"enforcement": "1"},
    "leadership-posts": {"post_category": "leader", "headcount": "1"},
    "middle-posts": {"post_category": "middle", "headcount": "1"},
}


def finding_url(finding: StoredFinding) -> str:
    """Where the object at fault is shown (and can be fixed)."""
    kind = finding.object_kind
    if kind == ObjectKind.PERSON:
        return reverse("roster:detail", args=[int(finding.object_id)])
    if kind == ObjectKind.INSTITUTION:
        return reverse("institutions:detail", args=[int(finding.object_id)])
    if kind == ObjectKind.COUNTY:
        return reverse("institutions:county", args=[finding.object_id])
    extra = _ROSTER_LINKS.get(finding.rule)
    if extra is not None:
        return f"{reverse('roster:list')}?{urlencode({'region': finding.object_id, **extra})}"
    return reverse("institutions:township", args=[finding.object_id])


# The writes each rule refuses when it is at 阻止 level: the table
# "阻止级规则在哪些写入时检查" of docs/rules.md (a test keeps the two equal).
REFUSED_WRITES: dict[str, str] = {
    "ordinary-admin-floor": "修改核定编制（乡镇页面、API）；批准测算方案（县、市方案）；修改乡镇类别（如把核定行政编制10名的乡镇改为一般乡镇）；修改县的类别方案",
    "no-total-decrease": "修改核定编制（如不在同一文号下先减少一个乡镇的编制）；批准测算方案（如把全县事业编制由213名减为209名、且不留机动编制的方案）；机动编制调剂",
    "control-number": "修改核定编制；批准测算方案；机动编制调剂（登记控制数本身不拒绝）",
    "over-quota": "修改核定编制；批准测算方案；实名制写入（入编另有写入前检查 `check_entry`）",
    "secondment-share": "修改核定编制；批准测算方案；借调、人员修改",
    "service-period": "借调、人员修改",
    "secondment-understaffed": "借调（写入前检查）；使之新出现的实名制写入",
    "institution-limits": "设立机构（含全县统一设置八个机构、机构导入）；派驻机构划转属地管理；修改乡镇类别；修改县的类别方案",
    "leadership-posts": "机构台账调整（增减、按目标数设置、机构导入）；撤销机构；入编、调动、人员修改",
    "middle-posts": "机构台账调整（中层职数的增减、按目标数设置、机构导入）；撤销机构；入编、调动、人员修改（岗位类别改为中层）",
    "excellent-share": "实名制写入（入编、调动、人员修改等）",
}
# Writes that run through the guard for every rule a region sets to 阻止.
ALL_GUARDED_WRITES = "修改核定编制；批准测算方案；实名制写入；机构设立、台账调整和撤销；修改乡镇类别和县的类别方案"
_PARAM_NAME = re.compile(r"\*_as 参数|\b([a-z][a-z0-9]*(?:_[a-z0-9]+)*)(=\d+)?")


@dataclass(frozen=True)
class RuleRow:
    """One rule as a region sees it: defaults, what the region (and the
    levels above) changed, and the values in force."""

    definition: RuleDefinition
    effective: RuleDefinition | None  # None: disabled
    own: RuleSetting | None
    problem: str = ""

    @property
    def description(self) -> str:
        """The rule's description with parameter names as their Chinese labels
        ("per_township=1 时" -> "“逐个乡镇比较（1=是，0=只比较总量）”取1 时")."""
        specs = self.definition.parameter_specs

        def label(m: re.Match[str]) -> str:
            if m.group(0) == "*_as 参数":
                return "各类别的折算参数"
            name, value = m.group(1), m.group(2)
            if name not in specs:
                return m.group(0)
            return f"“{specs[name].label}”" + (f"取{value[1:]}" if value else "")

        return _PARAM_NAME.sub(label, self.definition.description)

    @property
    def refused_writes(self) -> str:
        """What a write this rule refuses looks like, when it is at 阻止 level."""
        if self.effective is None or self.effective.severity != "block":
            return ""
        text = REFUSED_WRITES.get(self.definition.id, ALL_GUARDED_WRITES)
        return re.sub(r"\s*`[^`]+`", "", text)  # function names are for docs/rules.md

    @property
    def parameters_in_force(self) -> list[tuple[str, object]]:
        """(Chinese label, value) of each parameter in force, for display."""
        if self.effective is None:
            return []
        specs = self.definition.parameter_specs
        return [
            (specs[name].label if name in specs else name, value)
            for name, value in self.effective.parameters.items()
        ]


def rule_rows(*, region: Region) -> list[RuleRow]:
    codes = [c for c in (region.province_code, region.city_code, region.county_code) if c]
    if region.level == Level.TOWNSHIP:
        codes = codes[:3]
    own_rows = {r.rule: r for r in RuleSetting.objects.filter(region=region)}
    from bianzhi.core.rules import layer_settings
    from bianzhi.rules.facts import _setting

    layers: list[dict[str, RuleSettings]] = []
    by_region: dict[str, dict[str, RuleSettings]] = {}
    for row in RuleSetting.objects.filter(region__code__in=codes).select_related("region"):
        by_region.setdefault(row.region.code, {})[row.rule] = _setting(row)
    layers = [by_region.get(c, {}) for c in codes]
    combined = layer_settings(*layers)
    rows = []
    for definition in RULES:
        override = combined.get(definition.id)
        problem = ""
        effective: RuleDefinition | None
        if override is not None and override.enabled is False:
            effective = None
        else:
            try:
                effective = apply_settings(definition, override)
            except RuleSettingsError as error:
                effective, problem = definition, str(error)
        rows.append(RuleRow(definition, effective, own_rows.get(definition.id), problem))
    return rows


@dataclass(frozen=True)
class ClassLimitRow:
    """One class of the county's scheme as ``institution-limits`` counts it."""

    township_class: str
    as_class: str
    max_offices: int
    max_public_institutions: int


def class_limit_rows(*, county: Region, rows: list[RuleRow]) -> list[ClassLimitRow]:
    """The county's class scheme mapped onto the limits table of 002 §1, as
    the county's settings in force make it (empty when the rule is off)."""
    from bianzhi.core.rules import CLASSES_002, class_002_of
    from bianzhi.townships.models import SCHEME_CLASSES, ClassScheme, CountySettings

    rule = next((r.effective for r in rows if r.definition.id == "institution-limits"), None)
    if rule is None or county.level != Level.COUNTY:
        return []
    scheme = (
        CountySettings.objects.filter(county=county).values_list("class_scheme", flat=True).first()
        or ClassScheme.FIVE_CLASSES
    )
    result = []
    for township_class in SCHEME_CLASSES[scheme]:
        as_class = class_002_of(township_class, rule)
        if as_class is None:
            continue
        n = CLASSES_002.index(as_class) + 1
        result.append(ClassLimitRow(
            township_class, as_class,
            rule.int_param(f"class{n}_max_offices"), rule.int_param(f"class{n}_max_public_institutions"),
        ))
    return result


def finding_rule_counts(*, scope: Scope, region: Region | None = None) -> dict[tuple[str, str], int]:
    """Stored findings the user may see under ``region``, counted per
    (rule, severity): one GROUP BY. Without the list's order (county, id):
    Django would group by those columns too, one group per finding, and
    every count would be 1."""
    rows = (
        finding_list(scope=scope, region=region).order_by().values("rule", "severity").annotate(n=Count("id"))
        .values_list("rule", "severity", "n")
    )
    return {(rule, severity): n for rule, severity, n in rows}


def finding_severity_counts(*, scope: Scope) -> dict[str, int]:
    """Open (stored) findings the user may see, counted per severity: one GROUP BY."""
    rows = (
        finding_list(scope=scope).order_by().values("severity").annotate(n=Count("id"))
        .values_list("severity", "n")
    )
    return {severity: n for severity, n in rows}
