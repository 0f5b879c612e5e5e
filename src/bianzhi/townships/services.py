"""Writes for townships: class scheme, classes, indicators, approved quotas.

Every function is atomic and audited. Permission checks are the caller's
(views call ``scope.require_edit``); these functions enforce the data rules.
Approved quotas change only here, and every change leaves a ledger entry
(台账) citing its 文号.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from bianzhi.adapters import xlsx_indicators
from bianzhi.adapters.problems import InputProblem
from bianzhi.audit.services import AuditEntry, audit_record, audit_record_many, object_type_of
from bianzhi.core.rules import Finding
from bianzhi.kernel.errors import ServiceError, require_document_number
from bianzhi.kernel.hooks import RuleRefusal, rule_guard
from bianzhi.regions.models import Level, Region
from bianzhi.townships.models import (
    MAIN_INDICATOR_UNITS,
    SCHEME_CLASSES,
    ApprovedQuota,
    ControlNumber,
    CountyReserve,
    CountySettings,
    IndicatorDefinition,
    IndicatorValue,
    QuotaLedgerEntry,
    QuotaType,
    Township,
)

if TYPE_CHECKING:
    from bianzhi.accounts.models import User
    from bianzhi.allocation.models import AllocationPlan

MANUAL_SOURCE = "手工录入"
IMPORT_SOURCE = "Excel 导入"


def _require_level(region: Region, level: str, what: str) -> None:
    if region.level != level:
        raise ServiceError(f"{region.name}（{region.code}）不是{what}")


def _classes_of(county: Region) -> tuple[str, ...]:
    settings = CountySettings.objects.filter(county=county).first()
    return settings.classes if settings else SCHEME_CLASSES["001"]


@transaction.atomic
def county_settings_set(*, county: Region, class_scheme: str, actor: User | None = None) -> CountySettings:
    """Choose the county's class scheme. Townships whose class is not in the
    new scheme fall back to its default class (their assignment is removed,
    each removal audited)."""
    _require_level(county, Level.COUNTY, "县")
    if class_scheme not in SCHEME_CLASSES:
        raise ServiceError(f"未知的乡镇类别方案“{class_scheme}”")
    existing = CountySettings.objects.filter(county=county).first()
    if existing is not None and existing.class_scheme == class_scheme:
        return existing
    # A new scheme sends townships whose class it lacks back to its default
    # class, which can put them under a floor or limit they break (001 §(三)1,
    # 002 §1): refused like any other write that creates a block finding.
    with rule_guard().write(county_codes=[county.code], refusal=QuotaRuleViolation):
        return _county_scheme_write(county=county, class_scheme=class_scheme, actor=actor)


def _county_scheme_write(*, county: Region, class_scheme: str, actor: User | None) -> CountySettings:
    settings, created = CountySettings.objects.get_or_create(
        county=county, defaults={"class_scheme": class_scheme}
    )
    before = None if created else settings.class_scheme
    settings.class_scheme = class_scheme
    settings.save()
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=settings,
        region_code=county.code,
        before=None if before is None else {"乡镇类别方案": before},
        after={"乡镇类别方案": class_scheme},
    )
    stale = list(
        Township.objects.filter(region__county_code=county.code)
        .exclude(township_class__in=SCHEME_CLASSES[class_scheme])
        .select_related("region")
    )
    if stale:
        audit_record_many(
            actor=actor,
            action="delete",
            entries=[
                AuditEntry(
                    object_type=object_type_of(Township),
                    object_id=str(t.pk),
                    object_label=str(t),
                    region_code=t.region.code,
                    before={"乡镇类别": t.township_class},
                )
                for t in stale
            ],
            reason="乡镇类别方案变更，原类别失效",
        )
        Township.objects.filter(pk__in=[t.pk for t in stale]).delete()
    return settings


@transaction.atomic
def township_class_set(*, township: Region, township_class: str, actor: User | None = None) -> Township:
    _require_level(township, Level.TOWNSHIP, "乡镇（街道）")
    county = Region.objects.get(code=township.county_code)
    return township_classes_set(county=county, classes={township: township_class}, actor=actor)[0]


@transaction.atomic
def township_classes_set(
    *, county: Region, classes: Mapping[Region, str], actor: User | None = None
) -> list[Township]:
    """Set the class of several townships of one county as one write.

    The rule guard evaluates the county once for the whole change, so classes
    that are only consistent together (the demo, a county re-classifying all
    its townships) are judged together, and the cost is one evaluation, not
    one per township. Returns the profiles in the order given.
    """
    _require_level(county, Level.COUNTY, "县")
    allowed = _classes_of(county)
    for township, township_class in classes.items():
        _require_level(township, Level.TOWNSHIP, "乡镇（街道）")
        if township.county_code != county.code:
            raise ServiceError(f"{township.name}（{township.code}）不属于{county.name}")
        if township_class not in allowed:
            raise ServiceError(f"乡镇类别“{township_class}”不在本县类别方案中（{'、'.join(allowed)}）")
    profiles = {p.region_id: p for p in Township.objects.filter(region__in=list(classes))}
    changed = [(t, c) for t, c in classes.items() if getattr(profiles.get(t.pk), "township_class", None) != c]
    if changed:
        # The class decides which floors and institution limits apply: a class
        # that puts a township under a block rule it breaks is refused.
        with rule_guard().write(county_codes=[county.code], refusal=QuotaRuleViolation):
            for township, township_class in changed:
                profile = profiles.get(township.pk)
                before = None if profile is None else {"乡镇类别": profile.township_class}
                if profile is None:
                    profile = Township.objects.create(region=township, township_class=township_class)
                    profiles[township.pk] = profile
                else:
                    profile.township_class = township_class
                    profile.save()
                audit_record(
                    actor=actor,
                    action="update" if before else "create",
                    obj=profile,
                    region_code=township.code,
                    before=before,
                    after={"乡镇类别": township_class},
                )
    return [profiles[t.pk] for t in classes]
    before = None if profile is None else {"乡镇类别": profile.township_class}
    # The class decides which floors and institution limits apply: a class
    # that puts the township under a block rule it breaks is refused.
    with rule_guard().write(county_codes=[township.county_code], refusal=QuotaRuleViolation):
        if profile is None:
            profile = Township.objects.create(region=township, township_class=township_class)
        else:
            profile.township_class = township_class
            profile.save()
        audit_record(
            actor=actor,
            action="update" if before else "create",
            obj=profile,
            region_code=township.code,
            before=before,
            after={"乡镇类别": township_class},
        )
    return profile


@transaction.atomic
def indicator_definition_create(
    *, county: Region, name: str, unit: str = "", actor: User | None = None
) -> IndicatorDefinition:
    """Add an X indicator to the county."""
    _require_level(county, Level.COUNTY, "县")
    name = xlsx_indicators.header_name(name)
    if not name:
        raise ServiceError("指标名称不能为空")
    if name in MAIN_INDICATOR_UNITS or name in (xlsx_indicators.CODE, xlsx_indicators.NAME, xlsx_indicators.CLASS):
        raise ServiceError(f"“{name}”是保留名称，不能作为自定义指标")
    if IndicatorDefinition.objects.filter(county=county, name=name).exists():
        raise ServiceError(f"本县已有指标“{name}”")
    definition = IndicatorDefinition.objects.create(county=county, name=name, unit=unit.strip())
    audit_record(
        actor=actor,
        action="create",
        obj=definition,
        region_code=county.code,
        after={"指标": name, "单位": definition.unit},
    )
    return definition


@transaction.atomic
def indicator_definition_delete(*, definition: IndicatorDefinition, actor: User | None = None) -> None:
    """Remove an X indicator; refused while any township has a value for it."""
    if IndicatorValue.objects.filter(
        township__county_code=definition.county.code, indicator=definition.name
    ).exists():
        raise ServiceError(f"指标“{definition.name}”已有数值，不能删除")
    audit_record(
        actor=actor,
        action="delete",
        obj=definition,
        region_code=definition.county.code,
        before={"指标": definition.name, "单位": definition.unit},
    )
    definition.delete()


def _known_indicators(county: Region) -> list[str]:
    return list(MAIN_INDICATOR_UNITS) + list(
        IndicatorDefinition.objects.filter(county=county).values_list("name", flat=True)
    )


def _value_snapshot(v: IndicatorValue) -> dict[str, Any]:
    return {"年度": v.year, "指标": v.indicator, "数值": str(v.value), "来源": v.source}


def _apply_values(
    *,
    township: Region,
    year: int,
    values: Mapping[str, Decimal | None],
    source: str,
) -> list[AuditEntry]:
    """Write one township's values for a year; blank (None) leaves a value as it is.
    Returns one audit entry per value created or changed."""
    existing = {
        v.indicator: v for v in IndicatorValue.objects.filter(township=township, year=year)
    }
    entries: list[AuditEntry] = []
    for indicator, value in values.items():
        if value is None:
            continue
        current = existing.get(indicator)
        if current is not None and current.value == value:
            continue
        before = None if current is None else _value_snapshot(current)
        if current is None:
            current = IndicatorValue.objects.create(
                township=township, year=year, indicator=indicator, value=value, source=source
            )
        else:
            current.value = value
            current.source = source
            current.save()
        entries.append(
            AuditEntry(
                object_type=object_type_of(IndicatorValue),
                object_id=str(current.pk),
                object_label=f"{township.name} {year}年 {indicator}",
                region_code=township.code,
                before=before,
                after=_value_snapshot(current),
            )
        )
    return entries


@transaction.atomic
def indicator_values_set(
    *,
    township: Region,
    year: int,
    values: Mapping[str, Decimal | None],
    source: str = MANUAL_SOURCE,
    actor: User | None = None,
) -> int:
    """Set a township's indicator values for ``year`` (None = leave as is).
    Returns how many values changed; each change is audited."""
    _require_level(township, Level.TOWNSHIP, "乡镇（街道）")
    county = Region.objects.get(code=township.county_code)
    known = set(_known_indicators(county))
    problems = []
    for name, value in values.items():
        if name not in known:
            problems.append(f"“{name}”不是本县的指标")
        elif value is not None and value < 0:
            problems.append(f"指标“{name}”的数值 {value} 不能为负数")
    if problems:
        raise ServiceError(problems)
    entries = _apply_values(township=township, year=year, values=values, source=source)
    audit_record_many(actor=actor, action="update", entries=entries)
    return len(entries)


# --- approved quotas and the ledger -------------------------------------------


class QuotaRuleViolation(RuleRefusal, ServiceError):
    """Approved quotas that would leave a new block finding (a 一般乡镇 under
    its floor, the county's total cut: `no-total-decrease`…); `findings` says
    which. A ServiceError, so pages, API and CLI show it as any refusal;
    RuleRefusal first: its ``__init__`` takes the findings."""


@dataclass(frozen=True)
class QuotaChange:
    township: Region
    quota_type: str
    after: int


@dataclass(frozen=True)
class ReserveChange:
    """The county's reserve pool (机动编制) of one quota type becomes `after`."""

    county: Region
    quota_type: str
    after: int


def _check_changes(changes: Sequence[QuotaChange], reserves: Sequence[ReserveChange]) -> None:
    for change in changes:
        _require_level(change.township, Level.TOWNSHIP, "乡镇（街道）")
        QuotaType(change.quota_type)
        if change.after < 0:
            raise ServiceError(f"{change.township.name} 的核定编制不能为负数")
    for reserve in reserves:
        _require_level(reserve.county, Level.COUNTY, "县")
        QuotaType(reserve.quota_type)
        if reserve.after < 0:
            raise ServiceError(f"{reserve.county.name} 的机动编制不能为负数")


@transaction.atomic
def approved_quotas_apply(
    *,
    changes: Sequence[QuotaChange],
    document_number: str,
    date: date,
    reason: str = "",
    plan: AllocationPlan | None = None,
    reserves: Sequence[ReserveChange] = (),
    actor: User | None = None,
) -> list[QuotaLedgerEntry]:
    """Set approved quotas (and county reserve pools, `reserves`); every one
    that changes gets a ledger entry and an audit record citing
    ``document_number``. Unchanged ones are left alone. Returns the ledger
    entries written.

    One call is one approval: "两个不减少" compares the county total after
    it with the total before the latest document, so quota moved between
    townships (or out of the reserve) under one 文号 is no decrease.

    Runs inside the rule guard (the quotas are inputs of the floors, the
    "两个不减少" and over-quota rules): refused with `QuotaRuleViolation` when
    the new quotas leave a block finding the counties did not have before;
    otherwise the counties' stored findings are refreshed."""
    document_number = require_document_number(document_number)
    _check_changes(changes, reserves)
    counties = {change.township.county_code for change in changes} | {r.county.code for r in reserves}
    with rule_guard().write(county_codes=counties, refusal=QuotaRuleViolation):
        return _quotas_write(
            changes=changes,
            reserves=reserves,
            document_number=document_number,
            date=date,
            reason=reason,
            plan=plan,
            actor=actor,
        )


def _finding_key(finding: Finding) -> tuple[str, str, str]:
    # The same finding before and after: same rule, same object (the message
    # may change with the figures).
    return (finding.rule, str(finding.object.kind), finding.object.id)


class _Preview(Exception):
    """Raised to roll the preview's savepoint back."""


def approved_quotas_findings(
    *, changes: Sequence[QuotaChange], date: date, reserves: Sequence[ReserveChange] = ()
) -> list[Finding]:
    """The findings (block and warning) that applying `changes` would newly
    create: the counties are evaluated as they would be after the write,
    inside a savepoint that is then rolled back, so nothing is kept (no
    quota, ledger entry, audit record or stored finding). What the plan page
    shows before anyone approves, and what approval would be refused with."""
    guard = rule_guard()
    _check_changes(changes, reserves)
    counties = sorted({change.township.county_code for change in changes} | {r.county.code for r in reserves})

    before = {code: {_finding_key(f) for f in guard.evaluate(county_code=code)} for code in counties}
    introduced: list[Finding] = []
    try:
        with transaction.atomic():
            _quotas_write(
                changes=changes,
                reserves=reserves,
                document_number="（预览）",
                date=date,
                reason="",
                plan=None,
                actor=None,
            )
            for code in counties:
                introduced.extend(f for f in guard.evaluate(county_code=code) if _finding_key(f) not in before[code])
            raise _Preview
    except _Preview:
        pass
    return introduced


def _quotas_write(
    *,
    changes: Sequence[QuotaChange],
    reserves: Sequence[ReserveChange] = (),
    document_number: str,
    date: date,
    reason: str,
    plan: AllocationPlan | None,
    actor: User | None,
) -> list[QuotaLedgerEntry]:
    record = _Record(document_number=document_number, date=date, reason=reason, plan=plan, actor=actor)
    quotas = {
        (q.township_id, q.quota_type): q
        for q in ApprovedQuota.objects.select_for_update().filter(
            township__in=[c.township for c in changes]
        )
    }
    pools = {
        (r.county_id, r.quota_type): r
        for r in CountyReserve.objects.select_for_update().filter(county__in=[r.county for r in reserves])
    }
    lines = [
        _holder_count_set(
            holder=change.township, quota_type=change.quota_type,
            row=quotas.get((change.township.pk, change.quota_type)), after=change.after, record=record,
        )
        for change in changes
    ] + [
        _holder_count_set(
            holder=pool.county, quota_type=pool.quota_type,
            row=pools.get((pool.county.pk, pool.quota_type)), after=pool.after, record=record,
        )
        for pool in reserves
    ]
    written = QuotaLedgerEntry.objects.bulk_create([line[0] for line in lines if line is not None])
    audit_record_many(
        actor=actor,
        action="approve" if plan is not None else "update",
        entries=[line[1] for line in lines if line is not None],
        reason=document_number,
    )
    return written


@dataclass(frozen=True)
class _Record:
    """What every ledger line of one approval shares."""

    document_number: str
    date: date
    reason: str
    plan: AllocationPlan | None
    actor: User | None


def _holder_count_set(
    *,
    holder: Region,
    quota_type: str,
    row: ApprovedQuota | CountyReserve | None,
    after: int,
    record: _Record,
) -> tuple[QuotaLedgerEntry, AuditEntry] | None:
    """Set one holder's count of one quota type to ``after``: a township's
    approved quota (``row`` an ApprovedQuota) or, when ``holder`` is a county,
    its reserve pool (a CountyReserve). Returns the (unsaved) ledger entry and
    the audit entry of the change, None when nothing changed. The one place a
    quota count and its ledger line are written: plans, manual changes,
    reserve assignments and cross-level transfers all come through here."""
    is_reserve = holder.level == Level.COUNTY
    before = None if row is None else row.count
    # A missing reserve row is a pool of 0; a missing township quota has never
    # been approved, so setting it to 0 is still a first approval.
    if ((before or 0) if is_reserve else before) == after:
        return None
    if row is None:
        row = (
            CountyReserve.objects.create(county=holder, quota_type=quota_type, count=after)
            if is_reserve
            else ApprovedQuota.objects.create(township=holder, quota_type=quota_type, count=after)
        )
    else:
        row.count = after
        row.save()
    what = "机动编制" if is_reserve else "核定编制"
    ledger = QuotaLedgerEntry(
        township=holder,
        quota_type=quota_type,
        before=before,
        after=after,
        document_number=record.document_number,
        date=record.date,
        plan=record.plan,
        reason=record.reason or ("机动编制" if is_reserve else ""),
        created_by=record.actor if getattr(record.actor, "is_authenticated", False) else None,
    )
    audit = AuditEntry(
        object_type=object_type_of(type(row)),
        object_id=str(row.pk),
        object_label=f"{holder.name} 机动{quota_type}" if is_reserve else f"{holder.name} {quota_type}",
        region_code=holder.code,
        before=None if before is None else {what: before},
        after={what: after, "日期": record.date.isoformat()},
    )
    return ledger, audit


def approved_quota_set(
    *,
    township: Region,
    quota_type: str,
    count: int,
    document_number: str,
    date: date,
    reason: str = "",
    actor: User | None = None,
) -> QuotaLedgerEntry | None:
    """Set one approved quota by a document; None if it already had that value."""
    written = approved_quotas_apply(
        changes=[QuotaChange(township=township, quota_type=quota_type, after=count)],
        document_number=document_number,
        date=date,
        reason=reason,
        actor=actor,
    )
    return written[0] if written else None


@transaction.atomic
def reserve_assign(
    *,
    township: Region,
    quota_type: str,
    count: int,
    document_number: str,
    date: date,
    reason: str = "",
    actor: User | None = None,
) -> list[QuotaLedgerEntry]:
    """Assign `count` of the county's reserve pool (机动编制) to `township`
    under one 文号: the pool goes down and the township's approved quota up
    by `count`, two ledger entries and audit records, the county total
    unchanged. Through the rule guard like every quota change (the
    township's new quota can still break a block rule, e.g. over a cap a
    region set)."""
    _require_level(township, Level.TOWNSHIP, "乡镇（街道）")
    QuotaType(quota_type)
    if count <= 0:
        raise ServiceError("调剂的机动编制须为正整数")
    county = Region.objects.get(code=township.county_code)
    pool = CountyReserve.objects.select_for_update().filter(county=county, quota_type=quota_type).first()
    available = pool.count if pool else 0
    if count > available:
        raise ServiceError(f"{county.name}机动{quota_type}只有{available}名，不能调剂{count}名")
    current = ApprovedQuota.objects.filter(township=township, quota_type=quota_type).first()
    return approved_quotas_apply(
        changes=[QuotaChange(township=township, quota_type=quota_type, after=(current.count if current else 0) + count)],
        reserves=[ReserveChange(county=county, quota_type=quota_type, after=available - count)],
        document_number=document_number,
        date=date,
        reason=reason or f"机动编制调剂给{township.name}",
        actor=actor,
    )


@transaction.atomic
def control_number_set(
    *,
    county: Region,
    quota_type: str,
    count: int,
    document_number: str,
    date: date,
    actor: User | None = None,
) -> ControlNumber:
    """Record a control number issued from above (上级下达的控制数) for one
    quota type of the county. It is a fact from a higher authority, so a
    number below the county's current total is recorded, not refused: the
    county's findings are refreshed and the `control-number` rule reports
    the excess (returned by ``control_number_check``)."""
    _require_level(county, Level.COUNTY, "县")
    document_number = require_document_number(document_number)
    QuotaType(quota_type)
    if count < 0:
        raise ServiceError("控制数不能为负数")
    row = ControlNumber.objects.create(
        county=county,
        quota_type=quota_type,
        count=count,
        document_number=document_number,
        date=date,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="create",
        obj=row,
        region_code=county.code,
        after={"编制类型": quota_type, "控制数": count, "文号": document_number, "日期": date.isoformat()},
        reason=document_number,
    )
    rule_guard().refresh(county_code=county.code)
    return row


# --- Excel import ---------------------------------------------------------------


class IndicatorImportError(ServiceError):
    """The file cannot be imported; ``problems`` lists every problem (file, row,
    column, reason). Nothing was written."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        super().__init__([str(p) for p in self.problems])


@dataclass(frozen=True)
class ImportResult:
    rows: int
    values_changed: int
    classes_changed: int


@transaction.atomic
def indicators_import(
    *,
    county: Region,
    year: int,
    data: bytes,
    file_name: str,
    allowed_codes: set[str] | None = None,
    actor: User | None = None,
) -> ImportResult:
    """Import one year's indicators (and classes) from the indicator workbook.

    All or nothing: every problem of every row is collected first and, if
    there is any, ``IndicatorImportError`` is raised and nothing is written.
    ``allowed_codes`` (the townships the importing user may edit; default all
    townships of the county) limits which codes may appear. Blank cells leave
    values as they are. One audit record per object changed.
    """
    _require_level(county, Level.COUNTY, "县")
    if not 1900 <= year <= 2200:
        raise IndicatorImportError([InputProblem(file_name, None, "年度", f"年度 {year} 不正确")])
    classes = _classes_of(county)
    parsed = xlsx_indicators.read_workbook(
        data, file_name=file_name, indicators=_known_indicators(county), classes=classes
    )
    problems = list(parsed.problems)
    townships = {
        r.code: r for r in Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code)
    }
    allowed = set(townships) if allowed_codes is None else allowed_codes & set(townships)
    for row in parsed.rows:
        number = parsed.row_numbers[row.code]
        region = townships.get(row.code)
        if region is None or row.code not in allowed:
            problems.append(
                InputProblem(file_name, number, xlsx_indicators.CODE, f"{row.code} 不是{county.name}的乡镇（街道）")
            )
        elif row.name and row.name != region.name:
            problems.append(
                InputProblem(
                    file_name,
                    number,
                    xlsx_indicators.NAME,
                    f"名称“{row.name}”与代码 {row.code} 的乡镇“{region.name}”不符",
                )
            )
    if not problems and not parsed.rows:
        problems.append(InputProblem(file_name, None, None, "文件中没有任何乡镇数据"))
    if problems:
        problems.sort(key=lambda p: (p.row or 0))
        raise IndicatorImportError(problems)

    value_entries: list[AuditEntry] = []
    class_entries: list[AuditEntry] = []
    profiles = {
        t.region_id: t for t in Township.objects.filter(region__in=list(townships.values()))
    }
    for row in parsed.rows:
        region = townships[row.code]
        value_entries += _apply_values(
            township=region, year=year, values=row.values, source=IMPORT_SOURCE
        )
        profile = profiles.get(region.pk)
        if row.township_class and (profile is None or profile.township_class != row.township_class):
            before = None if profile is None else {"乡镇类别": profile.township_class}
            if profile is None:
                profile = Township.objects.create(region=region, township_class=row.township_class)
            else:
                profile.township_class = row.township_class
                profile.save()
            class_entries.append(
                AuditEntry(
                    object_type=object_type_of(Township),
                    object_id=str(profile.pk),
                    object_label=str(profile),
                    region_code=region.code,
                    before=before,
                    after={"乡镇类别": row.township_class},
                )
            )
    audit_record_many(
        actor=actor,
        action="import",
        entries=value_entries + class_entries,
        reason=f"导入 {file_name}",
    )
    return ImportResult(
        rows=len(parsed.rows),
        values_changed=len(value_entries),
        classes_changed=len(class_entries),
    )
