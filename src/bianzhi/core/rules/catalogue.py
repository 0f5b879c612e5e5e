"""The rule catalogue: every numeric policy rule as data, and how a region's
settings override it.

A `RuleDefinition` carries the defaults (parameters, severity, scope) and the
policy source. A region stores `RuleSettings` per rule id; `effective_rules`
merges them into the definitions the engine runs. The same data drives the
web catalogue, validation of a region's overrides and docs/rules.md (a test
checks the document lists every rule and parameter).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from bianzhi.core.rules.model import CENTRAL, COUNTY_SEAT, FEATURED, KEY, ORDINARY, Severity

Number = float | int

# The largest value any parameter may take, bounded or not: a count beyond
# PostgreSQL's integer is a typing error, and the engine's numpy comparisons
# (int64) overflow on a bigger whole number.
PARAMETER_LIMIT = 2**31 - 1

# Policy files (shared/policy). Sections are cited the way each file numbers
# them; 004 holds 28 plans, so its citations name the plan first.
P000 = "000_a14086b89449fcd2.txt"
P001 = "001_d6ec4a3fabdfb8f1.txt"
P002 = "002_3a9e3071a16f65c8.txt"
P003 = "003_9e6110b5b282007e.txt"
P004 = "004_650ebb92df68bbb8.txt"
_P004_PLAN = f"{P004}《优化机构编制资源配置工作方案》"


@dataclass(frozen=True)
class ParameterSpec:
    """What values a parameter takes: a Chinese label for forms and docs,
    bounds (inclusive) and whether it must be a whole number. Flags are
    whole numbers from 0 to 1."""

    label: str
    minimum: Number = 0
    maximum: Number | None = None
    integer: bool = False

    def describe_range(self) -> str:
        kind = "整数" if self.integer else "数"
        if self.integer and self.minimum == 0 and self.maximum == 1:
            return "0 或 1"
        if self.maximum is None:
            return f"不小于{format_number(self.minimum)}的{kind}"
        return f"{format_number(self.minimum)}～{format_number(self.maximum)}的{kind}"


@dataclass(frozen=True)
class RuleDefinition:
    """One rule. `scope` lists the township classes it applies to; empty means
    every township. `parameters` holds the values in force: the defaults in
    `RULES`, the merged values in what `effective_rules` returns."""

    id: str
    title: str
    description: str
    source: str
    scope: tuple[str, ...]
    parameters: Mapping[str, Number]
    severity: Severity
    parameter_specs: Mapping[str, ParameterSpec] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        object.__setattr__(self, "parameter_specs", MappingProxyType(dict(self.parameter_specs)))

    def applies_to(self, township_class: str) -> bool:
        return not self.scope or township_class in self.scope

    def param(self, name: str) -> Number:
        return self.parameters[name]

    def int_param(self, name: str) -> int:
        return int(self.parameters[name])


@dataclass(frozen=True)
class RuleSettings:
    """A region's override of one rule. None / empty means "keep the default"
    (so a layer that only changes a parameter neither enables nor disables).
    `enabled=False` switches the rule off; `scope=()` widens it to every
    township."""

    enabled: bool | None = None
    severity: Severity | None = None
    parameters: Mapping[str, Number] = field(default_factory=dict)
    scope: tuple[str, ...] | None = None


class RuleSettingsError(ValueError):
    """Settings that cannot be applied. `problems` holds one Chinese message
    per problem found (all of them, not only the first)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("；".join(self.problems))


def _flag(label: str) -> ParameterSpec:
    return ParameterSpec(label, 0, 1, integer=True)


def _count(label: str, maximum: int | None = None) -> ParameterSpec:
    return ParameterSpec(label, 0, maximum, integer=True)


def _percent(label: str) -> ParameterSpec:
    return ParameterSpec(label, 0, 100)


def _class_002(label: str) -> ParameterSpec:
    return ParameterSpec(label, 1, 3, integer=True)


