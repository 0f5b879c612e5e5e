"""Import of the 主要职责 (functional duties by area) of a county's townships
and their institutions from Excel: one row per township (or institution) and
area. All-or-nothing: every bad cell is reported by row and column and
nothing is saved; a township named in the file has its duties replaced by
the file's rows (townships not named keep theirs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bianzhi.adapters.xlsx_columns import (
    Column,
    RowError,
    SheetError,
    read_rows,
    template_workbook,
    text,
)
from bianzhi.regions.models import Level, Region

COLUMNS = (
    Column("乡镇", "township", required=True, note="乡镇（街道）的代码或名称"),
    Column("机构", "institution", note="空白：乡镇的职责；填本乡镇的机构名称：该机构的职责"),
    Column("领域", "area", required=True, note="如：党的建设、经济发展、民生服务、平安法治"),
    Column("职责", "text", required=True, note="该领域的主要职责（一段文字）", width=60),
)
MAX_AREA, MAX_TEXT = 50, 2000


@dataclass(frozen=True)
class DutyRow:
    institution_id: int | None
    area: str
    text: str


@dataclass
class MainDutyPlan:
    townships: dict[int, Region] = field(default_factory=dict)
    rows: dict[int, list[DutyRow]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        count = sum(len(r) for r in self.rows.values())
        return f"{len(self.rows)}个乡镇（街道），主要职责{count}条。"


def main_duties_template(*, county: Region) -> bytes:
    townships = Region.objects.filter(county_code=county.code, level=Level.TOWNSHIP).order_by(
        "code"
    )
    return template_workbook(
        COLUMNS,
        title="主要职责",
        lists={"township": [t.name for t in townships]},
        example=["（乡镇名称）", "", "党的建设", "负责本镇党的建设工作……"],
    )


def main_duties_parse(
    *, source: str | Path | IO[bytes], filename: str, county: Region
) -> MainDutyPlan:
    """The rows of the file, or every problem in it (``plan.errors``)."""
    from bianzhi.institutions.models import Institution

    plan = MainDutyPlan()
    townships = list(Region.objects.filter(county_code=county.code, level=Level.TOWNSHIP))
    by_key: dict[str, Region] = {t.code: t for t in townships}
    names: dict[str, list[Region]] = {}
    for t in townships:
        names.setdefault(t.name, []).append(t)
    institutions = {
        (region_id, name): pk
        for pk, region_id, name in Institution.objects.filter(
            region__in=townships, abolished_on__isnull=True
        ).values_list("pk", "region_id", "name")
    }
    try:
        rows: list[tuple[int, dict[str, Any]]] = list(read_rows(source, COLUMNS, filename=filename))
    except SheetError as exc:
        plan.errors.extend(exc.errors)
        return plan

    def problem(row: int, column: str, reason: str) -> None:
        plan.errors.append(RowError(filename, row, column, reason))

    for number, cells in rows:
        key = text(cells.get("township"))
        township = by_key.get(key)
        if township is None:
            matches = names.get(key, [])
            if len(matches) > 1:
                problem(number, "乡镇", f"“{key}”有重名，请填写乡镇代码")
                continue
            township = matches[0] if matches else None
        if township is None:
            problem(
                number, "乡镇", f"“{key}”不是{county.name}的乡镇（街道）" if key else "不能为空"
            )
            continue
        institution_name = text(cells.get("institution"))
        institution_id = None
        if institution_name:
            institution_id = institutions.get((township.pk, institution_name))
            if institution_id is None:
                problem(number, "机构", f"{township.name}没有名为“{institution_name}”的机构")
                continue
        area, body = text(cells.get("area")), text(cells.get("text"))
        bad = False
        if not area:
            problem(number, "领域", "不能为空")
            bad = True
        elif len(area) > MAX_AREA:
            problem(number, "领域", f"不能超过{MAX_AREA}个字")
            bad = True
        if not body:
            problem(number, "职责", "不能为空")
            bad = True
        elif len(body) > MAX_TEXT:
            problem(number, "职责", f"不能超过{MAX_TEXT}个字")
            bad = True
        if bad:
            continue
        plan.townships[township.pk] = township
        plan.rows.setdefault(township.pk, []).append(DutyRow(institution_id, area, body))
    if not rows and not plan.errors:
        problem(0, "", "文件中没有数据行")
    return plan
