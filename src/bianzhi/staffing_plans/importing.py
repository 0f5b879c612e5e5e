"""The recruitment-plan workbook: template with drop-downs (township codes of
the county, quota types), export of a plan with its progress, and the
all-or-nothing import of a plan's entries. Read and written by
``adapters.xlsx_columns``; this module holds the column list and turns rows
into ``EntryLine``s or Chinese row/column errors (a count beyond the vacancy
is one, at its row's 计划进人数).

An imported file replaces the plan's entries; any bad cell saves nothing.
"""

from __future__ import annotations

from typing import IO

from bianzhi.accounts.models import User
from bianzhi.adapters.xlsx_columns import (
    Column,
    RowError,
    SheetError,
    parse_count,
    read_rows,
    template_workbook,
    text,
    write_workbook,
)
from bianzhi.adapters.xlsx_limits import SheetLimits
from bianzhi.core.staffing_plans import WITHIN_VACANCY
from bianzhi.kernel.errors import ServiceError
from bianzhi.regions.models import Level, Region
from bianzhi.staffing_plans.models import RecruitmentPlan
from bianzhi.staffing_plans.selectors import PlanView, vacancy_table
from bianzhi.staffing_plans.services import EntryLine, planned_entries_set
from bianzhi.townships.models import QuotaType

COLUMNS: tuple[Column, ...] = (
    Column("乡镇代码", "township_code", True, "9位统计用区划代码（下拉选择）", width=12),
    Column("乡镇名称", "township_name", False, "仅供核对，以代码为准", width=16),
    Column("编制类型", "quota_type", True, "", tuple(QuotaType.values), width=12),
    Column("计划进人数", "count", True, "不超过该乡镇该类编制的空编数", width=12),
)
HEADERS = {c.key: c.header for c in COLUMNS}
LIMITS = SheetLimits(rows=5_000, columns=20, unpacked_bytes=10 * 1024 * 1024)


class PlanImportRefused(ServiceError):
    """The file had errors: nothing was saved."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__([str(e) for e in errors])


def plan_template(*, county: Region) -> bytes:
    codes = list(
        Region.objects.filter(level=Level.TOWNSHIP, county_code=county.code).order_by("code").values_list("code", flat=True)
    )
    return template_workbook(COLUMNS, title="用编进人计划", lists={"township_code": codes})


def plan_export(view: PlanView) -> bytes:
    headers = ["乡镇代码", "乡镇名称", "编制类型", "核定编制", "在编人员", "空编", "计划进人数", "已进人数", "完成率"]
    return write_workbook(
        "用编进人计划",
        headers,
        (
            [
                r.township.code, r.township.name, r.quota_type, r.approved, r.headcount, r.vacancy,
                r.planned, r.entered, "" if r.percent is None else f"{r.percent}%",
            ]
            for r in view.rows
        ),
    )


def plan_import_parse(*, plan: RecruitmentPlan, source: IO[bytes], filename: str) -> tuple[list[EntryLine], list[RowError]]:
    """Every row checked against the county's townships and vacancies; never writes."""
    try:
        raw = list(read_rows(source, COLUMNS, filename=filename, limits=LIMITS))
    except SheetError as error:
        return [], list(error.errors)
    errors: list[RowError] = []
    if not raw:
        errors.append(RowError(filename, 0, "", "没有数据行"))
    table = vacancy_table(county=plan.county)
    townships = {key[0]: row.township for key, row in table.items()}
    lines: list[EntryLine] = []
    seen: dict[tuple[str, str], int] = {}
    for number, values in raw:
        bad = len(errors)
        code = text(values.get("township_code"))
        township = townships.get(code)
        if township is None:
            errors.append(RowError(filename, number, HEADERS["township_code"],
                                   f"“{code}”不是{plan.county.name}的乡镇（街道）代码" if code else "不能为空"))
        quota_type = text(values.get("quota_type"))
        if quota_type not in QuotaType.values:
            errors.append(RowError(filename, number, HEADERS["quota_type"],
                                   f"“{quota_type}”无效，应为：{'、'.join(QuotaType.values)}" if quota_type else "不能为空"))
        count = 0
        if not text(values.get("count")):
            errors.append(RowError(filename, number, HEADERS["count"], "不能为空"))
        else:
            try:
                count = parse_count(values.get("count"))
            except ValueError as problem:
                errors.append(RowError(filename, number, HEADERS["count"], str(problem)))
        if len(errors) > bad or township is None:
            continue
        key = (code, quota_type)
        if key in seen:
            errors.append(RowError(filename, number, HEADERS["township_code"], f"与第{seen[key]}行重复"))
            continue
        seen[key] = number
        free = table[key].vacancy
        if count > free:
            errors.append(RowError(filename, number, HEADERS["count"],
                                   f"{township.name}{quota_type}空编{free}名，计划{count}名超出（依据：{WITHIN_VACANCY.source}）"))
            continue
        lines.append(EntryLine(township, quota_type, count))
    return lines, errors


def plan_import(*, actor: User | None, plan: RecruitmentPlan, source: IO[bytes], filename: str) -> int:
    """Replace the plan's entries from the file, all or nothing; returns the
    number of lines. Raises PlanImportRefused (nothing saved)."""
    lines, errors = plan_import_parse(plan=plan, source=source, filename=filename)
    if errors:
        raise PlanImportRefused(errors)
    planned_entries_set(actor=actor, plan=plan, lines=lines)
    return len(lines)
