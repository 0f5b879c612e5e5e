"""Institution import: one row per institution with its current ledger
counts. Validate the whole file, preview (new / changed / unchanged), then
commit all or nothing through the services, so every institution, ledger
entry and nameplate is audited like a hand-made change.

A row for an institution that exists (same township, same name) sets its
ledger counts: each count that differs becomes one ledger entry with the
row's 文号 and 设立日期 as its date; nameplates not yet carried are added.
Files are small (tens of rows per county), so the commit goes row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.db import transaction

from bianzhi.adapters.xlsx_columns import (
    Column,
    RowError,
    SheetError,
    code_text,
    parse_choice,
    parse_count,
    parse_date,
    read_rows,
    template_workbook,
    text,
)
from bianzhi.institutions.models import Institution, Kind, LedgerItem, Nameplate
from bianzhi.institutions.selectors import ledger_balances
from bianzhi.institutions.services import (
    InstitutionRuleViolation,
    institution_create,
    ledger_set,
    nameplate_add,
)
from bianzhi.kernel.errors import ServiceError
from bianzhi.kernel.hooks import rule_guard
from bianzhi.regions.models import Level, Region

if TYPE_CHECKING:
    from bianzhi.accounts.models import User

COUNT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("行政编制", LedgerItem.ADMIN),
    ("事业编制", LedgerItem.INSTITUTION),
    ("工勤编制", LedgerItem.WORKER),
    ("科级正职职数", LedgerItem.LEADER_CHIEF),
    ("科级副职职数", LedgerItem.LEADER_DEPUTY),
    ("中层职数", LedgerItem.MIDDLE),
)
COLUMNS: tuple[Column, ...] = (
    Column("乡镇代码", "township_code", True, "9位统计用区划代码", width=12),
    Column("机构名称", "name", True, "", width=26),
    Column("机构类别", "kind", True, "", tuple(str(label) for label in Kind.labels), width=18),
    Column("设立日期", "established_on", True, "新机构的设立日期；已有机构为本次核定的日期"),
    Column("文号", "document_number", True, "批准文件文号，如 大委编发〔2021〕12号", width=24),
    Column("挂牌", "nameplates", False, "多个名称用“、”分隔；挂牌不计入机构数", width=24),
    *(Column(header, key, False, "整数，空为0") for header, key in COUNT_COLUMNS),
)
_KIND_BY_LABEL = {str(label): value for value, label in Kind.choices}
_HEADERS = {c.key: c.header for c in COLUMNS}


@dataclass
class InstitutionRow:
    number: int
    township: Region
    name: str
    kind: str
    established_on: date
    document_number: str
    nameplates: list[str]
    counts: dict[str, int]
    existing: Institution | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class InstitutionImportPlan:
    filename: str
    rows: list[InstitutionRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def new(self) -> list[InstitutionRow]:
        return [r for r in self.rows if r.existing is None]

    @property
    def changed(self) -> list[InstitutionRow]:
        return [r for r in self.rows if r.existing is not None and r.changes]

    @property
    def unchanged(self) -> list[InstitutionRow]:
        return [r for r in self.rows if r.existing is not None and not r.changes]

    def summary(self) -> str:
        return f"新增{len(self.new)}个机构，变更{len(self.changed)}个，未变{len(self.unchanged)}个"


def institution_template(*, township_codes: list[str] | None = None) -> bytes:
    return template_workbook(COLUMNS, title="机构", lists={"township_code": township_codes or []})


def institution_import_parse(
    *, source: str | Path | IO[bytes], filename: str, region: Region | None = None
) -> InstitutionImportPlan:
    """Validate the whole file; `region` limits the townships rows may name
    (None: any, for the command line). Never writes."""
    plan = InstitutionImportPlan(filename)
    try:
        raw = list(read_rows(source, COLUMNS, filename=filename))
    except SheetError as error:
        plan.errors.extend(error.errors)
        return plan
    townships_qs = Region.objects.filter(level=Level.TOWNSHIP)
    if region is not None:
        townships_qs = townships_qs.filter(**{region.level_field: region.code})
    townships = {
        r.code: r for r in townships_qs.filter(code__in={code_text(v.get("township_code")) for _, v in raw})
    }
    live = {
        (i.region_id, i.name): i
        for i in Institution.objects.filter(region__in=list(townships.values()), abolished_on__isnull=True)
    }
    balances = ledger_balances(institution_ids=[i.pk for i in live.values()])
    plates: dict[int, set[str]] = {}
    for institution_id, name in Nameplate.objects.filter(
        institution__in=list(live.values()), removed_on__isnull=True
    ).values_list("institution_id", "name"):
        plates.setdefault(institution_id, set()).add(name)
    seen: dict[tuple[str, str], int] = {}
    for number, values in raw:
        errors: list[RowError] = []
        report = _collector(errors, filename, number)

        code = code_text(values.get("township_code"))
        township = townships.get(code)
        if township is None:
            report("township_code", f"“{code}”不是本地区的乡镇（街道）代码" if code else "不能为空")
        name = text(values.get("name"))
        if not name:
            report("name", "不能为空")
        elif (code, name) in seen:
            report("name", f"与第{seen[(code, name)]}行重复")
        else:
            seen[(code, name)] = number
        kind = ""
        if not text(values.get("kind")):
            report("kind", "不能为空")
        else:
            try:
                kind = parse_choice(values.get("kind"), _KIND_BY_LABEL)
            except ValueError as problem:
                report("kind", str(problem))
        established_on: date | None = None
        try:
            established_on = parse_date(values.get("established_on"))
            if established_on is None:
                report("established_on", "不能为空")
        except ValueError as problem:
            report("established_on", str(problem))
        document_number = text(values.get("document_number"))
        if not document_number:
            report("document_number", "不能为空")
        counts: dict[str, int] = {}
        for header, item in COUNT_COLUMNS:
            try:
                counts[item] = parse_count(values.get(item))
            except ValueError as problem:
                errors.append(RowError(filename, number, header, str(problem)))
        nameplates = [p.strip() for p in text(values.get("nameplates")).replace(",", "、").replace("，", "、").split("、") if p.strip()]
        if errors or township is None or established_on is None:
            plan.errors.extend(errors)
            continue
        row = InstitutionRow(number, township, name, kind, established_on, document_number, nameplates, counts)
        row.existing = live.get((township.pk, name))
        if row.existing is not None:
            if row.existing.kind != kind:
                plan.errors.append(RowError(filename, number, "机构类别",
                                            f"与已有机构的类别“{row.existing.get_kind_display()}”不同（类别不能通过导入修改）"))
                continue
            current = balances.get(row.existing.pk, {})
            for header, item in COUNT_COLUMNS:
                if current.get(item, 0) != counts[item]:
                    row.changes.append(f"{header}{current.get(item, 0)}→{counts[item]}")
            for plate in nameplates:
                if plate not in plates.get(row.existing.pk, set()):
                    row.changes.append(f"挂牌“{plate}”")
        plan.rows.append(row)
    return plan


def _collector(errors: list[RowError], filename: str, number: int) -> Callable[[str, str], None]:
    """error(column key, reason) appends one RowError for this row."""

    def error(key: str, reason: str) -> None:
        errors.append(RowError(filename, number, _HEADERS[key], reason))

    return error


class InstitutionImportRefused(ServiceError):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"导入文件有{len(errors)}处错误，未导入任何数据")


@transaction.atomic
def institution_import_commit(*, actor: User | None, plan: InstitutionImportPlan) -> str:
    """Write the plan, all or nothing; returns the summary. Raises
    InstitutionImportRefused when the plan has errors."""
    if plan.errors:
        raise InstitutionImportRefused(plan.errors)
    # One guard over the whole file: refused (all rows rolled back) when the
    # import leaves a block finding its counties did not have before.
    counties = {row.township.county_code for row in plan.rows if row.existing is None or row.changes}
    with rule_guard().write(county_codes=counties, refusal=InstitutionRuleViolation):
        for row in plan.rows:
            if row.existing is None:
                institution = institution_create(
                    actor=actor, township=row.township, name=row.name, kind=row.kind,
                    established_on=row.established_on, document_number=row.document_number,
                    reason=f"导入 {plan.filename}", quotas=row.counts, refresh=False,
                )
                existing_plates: set[str] = set()
            elif row.changes:
                institution = row.existing
                ledger_set(
                    actor=actor, institution=institution, targets=row.counts,
                    effective_on=row.established_on, document_number=row.document_number,
                    reason=f"导入 {plan.filename}", refresh=False,
                )
                existing_plates = set(
                    Nameplate.objects.filter(institution=institution, removed_on__isnull=True).values_list("name", flat=True)
                )
            else:
                continue
            for plate in row.nameplates:
                if plate not in existing_plates:
                    nameplate_add(actor=actor, institution=institution, name=plate,
                                  added_on=row.established_on, document_number=row.document_number)
    return plan.summary()
