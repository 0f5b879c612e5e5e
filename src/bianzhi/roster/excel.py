"""Roster spreadsheets: the column layout (one list drives the template, the
import and the export), the template with drop-down lists, and the export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bianzhi.core.idnumber import mask_id_number
from bianzhi.institutions.models import QuotaType
from bianzhi.institutions.xlsx import Column, template_workbook, write_workbook
from bianzhi.roster.models import Education, EntryWay, Grade, Person, PostCategory, Status

YES_NO = ("是", "否")

COLUMNS: tuple[Column, ...] = (
    Column("身份证号", "id_number", True, "18位，末位可为X；全系统唯一，性别和出生日期由此得出", width=22),
    Column("姓名", "name", True),
    Column("乡镇代码", "township_code", True, "9位统计用区划代码，如 510923100", width=12),
    Column("机构", "institution", False, "本乡镇已设立机构的名称；可空", width=24),
    Column("编制类型", "quota_type", True, "", tuple(QuotaType.values)),
    Column("岗位类别", "post_category", False, "空表示一般", tuple(PostCategory.labels)),
    Column("执法人员", "is_enforcement_staff", False, "从事综合行政执法工作填“是”", YES_NO),
    Column("状态", "status", False, "空表示在岗", tuple(Status.labels)),
    Column("借调单位", "secondment_unit", False, "状态为借调出时必填", width=20),
    Column("借调开始日期", "secondment_start", False, "状态为借调出时填写"),
    Column("入编日期", "entry_date", False, "如 2021-09-01"),
    Column("入编方式", "entry_way", False, "空表示其他", tuple(EntryWay.labels)),
    Column("服务期满日期", "service_period_end", False, "空：按入编日期和本地区服务期年限计算"),
    Column("学历", "education", False, "", tuple(Education.labels)),
    Column("执法证号", "certificate_number", False, "", width=16),
    Column("执法证有效期至", "certificate_expiry", False, ""),
    Column("年度考核", "assessment_grade", False, "", tuple(Grade.labels)),
)
HEADERS = [c.header for c in COLUMNS]


def roster_template(*, township_codes: Sequence[str] = (), institution_names: Sequence[str] = ()) -> bytes:
    """The import template; `township_codes`/`institution_names` (the
    importer's region) become drop-down lists too."""
    lists = {"township_code": list(township_codes), "institution": sorted(set(institution_names))}
    return template_workbook(COLUMNS, title="实名制名册", lists=lists)


def _label(choices: type[Status] | type[PostCategory] | type[EntryWay] | type[Education], value: str) -> str:
    return str(choices(value).label) if value else ""


def export_row(person: Person, *, show_id_number: bool) -> list[object]:
    """One export row in COLUMNS order (the export re-imports unchanged)."""
    return [
        person.id_number if show_id_number else mask_id_number(person.id_number),
        person.name,
        person.region.code,
        person.institution.name if person.institution_id and person.institution else "",
        person.quota_type,
        _label(PostCategory, person.post_category),
        "是" if person.is_enforcement_staff else "否",
        _label(Status, person.status),
        person.secondment_unit,
        person.secondment_start,
        person.entry_date,
        _label(EntryWay, person.entry_way),
        person.service_period_end,
        _label(Education, person.education),
        person.certificate_number,
        person.certificate_expiry,
        person.assessment_grade,
    ]


def roster_export(persons: Iterable[Person], *, show_id_number: bool) -> bytes:
    """The roster as .xlsx; identity numbers masked unless `show_id_number`.
    A masked export cannot be re-imported (the import rejects masked numbers)."""
    return write_workbook(
        "实名制名册", HEADERS, (export_row(p, show_id_number=show_id_number) for p in persons)
    )
