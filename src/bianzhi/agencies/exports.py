"""The assessment workbook of one county and year: the ranked rows of
agencies, departments and the two-way evaluation, from the selectors; the
workbook itself is written by ``bianzhi.adapters.xlsx_assessments``."""

from __future__ import annotations

from bianzhi.adapters.xlsx_assessments import assessments_workbook
from bianzhi.agencies import selectors
from bianzhi.regions.models import Region


def assessments_xlsx(*, county: Region, year: int) -> bytes:
    agencies = (
        [r.rank, a.agency.township.name, a.agency.name, a.agency.managing_department.name,
         float(a.township_weight), float(a.township_score), float(a.department_score), float(a.total)]
        for r in selectors.agency_ranking(county=county, year=year)
        for a in [r.key]
    )
    departments = (
        [r.rank, a.department.name, float(a.township_weight), float(a.township_score), float(a.other_score), float(a.total)]
        for r in selectors.department_ranking(county=county, year=year)
        for a in [r.key]
    )
    by_townships, by_departments = selectors.evaluation_rankings(county=county, year=year)
    return assessments_workbook(
        agencies=agencies,
        departments=departments,
        townships_on_departments=([r.rank, r.name, r.count, float(r.mean)] for r in by_townships),
        departments_on_townships=([r.rank, r.name, r.count, float(r.mean)] for r in by_departments),
    )