# How the five classes of 001 count under the institution limits of 002,
# which only knows 一类/二类/三类. Default: county-seat and central towns are
# class 1, key and featured towns class 2, ordinary townships class 3. This
# follows the priority order of 001 §(三)1 and §(三)4 (county-seat, central
# and key towns first; ordinary townships are held to the floor).
CLASS_MAPPING_PARAMETERS: Mapping[str, str] = MappingProxyType(
    {
        COUNTY_SEAT: "county_seat_as",
        CENTRAL: "central_as",
        KEY: "key_as",
        FEATURED: "featured_as",
        ORDINARY: "ordinary_as",
    }
)

RULES: tuple[RuleDefinition, ...] = (
    RuleDefinition(
        id="ordinary-admin-floor",
        title="一般乡镇行政编制下限",
        description="一般乡镇核定的行政编制不少于下限（默认15名）。",
        source=f"{P001} §(三)1",
        scope=(ORDINARY,),
        parameters={"min_admin_quota": 15},
        parameter_specs={"min_admin_quota": _count("行政编制下限（名）")},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="no-total-decrease",
        title="编制总量“两个不减少”",
        description=(
            "全县乡镇行政编制总量、事业编制总量（各乡镇核定编制加县机动编制）均不少于上次核定的总量。"
            "乡镇之间、乡镇与机动编制之间可以统筹调配，所以默认只看全县总量；"
            "per_township=1 时改为逐个乡镇比较。"
        ),
        source=f"{P001} §(三)1",
        scope=(),
        parameters={"per_township": 0},
        parameter_specs={"per_township": _flag("逐个乡镇比较（1=是，0=只比较总量）")},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="control-number",
        title="不突破控制数",
        description=(
            "全县乡镇每类编制的核定总量（各乡镇核定编制加县机动编制）不超过上级下达的控制数；"
            "没有登记控制数的编制类型不检查。"
        ),
        source=f"{P001} §(三)1（乡镇编制实行总量控制）",
        scope=(),
        parameters={},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="over-quota",
        title="不得超编",
        description="乡镇每类编制的在编人员不超过核定编制；入编前据此检查是否有空编。",
        source=f"{P001} §(三)1（总量控制）；{P002} §9（按编制员额补充人员）",
        scope=(),
        parameters={},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="usage-rate",
        title="编制使用率",
        description="乡镇行政、事业编制在编人员合计占核定编制合计的比例不低于目标（默认95%）。",
        source=f"{P001} §(三)3",
        scope=(),
        parameters={"min_percent": 95},
        parameter_specs={"min_percent": _percent("使用率目标（%）")},
        severity=Severity.WARNING,
    ),
    RuleDefinition(
        id="secondment-share",
        title="借出人员比例",
        description="乡镇借出（借调出）人员不超过其编制总数的一定比例（默认5%）。",
        source=f"{P001} §(三)3",
        scope=(),
        parameters={"max_percent": 5},
        parameter_specs={"max_percent": _percent("借出人员比例上限（%）")},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="secondment-understaffed",
        title="不得从人员紧张的乡镇借调",
        description=(
            "行政、事业编制使用率低于目标（默认95%，与编制使用率规则相同）的乡镇属人员紧张，"
            "不得借调出人员：借调时拒绝；已有借调出人员的乡镇使用率低于目标时报告。"
        ),
        source=f"{P000} §二.3；{P002} §9",
        scope=(),
        parameters={"min_percent": 95},
        parameter_specs={"min_percent": _percent("人员紧张的使用率界限（%）")},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="service-period",
        title="服务期内不得借调",
        description=(
            "乡镇新进人员须在乡镇服务满规定年限（默认3年），服务期内不得借调。"
            "years 用于入编时计算服务期届满日期。"
        ),
        source=f"{P003} §一(五)一是",
        scope=(),
        parameters={"years": 3},
        parameter_specs={"years": _count("服务期（年）", 10)},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="enforcement-staff",
        title="综合行政执法人员",
        description=(
            "每个乡镇从事综合行政执法工作的人员不少于下限（默认2人），计在岗和借入人员；"
            "certified_only=1 时只计执法证在有效期内的人员。"
        ),
        source=f"{P000} §二.4；{_P004_PLAN}§二(五)",
        scope=(),
        parameters={"min_staff": 2, "certified_only": 0},
        parameter_specs={
            "min_staff": _count("执法人员下限（人）"),
            "certified_only": _flag("只计持有效执法证的人员（1=是，0=否）"),
        },
        severity=Severity.WARNING,
    ),
    RuleDefinition(
        id="enforcement-leader-certified",
        title="分管执法的领导率先取证",
        description="乡镇分管执法的领导持有在有效期内的执法证。",
        source=f"{_P004_PLAN}§二(五)",
        scope=(),
        parameters={},
        severity=Severity.WARNING,
    ),
    RuleDefinition(
        id="office-admin-min",
        title="党政综合办事机构行政编制",
        description="每个党政综合办事机构核定的行政编制不少于下限（默认2名）。",
        source=f"{_P004_PLAN}§二(六)",
        scope=(),
        parameters={"min_admin_quota": 2},
        parameter_specs={"min_admin_quota": _count("每个机构行政编制下限（名）")},
        severity=Severity.WARNING,
    ),
    RuleDefinition(
        id="institution-limits",
        title="机构限额",
        description=(
            "党政综合办事机构、直属事业单位的个数不超过乡镇类别的限额（派驻机构不计）。"
            "一类/二类/三类乡镇直接适用；按五类划分的乡镇先按 *_as 参数折算为一、二、三类。"
        ),
        source=f"{P002} §1",
        scope=(),
        parameters={
            "class1_max_offices": 5,
            "class1_max_public_institutions": 6,
            "class2_max_offices": 5,
            "class2_max_public_institutions": 5,
            "class3_max_offices": 4,
            "class3_max_public_institutions": 5,
            "county_seat_as": 1,
            "central_as": 1,
            "key_as": 2,
            "featured_as": 2,
            "ordinary_as": 3,
        },
        parameter_specs={
            "class1_max_offices": _count("一类乡镇党政综合办事机构限额（个）"),
            "class1_max_public_institutions": _count("一类乡镇直属事业单位限额（个）"),
            "class2_max_offices": _count("二类乡镇党政综合办事机构限额（个）"),
            "class2_max_public_institutions": _count("二类乡镇直属事业单位限额（个）"),
            "class3_max_offices": _count("三类乡镇党政综合办事机构限额（个）"),
            "class3_max_public_institutions": _count("三类乡镇直属事业单位限额（个）"),
            "county_seat_as": _class_002("县政府驻地镇按几类乡镇计（1～3）"),
            "central_as": _class_002("中心镇按几类乡镇计（1～3）"),
            "key_as": _class_002("重点镇按几类乡镇计（1～3）"),
            "featured_as": _class_002("特色镇按几类乡镇计（1～3）"),
            "ordinary_as": _class_002("一般乡镇按几类乡镇计（1～3）"),
        },
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="leadership-posts",
        title="领导职数",
        description=(
            "乡镇已配备的领导职数不超过核定职数。pooled=1 表示全县统筹调配，"
            "只比较全县合计，单个乡镇可以超过本乡镇核定数。"
        ),
        # 002 §1 "乡镇领导职数原则上不突破现有总量" compares with the total
        # before the reform, which nothing stores: not cited, not checked.
        source=f"{P000} §二.3；{P001} §(三)4",
        scope=(),
        parameters={"pooled": 0},
        parameter_specs={"pooled": _flag("全县统筹调配，只比较合计（1=是，0=逐个乡镇）")},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="middle-posts",
        title="中层职数",
        description=(
            "乡镇已配备的中层干部不超过县核定的本乡镇中层职数总量（行政事业合计，"
            "乡镇在机构之间自主分配，所以逐个乡镇比较合计，不逐个机构比较）。"
            "pooled=1 表示全县统筹调配，只比较全县合计。"
        ),
        source=f"{P003} §一(四)三是",
        scope=(),
        parameters={"pooled": 0},
        parameter_specs={"pooled": _flag("全县统筹调配，只比较合计（1=是，0=逐个乡镇）")},
        severity=Severity.BLOCK,
    ),
    RuleDefinition(
        id="excellent-share",
        title="年度考核优秀比例",
        description="乡镇年度考核“优秀”等次人数不超过在编人员的一定比例（默认20%）。",
        source=f"{P002} §11",
        scope=(),
        parameters={"max_percent": 20},
        parameter_specs={"max_percent": _percent("优秀比例上限（%）")},
        severity=Severity.BLOCK,
    ),
)

