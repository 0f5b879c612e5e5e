"""The case register as Excel: the import template (drop-downs: the
township's enforcement matters, party types), reading a filled template into
``CaseFields`` with every bad cell named by row and column, and the export.

Parsing checks each cell (dates, party type, identity number or credit code,
matter from the list); ``services.case_import`` then checks what needs the
database (numbers already used) and saves all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from bianzhi.adapters.xlsx_columns import (
    Column,
    RowError,
    SheetError,
    parse_date,
    parse_yes_no,
    read_rows,
    template_workbook,
    text,
    write_workbook,
)
from bianzhi.core.credit_code import CreditCodeError, validate_credit_code
from bianzhi.core.idnumber import IdNumberError, validate_id_number
from bianzhi.duties.selectors.duty_list import DutyEntry
from bianzhi.enforcement.models import Case, PartyKind
from bianzhi.enforcement.selectors import party_id_shown, party_name_shown
from bianzhi.enforcement.services import CaseFields
from bianzhi.kernel import clock

PARTY_KINDS = tuple(str(label) for label in PartyKind.labels)
COLUMNS: tuple[Column, ...] = (
    Column("案件编号", "number", True, "本乡镇内唯一，如 蓬综执立〔2026〕1号", width=22),
    Column("执法事项", "matter", True, "从下拉列表选择（本乡镇执法事项清单）", width=40),
    Column("当事人类型", "party_kind", True, "", PARTY_KINDS, width=16),
    Column("当事人", "party_name", True, "自然人姓名或单位名称", width=20),
    Column("证件号码", "party_id", True, "自然人填身份证号，单位填18位统一社会信用代码", width=22),
    Column("立案日期", "filed_on", True, "如 2026-03-01", width=12),
    Column("重大执法决定", "is_major", False, "是/否，空为否", ("是", "否"), width=12),
    Column("案情摘要", "summary", False, "", width=40),
)
MAX_ROWS = 2000


def matter_label(entry: DutyEntry) -> str:
    return f"{entry.code} {entry.name}"


def case_template(*, matters: Sequence[DutyEntry]) -> bytes:
    return template_workbook(
        COLUMNS,
        title="执法案件台账",
        lists={"matter": [matter_label(m) for m in matters]},
    )


def parse_cases(
    source: bytes | IO[bytes], *, filename: str, matters: Sequence[DutyEntry]
) -> list[tuple[int, CaseFields]]:
    """(row, fields) for every row, or ``SheetError`` listing every bad cell."""
    import io

    by_label = {matter_label(m): m.code for m in matters}
    by_code = {m.code: m.code for m in matters}
    by_name = {m.name: m.code for m in matters}
    kinds = {str(label): value for value, label in PartyKind.choices}
    errors: list[RowError] = []
    result: list[tuple[int, CaseFields]] = []
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    for number, raw in read_rows(stream, COLUMNS, filename=filename):
        if len(result) >= MAX_ROWS:
            errors.append(RowError(filename, number, "", f"超过 {MAX_ROWS} 行，请分表导入"))
            break

        def bad(header: str, reason: str, number: int = number) -> None:
            errors.append(RowError(filename, number, header, reason))

        before = len(errors)
        values = {key: text(raw.get(key)) for key in ("number", "matter", "party_kind", "party_name", "party_id", "summary")}
        for column in COLUMNS:
            if column.required and column.key != "filed_on" and not values.get(column.key, "x"):
                bad(column.header, "不能为空")
        matter = values["matter"]
        code = by_label.get(matter) or by_code.get(matter) or by_name.get(matter)
        if matter and code is None:
            bad("执法事项", f"“{matter}”不在本乡镇执法事项清单中")
        kind = kinds.get(values["party_kind"]) or (
            values["party_kind"] if values["party_kind"] in PartyKind.values else None
        )
        if values["party_kind"] and kind is None:
            bad("当事人类型", f"“{values['party_kind']}”应为 {'或'.join(PARTY_KINDS)}")
        party_id = values["party_id"]
        if party_id and kind is not None:
            try:
                party_id = (
                    validate_id_number(party_id, today=clock.today()).value
                    if kind == PartyKind.PERSON
                    else validate_credit_code(party_id)
                )
            except (IdNumberError, CreditCodeError) as error:
                bad("证件号码", str(error))
        filed_on = None
        try:
            filed_on = parse_date(raw.get("filed_on"))
            if filed_on is None:
                bad("立案日期", "不能为空")
        except ValueError as error:
            bad("立案日期", str(error))
        is_major = False
        try:
            is_major = parse_yes_no(raw.get("is_major"))
        except ValueError as error:
            bad("重大执法决定", str(error))
        if len(errors) > before or filed_on is None or code is None or kind is None:
            continue
        result.append(
            (
                number,
                CaseFields(
                    number=values["number"],
                    matter_code=code,
                    party_kind=kind,
                    party_name=values["party_name"],
                    party_id=party_id,
                    filed_on=filed_on,
                    summary=values["summary"],
                    is_major=is_major,
                ),
            )
        )
    if errors:
        raise SheetError(errors)
    if not result:
        raise SheetError([RowError(filename, 0, "", "表中没有案件")])
    return result


EXPORT_HEADERS = (
    "乡镇", "案件编号", "执法事项", "权力类型", "当事人类型", "当事人", "证件号码", "立案日期",
    "调查日期", "决定日期", "结案日期", "重大执法决定", "法制审核日期", "处理决定", "罚款金额（元）",
    "状态", "公示",
)


def cases_xlsx(cases: Sequence[Case], *, full: bool) -> bytes:
    """The register as shown on the page (party masked unless ``full``)."""

    def row(c: Case) -> list[Any]:
        return [
            c.township.name, c.number, c.matter_name, c.power_type, c.get_party_kind_display(),
            party_name_shown(c, full=full), party_id_shown(c, full=full), c.filed_on,
            c.investigated_on, c.decided_on, c.closed_on, "是" if c.is_major else "否",
            c.legal_reviewed_on, c.decision, c.penalty_amount, c.get_status_display(),
            "已公示" if c.published_at else "",
        ]

    return write_workbook("执法案件台账", EXPORT_HEADERS, (row(c) for c in cases))
