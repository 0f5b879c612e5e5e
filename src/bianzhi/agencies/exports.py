"""The assessment workbook of one county and year: agencies, departments and
the two-way evaluation, each ranked."""

from __future__ import annotations

from openpyxl import Workbook

from bianzhi.agencies import selectors
from bianzhi.duties.spreadsheets import workbook_bytes, write_table
from bianzhi.regions.models import Region


def assessments_xlsx(*, county: Region, year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "派驻机构考核"
    write_table(
        sheet,
        ["名次", "乡镇", "派驻机构", "主管部门", "乡镇评价权重（%）", "乡镇评价得分", "主管部门考核得分", "综合得分"],
        (
            [r.rank, a.agency.township.name, a.agency.name, a.agency.managing_department.name,
             float(a.township_weight), float(a.township_score), float(a.department_score), float(a.total)]
            for r in selectors.agency_ranking(county=county, year=year)
            for a in [r.key]
        ),
        (6, 12, 24, 20, 16, 14, 16, 10),
    )
    departments = book.create_sheet("县直部门考核")
    write_table(
        departments,
        ["名次", "部门", "乡镇评价权重（%）", "乡镇评价得分", "其他考核得分", "综合得分"],
        (
            [r.rank, a.department.name, float(a.township_weight), float(a.township_score), float(a.other_score), float(a.total)]
            for r in selectors.department_ranking(county=county, year=year)
            for a in [r.key]
        ),
        (6, 24, 16, 14, 14, 10),
    )
    by_townships, by_departments = selectors.evaluation_rankings(county=county, year=year)
    for title, rows in (("乡镇评议部门", by_townships), ("部门评议乡镇", by_departments)):
        write_table(
            book.create_sheet(title),
            ["名次", "被评议单位", "评议数", "平均得分"],
            ([r.rank, r.name, r.count, float(r.mean)] for r in rows),
            (6, 24, 8, 10),
        )
    return workbook_bytes(book)