RULES_BY_ID: Mapping[str, RuleDefinition] = MappingProxyType({r.id: r for r in RULES})


def apply_settings(definition: RuleDefinition, settings: RuleSettings | None) -> RuleDefinition:
    """The definition with a region's overrides applied (parameters merged key
    by key). Raises RuleSettingsError listing every invalid override."""
    if settings is None:
        return definition
    problems: list[str] = []
    parameters = dict(definition.parameters)
    for name, value in settings.parameters.items():
        spec = definition.parameter_specs.get(name)
        if spec is None:
            problems.append(f"规则“{definition.title}”没有参数“{name}”")
            continue
        checked = _check_value(definition, name, spec, value)
        if isinstance(checked, str):
            problems.append(checked)
        else:
            parameters[name] = checked
    severity = definition.severity
    if settings.severity is not None:
        try:
            severity = Severity(settings.severity)
        except ValueError:
            problems.append(
                f"规则“{definition.title}”的级别“{settings.severity}”无效（应为 warning 或 block）"
            )
    if problems:
        raise RuleSettingsError(problems)
    scope = definition.scope if settings.scope is None else tuple(settings.scope)
    return replace(definition, parameters=parameters, severity=severity, scope=scope)


def effective_rules(
    settings: Mapping[str, RuleSettings] | None = None,
) -> tuple[RuleDefinition, ...]:
    """The enabled rules, in catalogue order, with `settings` (rule id ->
    overrides) applied. Raises RuleSettingsError for unknown rule ids and
    invalid overrides, listing all of them."""
    settings = settings or {}
    problems = [
        f"没有编号为“{rule_id}”的规则" for rule_id in settings if rule_id not in RULES_BY_ID
    ]
    rules: list[RuleDefinition] = []
    for definition in RULES:
        override = settings.get(definition.id)
        if override is not None and override.enabled is False:
            continue
        try:
            rules.append(apply_settings(definition, override))
        except RuleSettingsError as error:
            problems.extend(error.problems)
    if problems:
        raise RuleSettingsError(problems)
    return tuple(rules)


def layer_settings(*layers: Mapping[str, RuleSettings]) -> dict[str, RuleSettings]:
    """Combine settings from several levels (province, city, county …): a later
    layer wins field by field where it says something (not None), parameters
    key by key. A county can thus re-enable a rule its province disabled."""
    combined: dict[str, RuleSettings] = {}
    for layer in layers:
        for rule_id, top in layer.items():
            below = combined.get(rule_id)
            if below is None:
                combined[rule_id] = top
                continue
            combined[rule_id] = RuleSettings(
                enabled=top.enabled if top.enabled is not None else below.enabled,
                severity=top.severity if top.severity is not None else below.severity,
                parameters={**below.parameters, **top.parameters},
                scope=top.scope if top.scope is not None else below.scope,
            )
    return combined


def _check_value(
    definition: RuleDefinition, name: str, spec: ParameterSpec, value: object
) -> Number | str:
    """The value as stored (whole numbers as int), or a Chinese problem text."""
    where = f"规则“{definition.title}”的参数“{name}”（{spec.label}）"
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int | float) or not math.isfinite(value):
        return f"{where}必须是数字，实为“{value}”"
    if spec.integer:
        if value != int(value):
            return f"{where}必须是整数，实为{format_number(value)}"
        value = int(value)
    if value < spec.minimum or (spec.maximum is not None and value > spec.maximum):
        return f"{where}必须是{spec.describe_range()}，实为{format_number(value)}"
    if value > PARAMETER_LIMIT:
        return f"{where}过大（不能超过{PARAMETER_LIMIT}），实为{format_number(value)}"
    return value


def format_number(value: Number) -> str:
    """15 -> "15", 12.5 -> "12.5", 95.0 -> "95"."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:g}"
